package nn

// SwiGLUState keeps what SwiGLU.Backward needs from ForwardTrain.
type SwiGLUState struct {
	X  []float32 // (rows, hidden) the input: a reference, which must not change before Backward
	GU []float32 // (rows, 2·inter) the gate_up output [g | u] per row
}

// ForwardTrain is Forward (same bits) keeping the input and the gate_up
// output in st for Backward; st.GU comes from ar and stays valid until the
// caller releases it. x is (rows, hidden), out (rows, hidden).
func (s *SwiGLU) ForwardTrain(out, x []float32, rows int, st *SwiGLUState, ar *Arena) {
	st.X = x[:rows*s.Hidden]
	st.GU = ar.GetRaw(rows * 2 * s.Inter)
	s.forward(out, x, st.GU, rows, ar)
}

// gate writes h (rows, inter) = silu(g)·u from gu (rows, 2·inter), rows
// spread over the GEMM threads.
func (s *SwiGLU) gate(h, gu []float32, rows int) { SwiGLUGate(h, gu, rows, s.Inter) }

// gateRows is gate on rows [lo, hi): a = h (rows, n), b = gu (rows, 2n).
func gateRows(j *rowJob, lo, hi int) {
	I, h, gu := j.n, j.a, j.b
	for r := lo; r < hi; r++ {
		SiLUMul(h[r*I:(r+1)*I], gu[r*2*I:r*2*I+I], gu[r*2*I+I:(r+1)*2*I])
	}
}

// Backward: dout is (rows, hidden), the gradient with respect to the output
// of ForwardTrain (whose state is st). It adds the weight gradients of
// gate_up and down (when allocated) and writes the gradient with respect to
// the input into dx (rows, hidden), or adds it with accumulate; dx may be
// nil, and may be dout (dout is read before dx is written). With
// h = silu(g)·u and σ = sigmoid(g):
//
//	dh = dout·W_down,   dW_down += doutᵀ·h
//	dg = dh·u·σ·(1 + g·(1−σ)),   du = dh·silu(g)
//	dx = [dg | du]·W_gate_up,   dW_gate_up += [dg | du]ᵀ·x
func (s *SwiGLU) Backward(dx, dout []float32, rows int, st *SwiGLUState, accumulate bool, ar *Arena) {
	c, o, u := ar.Mark()
	I := s.Inter
	h := ar.GetRaw(rows * I)
	s.gate(h, st.GU, rows)
	dh := ar.GetRaw(rows * I)
	s.Down.Backward(dh, dout, h, rows, false)
	dgu := ar.GetRaw(rows * 2 * I)
	j := newRowJob(gateBackwardRows, I, dgu, st.GU, dh, nil)
	parallelRows(rows, 16, j)
	j.free()
	s.GateUp.Backward(dx, dgu, st.X, rows, accumulate)
	ar.Release(c, o, u)
}

// gateBackwardRows computes [dg | du] (a, rows × 2n) on rows [lo, hi) from
// gu = [g | u] (b) and dh (c), as in Backward's formula.
func gateBackwardRows(j *rowJob, lo, hi int) {
	I, dgu, gu, dh := j.n, j.a, j.b, j.c
	for r := lo; r < hi; r++ {
		g, up := gu[r*2*I:r*2*I+I], gu[r*2*I+I:(r+1)*2*I]
		dg, du := dgu[r*2*I:r*2*I+I], dgu[r*2*I+I:(r+1)*2*I]
		d := dh[r*I : (r+1)*I]
		for i, v := range g {
			dg[i] = -v
		}
		Exp(dg, dg) // e^−g, overwritten by dg below
		for i, gv := range g {
			sig := 1 / (1 + dg[i])
			dg[i] = d[i] * up[i] * sig * (1 + gv*(1-sig))
			du[i] = d[i] * gv * sig
		}
	}
}
