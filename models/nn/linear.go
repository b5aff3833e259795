package nn

import "fmt"

// Linear is a PyTorch nn.Linear / CastedLinear: y = x·Wᵀ (+ b), with W
// (out, in) packed once for the GEMM.
type Linear struct {
	In, Out int
	W       *Packed
	Bias    []float32 // (out) or nil

	// Weight is the row-major weight (out, in) the layer was built from (the
	// caller's slice, not a copy). Backward reads it; after an optimiser has
	// changed it, Repack refreshes W.
	Weight []float32
	// Grad (out, in) and BiasGrad (out) receive the parameter gradients in
	// Backward when they are non-nil (see AllocGrad).
	Grad, BiasGrad []float32

	// gradT (in, out) holds Gradᵀ between BeginGradT and EndGradT, for
	// layers with in < out: dWᵀ += Xᵀ·dY then transposes the smaller
	// operand (see BeginGradT).
	gradT   []float32
	inGradT bool

	// bf16 is Wᵀ and bf16N is W (the B of dX = dY·W) in bf16 while the
	// layer trains in bf16 (SetTrainBF16), else nil.
	bf16, bf16N *PackedBF16
}

// NewLinear packs a weight w of shape (out, in) and an optional bias (out).
// The layer keeps w as its Weight.
func NewLinear(w []float32, out, in int, bias []float32) *Linear {
	if bias != nil && len(bias) != out {
		panic(fmt.Sprintf("nn.NewLinear: bias has %d values, want %d", len(bias), out))
	}
	return &Linear{In: in, Out: out, W: PackT(w, out, in), Bias: bias, Weight: w}
}

// Forward: x is (rows, in), y is (rows, out).
func (l *Linear) Forward(y, x []float32, rows int) {
	if l.bf16 != nil {
		l.forwardBF16(y, x, rows)
		return
	}
	MatMulPacked(y, x, rows, l.W, false)
	if l.Bias != nil {
		for r := 0; r < rows; r++ {
			AddInto(y[r*l.Out:(r+1)*l.Out], l.Bias)
		}
	}
}
