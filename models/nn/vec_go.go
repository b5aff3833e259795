package nn

import "math"

// Pure-Go twins of the vector kernels (vec_amd64.s). They are the test
// oracle and the implementation used by purego builds, on other
// architectures and on x86 CPUs without AVX2. Every twin performs the same
// float32 operations in the same order as the assembly, so all
// implementations give the same bits:
//
//   - no fused multiply-add anywhere: products are rounded before they are
//     added (the explicit float32(a*b) conversions stop the compiler from
//     fusing them, as the Go spec guarantees);
//   - reductions (sum of squares, softmax sums) use a canonical order: the
//     row is split into 64 lanes, element i going to lane i mod 64, each lane
//     summed in increasing i, then the lanes are folded pairwise, lane j
//     taking lane j+w for w = 32, 16, 8, 4, 2, 1 (see fold64). The assembly
//     holds the 64 lanes in 4 ZMM or 8 YMM registers.

// Constants of exp32. The polynomial is Cephes' expf: on
// r ∈ [−ln2/2, ln2/2], e^r ≈ 1 + r + r²·P(r) with P of degree 5.
const (
	expLo    = float32(-104)                // e^x < 2^-150 below: the result rounds to 0
	expHi    = float32(89)                  // e^x > 2^128 above: the result is +Inf
	expLog2e = float32(1.44269504088896341) // log2(e)
	expMagic = float32(12582912)            // 1.5·2^23: adding it rounds to an integer
	expLn2Hi = float32(0.693359375)         // ln2 rounded to 9 bits: n·ln2Hi is exact
	expLn2Lo = float32(-2.12194440e-4)      // ln2 − ln2Hi
	expP0    = float32(1.9875691500e-4)     // P(r) = ((((P0·r + P1)·r + P2)·r + P3)·r + P4)·r + P5
	expP1    = float32(1.3981999507e-3)
	expP2    = float32(8.3334519073e-3)
	expP3    = float32(4.1665795894e-2)
	expP4    = float32(1.6666665459e-1)
	expP5    = float32(5.0000001201e-1)
	expBias  = 127        // float32 exponent bias
	expTBits = 0x4b400000 // math.Float32bits(expMagic)
	lanes    = 64         // lanes of the canonical reduction order
)

// exp32 returns e^x in float32, within 1 ulp:
//
//  1. x is clamped to [−104, 89] (NaN passes through): below −104 the result
//     rounds to 0, above 89 it overflows to +Inf, and inside the range the
//     steps below cannot overflow an intermediate.
//  2. Range reduction x = n·ln2 + r with n = round(x·log2e), so
//     |r| ≤ ln2/2 (plus rounding). n is found by adding and subtracting
//     1.5·2^23, which rounds to nearest even; the low bits of the sum are n
//     as an integer. r = (x − n·ln2Hi) − n·ln2Lo (Cody–Waite): ln2Hi has 9
//     significant bits, so n·ln2Hi and x − n·ln2Hi are exact.
//  3. e^r ≈ 1 + r + r²·P(r), P the degree-5 Cephes polynomial by Horner's
//     rule (approximation error 1.1e-9 relative on the interval; the
//     float32 roundings of the evaluation dominate).
//  4. Scale by 2^n: n ∈ [−150, 128] is split as n1 = n>>1, n2 = n − n1, both
//     in [−75, 64], so 2^n1 and 2^n2 are normal floats built from their
//     exponent bits, the first product p·2^n1 is exact and the second rounds
//     once: the result is p·2^n correctly rounded, including gradual
//     underflow to subnormals and overflow to +Inf (the AVX-512 kernel gets
//     the same bits from VSCALEFPS).
//
// Checked on every float32 in [−104, 89] (TestExpExhaustive): for normal
// results (x ∈ [−87.33, 88.72]) the error is below 1 ulp (max 0.99 ulp,
// 8.2e-8 relative); x > 88.7228 and +Inf give +Inf; subnormal results
// (x ∈ [−103.97, −87.34]) are within 3e-7 relative plus 2^-150 absolute;
// x < −103.98 and −Inf give +0; NaN gives NaN.
func exp32(x float32) float32 {
	x = min(max(x, expLo), expHi) // NaN stays NaN
	t := float32(x*expLog2e) + expMagic
	n := t - expMagic
	ni := int32(math.Float32bits(t) - expTBits)
	r := x - float32(n*expLn2Hi)
	r -= float32(n * expLn2Lo)
	z := float32(r * r)
	p := float32(expP0*r) + expP1
	p = float32(p*r) + expP2
	p = float32(p*r) + expP3
	p = float32(p*r) + expP4
	p = float32(p*r) + expP5
	p = float32(p*z) + r
	p += 1
	n1 := ni >> 1
	n2 := ni - n1
	p *= math.Float32frombits(uint32(n1+expBias) << 23)
	return p * math.Float32frombits(uint32(n2+expBias)<<23)
}

// siluMul32 is silu(g)·u = g/(1+e^−g)·u, rounded after each operation.
func siluMul32(g, u float32) float32 {
	d := 1 + exp32(-g)
	return g / d * u
}

// fold64 reduces the 64 canonical lanes: lane j += lane j+w for
// w = 32, 16, …, 1; it returns lane 0.
func fold64(a *[lanes]float32) float32 {
	for w := lanes / 2; w >= 1; w /= 2 {
		for j := 0; j < w; j++ {
			a[j] += a[j+w]
		}
	}
	return a[0]
}

func expGo(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = exp32(v)
	}
}

func siluMulGo(dst, g, u []float32) {
	g, u = g[:len(dst)], u[:len(dst)]
	for i := range dst {
		dst[i] = siluMul32(g[i], u[i])
	}
}

// expSubSumGo sets x[i] = e^(x[i]−m) and returns Σ x[i] in canonical order.
func expSubSumGo(x []float32, m float32) float32 {
	var acc [lanes]float32
	for i := range x {
		e := exp32(x[i] - m)
		x[i] = e
		acc[i%lanes] += e
	}
	return fold64(&acc)
}

// maxGo returns the largest value of x (len(x) > 0); a NaN anywhere gives
// NaN or is ignored (callers must not care which, see Softmax).
func maxGo(x []float32) float32 {
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	return m
}

// sumSqGo returns Σ x[i]² in canonical order, each square rounded first.
func sumSqGo(x []float32) float32 {
	var acc [lanes]float32
	for len(x) >= lanes {
		for j := range lanes {
			acc[j] += float32(x[j] * x[j])
		}
		x = x[lanes:]
	}
	for j, v := range x {
		acc[j] += float32(v * v)
	}
	return fold64(&acc)
}

// rmsNormGo is RMSNorm: per row, ss = sumSqGo(row) in float32, the factor
// float32(1/sqrt(float64(ss)/float64(dim) + float64(eps))) in float64, then
// row·factor. The assembly versions do the same operations.
func rmsNormGo(x []float32, rows, dim int, eps float32) {
	for r := 0; r < rows; r++ {
		row := x[r*dim : (r+1)*dim]
		ss := sumSqGo(row)
		scaleGo(row, float32(1/math.Sqrt(float64(ss)/float64(dim)+float64(eps))))
	}
}

// softmaxGo is Softmax: per row, m = maxGo(row), e = exp32(x − m) summed in
// canonical order, then e·(1/sum) with 1/sum in float32.
func softmaxGo(x []float32, rows, n int) {
	for r := 0; r < rows; r++ {
		row := x[r*n : (r+1)*n]
		sum := expSubSumGo(row, maxGo(row))
		scaleGo(row, 1/sum)
	}
}

func scaleGo(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}

func addIntoGo(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

func addGo(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// transposeGo writes dst (cols, rows, row stride ldd) = src (rows, cols, row
// stride lds)ᵀ, in 8×8 tiles.
func transposeGo(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	const t = 8
	for r0 := 0; r0 < rows; r0 += t {
		r1 := min(r0+t, rows)
		for c0 := 0; c0 < cols; c0 += t {
			c1 := min(c0+t, cols)
			for r := r0; r < r1; r++ {
				s := src[r*lds+c0 : r*lds+c1]
				for j, v := range s {
					dst[(c0+j)*ldd+r] = v
				}
			}
		}
	}
}

// onlineSoftmaxGo: per row, m = max(mprev[r], maxGo(row)·scale) (scale > 0,
// so this is the largest scaled value), row[i] = exp32(row[i]·scale − m),
// mnew[r] = m and sum[r] the canonical sum of the new row.
func onlineSoftmaxGo(x []float32, rows, n int, scale float32, mprev, mnew, sum []float32) {
	for r := 0; r < rows; r++ {
		row := x[r*n : (r+1)*n]
		m := max(mprev[r], float32(maxGo(row)*scale))
		var acc [lanes]float32
		for i, v := range row {
			e := exp32(float32(v*scale) - m)
			row[i] = e
			acc[i%lanes] += e
		}
		mnew[r], sum[r] = m, fold64(&acc)
	}
}

// vecGo is the pure-Go implementation of the vector kernels.
var vecGo = &vecKernel{
	name:      "go",
	exp:       expGo,
	siluMul:   siluMulGo,
	scale:     scaleGo,
	addInto:   addIntoGo,
	add:       addGo,
	rmsNorm:   rmsNormGo,
	softmax:   softmaxGo,
	transpose: transposeGo,

	onlineSoftmax: onlineSoftmaxGo,
	rope:          ropeGo,
}

// ropeGo is the rope kernel: per vector, v[i] = x₁·cos[i] − x₂·sin[i] and
// v[i+half] = x₂·cos[i+half] + x₁·sin[i+half], with x₁ = x[i], x₂ =
// x[i+half]. The float32 conversions keep each product rounded on its own
// (no fused multiply-add whatever GOAMD64), as the assembly does.
func ropeGo(dst, src []float32, n, ldd, lds int, cos, sin []float32) {
	dim := len(cos)
	half := dim / 2
	for j := 0; j < n; j++ {
		x := src[j*lds : j*lds+dim]
		v := dst[j*ldd : j*ldd+dim]
		for i := 0; i < half; i++ {
			x1, x2 := x[i], x[i+half]
			v[i] = float32(x1*cos[i]) - float32(x2*sin[i])
			v[i+half] = float32(x2*cos[i+half]) + float32(x1*sin[i+half])
		}
	}
}
