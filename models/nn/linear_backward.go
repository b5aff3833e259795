package nn

import "fmt"

// AllocGrad gives the layer zeroed gradient buffers Grad (out, in) and, if
// it has a bias, BiasGrad (out).
func (l *Linear) AllocGrad() {
	l.Grad = make([]float32, l.Out*l.In)
	if l.Bias != nil {
		l.BiasGrad = make([]float32, l.Out)
	}
}

// Repack refreshes the packed weight from Weight after an optimiser has
// changed Weight in place.
func (l *Linear) Repack() { l.W.Repack(l.Weight) }

// Backward of y = x·Wᵀ + b: dy is (rows, out), x (rows, in) the forward
// input. It adds
//
//	Grad     += dyᵀ·x        (out, in)   when Grad is non-nil
//	BiasGrad += Σ_rows dy    (out)       when BiasGrad is non-nil
//
// and, when dx (rows, in) is non-nil, sets dx = dy·W, or adds dy·W to dx
// with accumulate. dx must not overlap dy or x.
func (l *Linear) Backward(dx, dy, x []float32, rows int, accumulate bool) {
	if len(dy) < rows*l.Out || len(x) < rows*l.In || dx != nil && len(dx) < rows*l.In {
		panic(fmt.Sprintf("nn.Linear.Backward: dy %d, x %d, dx %d values for rows=%d in=%d out=%d", len(dy), len(x), len(dx), rows, l.In, l.Out))
	}
	if l.Grad != nil {
		MatMulTN(l.Grad, dy, x, l.Out, l.In, rows, true)
	}
	if l.BiasGrad != nil {
		for j := 0; j < l.Out; j++ {
			var s float64
			for r := 0; r < rows; r++ {
				s += float64(dy[r*l.Out+j])
			}
			l.BiasGrad[j] += float32(s)
		}
	}
	if dx != nil {
		if accumulate {
			MatMulNNAcc(dx, dy, l.Weight, rows, l.In, l.Out)
		} else {
			MatMulNN(dx, dy, l.Weight, rows, l.In, l.Out)
		}
	}
}
