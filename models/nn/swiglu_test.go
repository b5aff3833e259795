package nn

import (
	"math/rand/v2"
	"testing"
)

// TestSwiGLUFusedForward: Forward (gate fused into the gate_up GEMM) gives
// the bits of the unfused GateUp, gate, Down sequence, also after the
// weights change and GateUp.Repack refreshes both packings.
func TestSwiGLUFusedForward(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	const rows, hidden, inter = 37, 48, 300
	gu, down := randSlice(r, 2*inter*hidden, 1), randSlice(r, hidden*inter, 1)
	s := NewSwiGLU(gu, down, hidden, inter)
	x := randSlice(r, rows*hidden, 2)
	ar := &Arena{}
	check := func(when string) {
		got, want := make([]float32, rows*hidden), make([]float32, rows*hidden)
		s.Forward(got, x, rows, ar)
		s.forward(want, x, make([]float32, rows*2*inter), rows, ar)
		if i := sameBits(got, want); i >= 0 {
			t.Fatalf("%s: out[%d] = %v, unfused %v", when, i, got[i], want[i])
		}
	}
	check("fresh")
	for i := range gu {
		gu[i] *= 0.5
	}
	s.GateUp.Repack()
	check("after Repack")
}
