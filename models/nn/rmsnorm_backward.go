package nn

import "math"

// RMSNormTrain is RMSNorm that also keeps what the backward pass needs:
// each row of x (rows, dim) becomes y = x·r in place and r (rows) receives
// the row's factor r = 1/sqrt(mean(x²) + eps). The bits of y equal those of
// RMSNorm (the same canonical sum of squares, the same float64 factor, the
// same float32 products).
func RMSNormTrain(x, r []float32, rows, dim int, eps float32) {
	for i := 0; i < rows; i++ {
		row := x[i*dim : (i+1)*dim]
		f := float32(1 / math.Sqrt(float64(sumSqGo(row))/float64(dim)+float64(eps)))
		r[i] = f
		Scale(row, f)
	}
}

// RMSNormBackward: y (rows, dim) is the forward output and r (rows) its
// factors (RMSNormTrain); given dy (rows, dim), the gradient with respect to
// the output, it writes the gradient with respect to the input
//
//	dx = r·(dy − y·mean(dy⊙y))
//
// (from y = x·r, ∂r/∂x = −r³·x/dim), with the row sums in float64. dx may
// be dy.
// Rows run in parallel (each on its own: the same bits).
func RMSNormBackward(dx, dy, y, r []float32, rows, dim int) {
	if rows <= 0 || dim <= 0 {
		return
	}
	j := newRowJob(rmsNormBackwardRows, dim, dx[:rows*dim], dy[:rows*dim], y[:rows*dim], r[:rows])
	parallelRows(rows, 16, j)
	j.free()
}

// rmsNormBackwardRows is RMSNormBackward on rows [lo, hi): a = dx, b = dy,
// c = y, d = r.
func rmsNormBackwardRows(j *rowJob, lo, hi int) {
	dim, dx, dy, y, r := j.n, j.a, j.b, j.c, j.d
	for i := lo; i < hi; i++ {
		yr, gr, xr := y[i*dim:(i+1)*dim], dy[i*dim:(i+1)*dim], dx[i*dim:(i+1)*dim]
		var s float64
		for j, v := range yr {
			s += float64(v) * float64(gr[j])
		}
		m, f := s/float64(dim), float64(r[i])
		for j, v := range yr {
			xr[j] = float32(f * (float64(gr[j]) - float64(v)*m))
		}
	}
}
