package nn

import (
	"fmt"
	"math"
)

// Vector kernels: elementwise maps, row reductions and transposes, with
// AVX-512F (16 lanes) and AVX2 (8 lanes) assembly on amd64 (vec_amd64.s) and
// a pure-Go twin (vec_go.go). The implementations give identical bits: they
// perform the same float32 operations (no fused multiply-add) and reduce in
// the same canonical order (64 lanes folded pairwise, see vec_go.go), so
// results depend neither on the CPU, nor on threads or batch size.

// vecKernel is one implementation of the vector kernels. Slices passed to
// them are non-empty and have the lengths the comments state; in-place use
// (dst the same slice as a source) is allowed, partial overlap is not.
type vecKernel struct {
	name      string
	exp       func(dst, x []float32)                        // dst[i] = e^x[i]
	siluMul   func(dst, g, u []float32)                     // dst[i] = silu(g[i])·u[i]
	scale     func(x []float32, s float32)                  // x[i] *= s
	addInto   func(dst, src []float32)                      // dst[i] += src[i]
	add       func(dst, a, b []float32)                     // dst[i] = a[i] + b[i]
	rmsNorm   func(x []float32, rows, dim int, eps float32) // RMSNorm; len(x) = rows·dim
	softmax   func(x []float32, rows, n int)                // Softmax; len(x) = rows·n
	transpose func(dst []float32, ldd int, src []float32, lds int, rows, cols int)
	// onlineSoftmax is the rows of an online-softmax tile
	// (attention_tiled.go), x (rows, n), n > 0: per row r,
	// m = max(mprev[r], (max x)·scale), x = e^(x·scale − m), mnew[r] = m,
	// sum[r] = Σ x in canonical order.
	onlineSoftmax func(x []float32, rows, n int, scale float32, mprev, mnew, sum []float32)
	// rope rotates n vectors of len(cos) values (rotate-half RoPE of one
	// position: cos and sin are its table rows): vector j is read at
	// src[j·lds] and written at dst[j·ldd] (dst may be src);
	// x' = x·cos + [−x₂, x₁]·sin, each product rounded (see ropeGo).
	rope func(dst, src []float32, n, ldd, lds int, cos, sin []float32)
}

// vecKernels lists the implementations this build can run on this CPU,
// fastest first; "go" is always last. vecImpl is the one in use (tests
// switch it).
var (
	vecKernels = append(asmVecKernels(), vecGo)
	vecImpl    = vecKernels[0]
)

// setVecKernel selects an implementation by name ("avx512", "avx2", "go").
func setVecKernel(name string) error {
	for _, k := range vecKernels {
		if k.name == name {
			vecImpl = k
			return nil
		}
	}
	return fmt.Errorf("nn: no vector kernel %q on this machine", name)
}

// RMSNorm normalises each of the rows of x (rows, dim) in place, without a
// learned scale: x · 1/sqrt(mean(x²) + eps). The sum of squares is a float32
// sum in the canonical order (64 lanes, each in index order, folded
// pairwise; see rmsNormGo); the factor is computed in float64 from it.
func RMSNorm(x []float32, rows, dim int, eps float32) {
	if rows <= 0 || dim <= 0 {
		return
	}
	vecImpl.rmsNorm(x[:rows*dim], rows, dim, eps)
}

// AddInto computes dst[i] += src[i].
func AddInto(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	vecImpl.addInto(dst, src[:len(dst)])
}

// Add computes dst[i] = a[i] + b[i].
func Add(dst, a, b []float32) {
	if len(dst) == 0 {
		return
	}
	vecImpl.add(dst, a[:len(dst)], b[:len(dst)])
}

// Scale multiplies x in place by s.
func Scale(x []float32, s float32) {
	if len(x) == 0 {
		return
	}
	vecImpl.scale(x, s)
}

// Exp computes dst[i] = e^x[i] in float32, within 1 ulp (see exp32 for the
// method and the handling of overflow, underflow and NaN). dst may be x.
func Exp(dst, x []float32) {
	if len(dst) == 0 {
		return
	}
	vecImpl.exp(dst, x[:len(dst)])
}

// SiLU is x·σ(x) = x/(1+e^−x), with the float32 exp of Exp; it gives the same
// bits as SiLUMul with u = 1.
func SiLU(x float32) float32 { return siluMul32(x, 1) }

// SiLUMul computes dst[i] = silu(g[i])·u[i], the SwiGLU gate, as
// g/(1+e^−g)·u in float32 (a few ulp from the exact value; large negative g
// gives −0). dst may be g or u.
func SiLUMul(dst, g, u []float32) {
	if len(dst) == 0 {
		return
	}
	vecImpl.siluMul(dst, g[:len(dst)], u[:len(dst)])
}

// Sigmoid is 1/(1+e^−x), computed in float64.
func Sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Softmax turns each of the rows of x (rows, n) into probabilities in place:
// m = max, e = exp(x − m) (float32 exp of Exp), sum in the canonical order,
// e·(1/sum) (see softmaxGo). A NaN or +Inf in a row makes the whole row NaN.
func Softmax(x []float32, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	vecImpl.softmax(x[:rows*n], rows, n)
}

// Argmax writes, for each of the rows of x (rows, n), the index of its
// largest value (the first on ties, as torch.argmax). NaNs are skipped,
// except that a NaN first value gives 0.
func Argmax(dst []int32, x []float32, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	x = x[:rows*n]
	dst = dst[:rows]
	for r := range dst {
		row := x[r*n : (r+1)*n]
		best, bv := 0, row[0]
		for i, v := range row {
			if v > bv {
				best, bv = i, v
			}
		}
		dst[r] = int32(best)
	}
}

// Transpose blocks: the kernels are called on blocks of transposeBR source
// rows × transposeBC columns, column blocks outermost, so that each block
// writes 16 destination rows front to back. Wider blocks thrash L1 when the
// destination stride (rows) is a multiple of a large power of two, which
// maps all destination rows of a block to two L1 sets (512×97 was 4× slower).
const transposeBR, transposeBC = 128, 16

// TransposeBatch transposes B matrices (rows, cols) of src into dst
// (B, cols, rows), the matrices in parallel: the mlp_t token mixer's
// (B, T, D) ↔ (B, D, T).
func TransposeBatch(dst, src []float32, B, rows, cols int) {
	n := rows * cols
	if B <= 0 || n == 0 {
		return
	}
	j := newRowJob(transposeMatrices, rows, dst[:B*n], src[:B*n], nil, nil)
	j.k = cols
	parallelRows(B, 1, j)
	j.free()
}

// transposeMatrices is TransposeBatch on matrices [lo, hi).
func transposeMatrices(j *rowJob, lo, hi int) {
	n := j.n * j.k
	for b := lo; b < hi; b++ {
		Transpose(j.a[b*n:(b+1)*n], j.b[b*n:(b+1)*n], j.n, j.k)
	}
}

// Transpose writes dst (cols, rows) = src (rows, cols)ᵀ. dst and src must not
// overlap.
func Transpose(dst, src []float32, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	src, dst = src[:rows*cols], dst[:rows*cols]
	if rows == 1 || cols == 1 {
		copy(dst, src)
		return
	}
	tr := vecImpl.transpose
	for c0 := 0; c0 < cols; c0 += transposeBC {
		bc := min(transposeBC, cols-c0)
		for r0 := 0; r0 < rows; r0 += transposeBR {
			br := min(transposeBR, rows-r0)
			tr(dst[c0*rows+r0:], rows, src[r0*cols+c0:], cols, br, bc)
		}
	}
}
