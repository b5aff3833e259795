package nn

import "math"

// RMSNorm normalises each of the rows of x (rows, dim) in place, without a
// learned scale: x · 1/sqrt(mean(x²) + eps). The sum of squares is
// accumulated in float64 in index order.
func RMSNorm(x []float32, rows, dim int, eps float32) {
	for r := 0; r < rows; r++ {
		row := x[r*dim : (r+1)*dim]
		var ss float64
		for _, v := range row {
			ss += float64(v) * float64(v)
		}
		inv := float32(1 / math.Sqrt(ss/float64(dim)+float64(eps)))
		for i := range row {
			row[i] *= inv
		}
	}
}

// AddInto computes dst[i] += src[i].
func AddInto(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// Add computes dst[i] = a[i] + b[i].
func Add(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

// Scale multiplies x in place by s.
func Scale(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}

// SiLU is x·σ(x).
func SiLU(x float32) float32 { return x / (1 + float32(math.Exp(float64(-x)))) }

// SiLUMul computes dst[i] = silu(g[i])·u[i], the SwiGLU gate.
func SiLUMul(dst, g, u []float32) {
	g, u = g[:len(dst)], u[:len(dst)]
	for i := range dst {
		dst[i] = SiLU(g[i]) * u[i]
	}
}

// Sigmoid is 1/(1+e^−x), computed in float64.
func Sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Softmax turns each of the rows of x (rows, n) into probabilities in place
// (max subtracted first).
func Softmax(x []float32, rows, n int) {
	for r := 0; r < rows; r++ {
		row := x[r*n : (r+1)*n]
		m := row[0]
		for _, v := range row[1:] {
			m = max(m, v)
		}
		var sum float32
		for i, v := range row {
			e := float32(math.Exp(float64(v - m)))
			row[i] = e
			sum += e
		}
		inv := 1 / sum
		for i := range row {
			row[i] *= inv
		}
	}
}

// Argmax writes, for each of the rows of x (rows, n), the index of its
// largest value (the first on ties, as torch.argmax).
func Argmax(dst []int32, x []float32, rows, n int) {
	for r := 0; r < rows; r++ {
		row := x[r*n : (r+1)*n]
		best := 0
		for i, v := range row {
			if v > row[best] {
				best = i
			}
		}
		dst[r] = int32(best)
	}
}

// Transpose writes dst (cols, rows) = src (rows, cols)ᵀ.
func Transpose(dst, src []float32, rows, cols int) {
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			dst[c*rows+r] = src[r*cols+c]
		}
	}
}
