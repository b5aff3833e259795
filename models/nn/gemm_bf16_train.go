package nn

import "fmt"

// bf16 products of two activations, for training in bf16 (Linear's bf16
// mode): both operands are float32 slices, rounded to bf16 as they are
// packed, and the product accumulates in float32 as MatMulPackedBF16 does
// (the same chain; gemm_bf16.go). The backward pass needs them where one
// operand is a gradient: dX = dY·W and dW = dYᵀ·X.

// MatMulBF16NN computes C (m, n) = A·B, or C += A·B with accumulate, for A
// (m, k) and B (k, n) row-major float32, both rounded to bf16 (ToBF16).
// B is packed per call (k·n values against the product's m·n·k).
//
// Shapes (m, n, k), Sudoku batch 16: dX of gate_up (1552, 512, 3072), of
// down (1552, 1536, 512); mlp_t's dW (97, 512, 8192) and (512, 97, 8192).
func MatMulBF16NN(c, a, b []float32, m, n, k int, accumulate bool) {
	if len(a) < m*k || len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("nn.MatMulBF16NN: a %d, b %d, c %d values for m=%d, n=%d, k=%d", len(a), len(b), len(c), m, n, k))
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if !accumulate {
			clear(c[:m*n])
		}
		return
	}
	kn := activeBF16.Load()
	pb := getBF16Buf(kn.panelSize(n, k))
	packBF16NParallel(pb.s, b, k, n, kn)
	matMulBF16(c, a, m, n, k, pb.s, kn.nr*(k+k&1), 0, accumulate, kn)
	bf16BufPool.Put(pb)
}

// MatMulBF16TN computes C (m, n) = Aᵀ·B, or C += Aᵀ·B with accumulate, for
// A (k, m) and B (k, n) row-major float32, both rounded to bf16: the weight
// gradient dW (out, in) += dYᵀ·X over k rows. Aᵀ is rounded to bf16 as it
// is transposed (transposeBF16), then multiplied as it is.
func MatMulBF16TN(c, a, b []float32, m, n, k int, accumulate bool) {
	if len(a) < k*m || len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("nn.MatMulBF16TN: a %d, b %d, c %d values for m=%d, n=%d, k=%d", len(a), len(b), len(c), m, n, k))
	}
	if m == 0 || n == 0 || k == 0 {
		MatMulBF16NN(c, nil, nil, m, n, 0, accumulate)
		return
	}
	kn := activeBF16.Load()
	kp := k + k&1
	at := getBF16Buf(m * kp)
	transposeBF16(at.s, kp, a, k, m, kn)
	pb := getBF16Buf(kn.panelSize(n, k))
	packBF16NParallel(pb.s, b, k, n, kn)
	matMulBF16Rounded(c, at.s, kp, m, n, k, pb.s, kn.nr*kp, accumulate, kn)
	bf16BufPool.Put(pb)
	bf16BufPool.Put(at)
}

// transposeBF16 writes dst (cols, ld) = ToBF16 of src (rows, cols)ᵀ, zeros
// in columns [rows, ld), the column blocks spread over the GEMM threads.
// Each block of 16 source columns goes through an L1 tile: transposed in
// float32 (as Transpose), then each row rounded (kn.toBF16).
func transposeBF16(dst []uint16, ld int, src []float32, rows, cols int, kn *bf16Kernel) {
	j := newRowJob(transposeBF16Cols, cols, nil, src[:rows*cols], nil, nil)
	j.u, j.k, j.kn = dst[:cols*ld], ld, kn
	parallelRows((cols+transposeBC-1)/transposeBC, 4, j)
	j.free()
}

// transposeBF16Cols is transposeBF16 on column blocks [lo, hi) of j.b
// (rows, j.n) into j.u (j.n, j.k).
func transposeBF16Cols(j *rowJob, lo, hi int) {
	cols, ld := j.n, j.k
	rows := len(j.b) / cols
	tb := getBuf(transposeBC * transposeBR)
	tile := tb.s
	for c0 := lo * transposeBC; c0 < min(cols, hi*transposeBC); c0 += transposeBC {
		bc := min(transposeBC, cols-c0)
		for r0 := 0; r0 < rows; r0 += transposeBR {
			br := min(transposeBR, rows-r0)
			vecImpl.transpose(tile, br, j.b[r0*cols+c0:], cols, br, bc)
			for i := 0; i < bc; i++ {
				j.kn.toBF16(j.u[(c0+i)*ld+r0:(c0+i)*ld+r0+br], tile[i*br:(i+1)*br])
			}
		}
		for i := 0; i < bc; i++ {
			clear(j.u[(c0+i)*ld+rows : (c0+i+1)*ld])
		}
	}
	bufPool.Put(tb)
}

// packBF16NParallel is packBF16N with the pair rows spread over the GEMM
// threads (the same values: each pair row is packed on its own).
func packBF16NParallel(dst []uint16, b []float32, k, n int, kn *bf16Kernel) {
	j := newRowJob(packBF16NRows, n, nil, b, nil, nil)
	j.u, j.k, j.kn = dst, k, kn
	parallelRows((k+1)/2, 64, j)
	j.free()
}

// packBF16NRows packs pair rows [lo, hi) of B (j.b, (j.k, j.n)) into j.u.
func packBF16NRows(j *rowJob, lo, hi int) { packBF16NPairs(j.u, j.b, j.k, j.n, j.kn, lo, hi) }
