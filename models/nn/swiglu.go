package nn

import "math"

// SwiGLUInter is the official inner width: round(expansion·hidden·2/3)
// (half to even, as Python's round) rounded up to a multiple of 256.
func SwiGLUInter(hidden int, expansion float64) int {
	v := int(math.RoundToEven(expansion * float64(hidden) * 2 / 3))
	return (v + 255) / 256 * 256
}

// SwiGLU is the official feed-forward block: [g, u] = gate_up(x) split in
// halves, out = down(silu(g)·u).
type SwiGLU struct {
	Hidden, Inter int
	GateUp        *Linear // hidden → 2·inter
	Down          *Linear // inter → hidden

	// fused is gate_up packed for MatMulSwiGLU (Forward's path, the same
	// bits as GateUp then the gate); GateUp.W.Repack refreshes it.
	fused *PackedSwiGLU
}

// NewSwiGLU builds the block from gate_up_proj (2·inter, hidden) and
// down_proj (hidden, inter) weights.
func NewSwiGLU(gateUp, down []float32, hidden, inter int) *SwiGLU {
	s := &SwiGLU{Hidden: hidden, Inter: inter, GateUp: NewLinear(gateUp, 2*inter, hidden, nil), Down: NewLinear(down, hidden, inter, nil)}
	s.fused = PackSwiGLU(gateUp, inter, hidden)
	s.GateUp.W.derived = append(s.GateUp.W.derived, s.fused)
	return s
}

// Forward: x is (rows, hidden), out is (rows, hidden). The gate is fused
// into the gate_up GEMM (MatMulSwiGLU), so [g | u] is never written; for
// many rows of a narrow block (the mlp_t mixer) the down product is fused
// too (MatMulSwiGLUDown), so h is not written either.
func (s *SwiGLU) Forward(out, x []float32, rows int, ar *Arena) {
	c, o, u := ar.Mark()
	switch {
	case s.fused == nil:
		s.forward(out, x, ar.GetRaw(rows*2*s.Inter), rows, ar)
	case s.Down.Bias == nil && s.fused.FusesDown(rows, s.Down.W):
		MatMulSwiGLUDown(out, x, rows, s.fused, s.Down.W) // h per row block, in cache
	default:
		h := ar.GetRaw(rows * s.Inter)
		MatMulSwiGLU(h, x, rows, s.fused)
		s.Down.Forward(out, h, rows)
	}
	ar.Release(c, o, u)
}

// forward computes the block into out, leaving the gate_up output
// (rows, 2·inter) in gu.
func (s *SwiGLU) forward(out, x, gu []float32, rows int, ar *Arena) {
	c, o, u := ar.Mark()
	s.GateUp.Forward(gu, x, rows)
	h := ar.GetRaw(rows * s.Inter)
	s.gate(h, gu, rows)
	s.Down.Forward(out, h, rows)
	ar.Release(c, o, u)
}
