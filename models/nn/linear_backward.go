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

// Repack refreshes the packed weight (and a SwiGLU's fused packing of it)
// from Weight after an optimiser has changed Weight in place.
// In bf16 mode it refreshes the bf16 copy instead (SetTrainBF16).
func (l *Linear) Repack() {
	if l.bf16 != nil {
		l.bf16.Repack(l.Weight)
		l.bf16N.Repack(l.Weight)
		return
	}
	l.W.Repack(l.Weight)
}

// BeginGradT starts a run of Backward calls (one training pass) that add
// the weight gradient to Gradᵀ (in, out) instead of Grad (out, in), when
// that is cheaper: the weight-gradient product transposes one operand
// first, and Xᵀ·dY transposes X (rows, in), smaller than dY (rows, out) when
// in < out. EndGradT writes the sum back to Grad. Each element is the same
// multiply-add chain over the rows in the same order, starting from Grad's
// value, so Grad gets the same bits either way.
func (l *Linear) BeginGradT() {
	if l.Grad == nil || l.In >= l.Out || l.inGradT {
		return
	}
	if l.gradT == nil {
		l.gradT = make([]float32, l.In*l.Out)
	}
	Transpose(l.gradT, l.Grad, l.Out, l.In)
	l.inGradT = true
}

// EndGradT ends a BeginGradT run: Grad (out, in) = gradTᵀ.
func (l *Linear) EndGradT() {
	if !l.inGradT {
		return
	}
	Transpose(l.Grad, l.gradT, l.In, l.Out)
	l.inGradT = false
}

// Backward of y = x·Wᵀ + b: dy is (rows, out), x (rows, in) the forward
// input. It adds the parameter gradients (BackwardWeights) and, when dx
// (rows, in) is non-nil, sets dx = dy·W, or adds dy·W to dx with accumulate
// (BackwardInput). dx must not overlap dy or x.
func (l *Linear) Backward(dx, dy, x []float32, rows int, accumulate bool) {
	if len(dy) < rows*l.Out || len(x) < rows*l.In || dx != nil && len(dx) < rows*l.In {
		panic(fmt.Sprintf("nn.Linear.Backward: dy %d, x %d, dx %d values for rows=%d in=%d out=%d", len(dy), len(x), len(dx), rows, l.In, l.Out))
	}
	l.BackwardWeights(dy, x, rows)
	if dx != nil {
		l.BackwardInput(dx, dy, rows, accumulate)
	}
}

// BackwardWeights adds the parameter gradients of y = x·Wᵀ + b for dy
// (rows, out) and the forward input x (rows, in):
//
//	Grad     += dyᵀ·x        (out, in)   when Grad is non-nil (Gradᵀ += xᵀ·dy after BeginGradT)
//	BiasGrad += Σ_rows dy    (out)       when BiasGrad is non-nil
//
// In bf16 mode (SetTrainBF16) the product takes bf16-rounded dy and x.
func (l *Linear) BackwardWeights(dy, x []float32, rows int) {
	switch {
	case l.bf16 != nil && l.inGradT:
		MatMulBF16TN(l.gradT, x, dy, l.In, l.Out, rows, true)
	case l.bf16 != nil && l.Grad != nil:
		MatMulBF16TN(l.Grad, dy, x, l.Out, l.In, rows, true)
	case l.inGradT:
		MatMulTN(l.gradT, x, dy, l.In, l.Out, rows, true)
	case l.Grad != nil:
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
}

// BackwardInput sets dx (rows, in) = dy·W for dy (rows, out), or adds it to
// dx with accumulate. dx must not overlap dy. In bf16 mode (SetTrainBF16)
// the product takes bf16-rounded dy and W.
func (l *Linear) BackwardInput(dx, dy []float32, rows int, accumulate bool) {
	if l.bf16 != nil {
		MatMulPackedBF16(dx, dy, rows, l.bf16N, accumulate)
		return
	}
	if accumulate {
		MatMulNNAcc(dx, dy, l.Weight, rows, l.In, l.Out)
	} else {
		MatMulNN(dx, dy, l.Weight, rows, l.In, l.Out)
	}
}
