package nn

// SetTrainBF16 switches the layer's products to bf16 (on) or back to
// float32 (off), for training in bf16: Forward then gives bf16 values,
// y = x̂(x·Ŵᵀ + b) (x̂: round to bf16; the product of bf16-rounded operands
// accumulated in float32, as MatMulPackedBF16), and Backward's products
// take bf16-rounded operands too (MatMulBF16NN, MatMulBF16TN), their sums
// staying float32. Weight (the float32 master copy) and the gradients are
// unchanged; Repack then refreshes the bf16 copy (not the float32 packing,
// which switching back refreshes).
func (l *Linear) SetTrainBF16(on bool) {
	switch {
	case !on && l.bf16 != nil:
		l.bf16, l.bf16N = nil, nil
		l.W.Repack(l.Weight)
	case on && l.bf16 == nil:
		l.bf16 = PackTBF16(l.Weight, l.Out, l.In)
		l.bf16N = PackNBF16(l.Weight, l.Out, l.In)
	}
}

// BF16 is the layer's bf16 weight while it trains in bf16, else nil.
func (l *Linear) BF16() *PackedBF16 { return l.bf16 }

// forwardBF16 is Forward in bf16 mode: y (rows, out) = x̂(x·Ŵᵀ + b).
func (l *Linear) forwardBF16(y, x []float32, rows int) {
	if l.Bias == nil {
		MatMulPackedBF16Round(y, x, rows, l.bf16)
		return
	}
	MatMulPackedBF16(y, x, rows, l.bf16, false)
	for r := 0; r < rows; r++ {
		AddInto(y[r*l.Out:(r+1)*l.Out], l.Bias)
	}
	RoundBF16Rows(y, rows, l.Out)
}
