package nn

// keepMinHidden is the narrowest input for which ForwardTrain fuses the gate
// into the gate_up GEMM (BenchmarkMatMulSwiGLUKeep: 2–13 % less CPU at
// hidden 512, 10 % more at 97).
const keepMinHidden = 256

// SwiGLUState keeps what SwiGLU.Backward needs from ForwardTrain.
type SwiGLUState struct {
	X  []float32 // (rows, hidden) the input: a reference, which must not change before Backward
	GU []float32 // (rows, 2·inter) the gate_up output [g | u] per row
	// GU16 replaces GU in bf16 training (BlockBF16.ForwardTrain): the same
	// bf16 values stored as bf16, half the memory.
	GU16 []uint16
}

// ForwardTrain is Forward (same bits) keeping the input and the gate_up
// output in st for Backward; st.GU comes from ar and stays valid until the
// caller releases it. x is (rows, hidden), out (rows, hidden). For wide
// inputs (the MLP's hidden 512) the gate is fused into the gate_up GEMM,
// which also writes st.GU (MatMulSwiGLUKeep, the same bits); for narrow
// ones (an mlp_t mixer over 97 positions) the unfused pair is faster.
func (s *SwiGLU) ForwardTrain(out, x []float32, rows int, st *SwiGLUState, ar *Arena) {
	st.X = x[:rows*s.Hidden]
	st.GU, st.GU16 = ar.GetRaw(rows*2*s.Inter), nil
	if s.fused == nil || s.Hidden < keepMinHidden {
		s.forward(out, x, st.GU, rows, ar)
		return
	}
	c, o, u := ar.Mark()
	h := ar.GetRaw(rows * s.Inter)
	MatMulSwiGLUKeep(h, st.GU, x, rows, s.fused)
	s.Down.Forward(out, h, rows)
	ar.Release(c, o, u)
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
//
// h (the forward's bits) and [dg | du] come from one pass over the rows
// sharing e^−g (gateBackwardRows).
func (s *SwiGLU) Backward(dx, dout []float32, rows int, st *SwiGLUState, accumulate bool, ar *Arena) {
	c, o, u := ar.Mark()
	I := s.Inter
	dh := ar.GetRaw(rows * I)
	s.Down.BackwardInput(dh, dout, rows, false)
	h, dgu := ar.GetRaw(rows*I), ar.GetRaw(rows*2*I)
	j := newRowJob(gateBackwardRows, I, dgu, st.GU, dh, h)
	if st.GU16 != nil {
		j.fn, j.u = gateBackwardRowsBF16, st.GU16
	}
	parallelRows(rows, 16, j)
	j.free()
	s.Down.BackwardWeights(dout, h, rows)
	s.GateUp.Backward(dx, dgu, st.X, rows, accumulate)
	ar.Release(c, o, u)
}

// gateBackwardRows computes, on rows [lo, hi), h = silu(g)·u (d, rows × n,
// the bits of SiLUMul) and [dg | du] (a, rows × 2n) from gu = [g | u] (b)
// and dh (c), as in Backward's formula.
func gateBackwardRows(j *rowJob, lo, hi int) {
	I := j.n
	for r := lo; r < hi; r++ {
		gateBackwardRow(j.a[r*2*I:(r+1)*2*I], j.b[r*2*I:(r+1)*2*I], j.c[r*I:(r+1)*I], j.d[r*I:(r+1)*I])
	}
}

// gateBackwardRow is gateBackwardRows on one row: [dg | du] (dgu) and h from
// [g | u] (gu) and dh.
func gateBackwardRow(dgu, gu, dh, h []float32) {
	I := len(h)
	g, up := gu[:I], gu[I:2*I]
	dg, du := dgu[:I], dgu[I:2*I]
	copy(dg, g)
	Scale(dg, -1) // −g exactly
	Exp(dg, dg)   // e^−g, overwritten by dg
	gateBackward(h, dg, du, g, up, dh)
}

// gateBackwardRowsBF16 is gateBackwardRows reading [g | u] from bf16
// (j.u), each row widened to float32 first (the same values).
func gateBackwardRowsBF16(j *rowJob, lo, hi int) {
	I := j.n
	gb := getBuf(2 * I)
	widen := activeBF16.Load().widenBF16
	for r := lo; r < hi; r++ {
		widen(gb.s, j.u[r*2*I:(r+1)*2*I])
		gateBackwardRow(j.a[r*2*I:(r+1)*2*I], gb.s, j.c[r*I:(r+1)*I], j.d[r*I:(r+1)*I])
	}
	bufPool.Put(gb)
}

// gateBackwardGo is the gate's backward on one row: dg holds e = e^−g on
// entry. With den = 1 + e it writes h = g/den·u (SiLUMul's bits) and, with
// σ = 1/den, dg = dh·u·σ·(1 + g·(1−σ)) and du = dh·g·σ.
func gateBackwardGo(h, dg, du, g, u, dh []float32) {
	for i, gv := range g {
		den := 1 + dg[i]
		h[i] = gv / den * u[i]
		sig := 1 / den
		dg[i] = dh[i] * u[i] * sig * (1 + gv*(1-sig))
		du[i] = dh[i] * gv * sig
	}
}
