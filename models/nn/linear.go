package nn

import "fmt"

// Linear is a PyTorch nn.Linear / CastedLinear: y = x·Wᵀ (+ b), with W
// (out, in) packed once for the GEMM.
type Linear struct {
	In, Out int
	W       *Packed
	Bias    []float32 // (out) or nil
}

// NewLinear packs a weight w of shape (out, in) and an optional bias (out).
func NewLinear(w []float32, out, in int, bias []float32) *Linear {
	if bias != nil && len(bias) != out {
		panic(fmt.Sprintf("nn.NewLinear: bias has %d values, want %d", len(bias), out))
	}
	return &Linear{In: in, Out: out, W: PackT(w, out, in), Bias: bias}
}

// Forward: x is (rows, in), y is (rows, out).
func (l *Linear) Forward(y, x []float32, rows int) {
	MatMulPacked(y, x, rows, l.W, false)
	if l.Bias != nil {
		for r := 0; r < rows; r++ {
			AddInto(y[r*l.Out:(r+1)*l.Out], l.Bias)
		}
	}
}
