package trm

import (
	"math"

	"arceval/models/nn"
)

// headsTrain computes logits (B, S, V) and q (B, 2) from z_H, gathering the
// heads' inputs into grid (B·S, D) = z_H[:, P:] and first (B, D) = z_H[:, 0]
// for the backward pass. (Each row's logits have the bits of heads: a GEMM
// row does not depend on the other rows.)
func (m *Model) headsTrain(logits, q, grid, first, zH []float32, B int) {
	S, D, TD := m.Cfg.SeqLen, m.D, m.T*m.D
	for b := 0; b < B; b++ {
		copy(grid[b*S*D:(b+1)*S*D], zH[b*TD+m.P*D:(b+1)*TD])
		copy(first[b*D:(b+1)*D], zH[b*TD:b*TD+D])
	}
	m.lmHead.Forward(logits, grid, B*S)
	m.qHead.Forward(q, first, B)
}

// headsBackward adds the heads' weight gradients and writes into dzH
// (B, T, D, zeroed by the caller) the gradient with respect to z_H from
// dlogits (B, S, V) and dq (B, 2).
func (m *Model) headsBackward(dzH, dlogits, dq, grid, first []float32, B int, ar *nn.Arena) {
	c, o, u := ar.Mark()
	defer ar.Release(c, o, u)
	S, D, TD := m.Cfg.SeqLen, m.D, m.T*m.D
	dgrid := ar.GetRaw(B * S * D)
	m.lmHead.Backward(dgrid, dlogits, grid, B*S, false)
	dfirst := ar.GetRaw(B * D)
	m.qHead.Backward(dfirst, dq, first, B, false)
	for b := 0; b < B; b++ {
		copy(dzH[b*TD+m.P*D:(b+1)*TD], dgrid[b*S*D:(b+1)*S*D])
		nn.AddInto(dzH[b*TD:b*TD+D], dfirst[b*D:(b+1)*D])
	}
}

// embedBackward turns dx (B, T, D), the gradient with respect to the input
// embedding x = √D·[puzzle prefix ; tokens] (× 1/√2 with the positions for
// learned encodings), into gradients of the token table (and positions),
// and appends each row's puzzle-embedding gradient (the first ndim values
// of its prefix) to PuzzleEmb. dx is scaled in place.
func (m *Model) embedBackward(dx []float32, s *TrainState, B int) {
	tp := m.train
	S, D, TD := m.Cfg.SeqLen, m.D, m.T*m.D
	f := float32(math.Sqrt(float64(D)))
	nn.Scale(dx[:B*TD], f)
	if m.embedPos != nil {
		nn.Scale(dx[:B*TD], 0.707106781)
		for b := 0; b < B; b++ {
			nn.AddInto(tp.posGrad, dx[b*TD:(b+1)*TD])
		}
	}
	for b := 0; b < B; b++ {
		nn.EmbedBackward(tp.embedGrad, dx[b*TD+m.P*D:(b+1)*TD], s.Inputs[b*S:(b+1)*S], D)
	}
	if p := tp.puzzle; p != nil {
		nd := m.Cfg.PuzzleEmbNdim
		for b := 0; b < B; b++ {
			p.IDs = append(p.IDs, s.PuzzleIDs[b])
			p.G = append(p.G, dx[b*TD:b*TD+nd]...)
		}
	}
}
