package nn

// AttentionState keeps what Attention.Backward needs from ForwardTrain.
type AttentionState struct {
	X     []float32 // (B, T, hidden) the input: a reference, which must not change before Backward
	QKV   []float32 // (B, T, 3w) qkv_proj output, before RoPE (w = heads·headDim)
	Heads []float32 // (B, T, w) concatenated head outputs, o_proj's input
}

// ForwardTrain is Forward (same bits) keeping the input, the QKV
// projection and the head outputs in st for Backward; the buffers come from
// ar and stay valid until the caller releases them. x and out are
// (B, T, hidden). The attention probabilities are not kept: Backward
// recomputes them (T² per head would dominate the memory of long sequences).
func (a *Attention) ForwardTrain(out, x []float32, B, T int, st *AttentionState, ar *Arena) {
	w := a.Heads * a.HeadDim
	st.X = x[:B*T*a.Hidden]
	st.QKV = ar.GetRaw(B * T * 3 * w)
	st.Heads = ar.GetRaw(B * T * w)
	a.forward(out, x, st.QKV, st.Heads, B, T, ar)
}

// Backward: dout (B, T, hidden) is the gradient with respect to the output
// of ForwardTrain (state st). It adds the gradients of qkv_proj and o_proj
// (when allocated) and writes the gradient with respect to the input into
// dx (B, T, hidden), or adds it with accumulate; dx may be dout (dout is read
// before dx is written). Per head, with S = Q·Kᵀ/√hd, P = softmax(S),
// O = P·V (Q, K after RoPE):
//
//	dV = Pᵀ·dO,  dP = dO·Vᵀ,  dS = P⊙(dP − rowsum(dP⊙P))/√hd
//	dQ = dS·K,   dK = dSᵀ·Q,  then RoPE's transpose on dQ and dK.
func (a *Attention) Backward(dx, dout []float32, B, T int, st *AttentionState, accumulate bool, ar *Arena) {
	c, o, u := ar.Mark()
	w := a.Heads * a.HeadDim
	dheads := ar.GetRaw(B * T * w)
	a.O.Backward(dheads, dout, st.Heads, B*T, false)
	dqkv := ar.GetRaw(B * T * 3 * w)
	a.eachHead(headsBackward, dqkv, st.QKV, dheads, B, T, ar)
	a.QKV.Backward(dx, dqkv, st.X, B*T, accumulate)
	ar.Release(c, o, u)
}

// headBackward computes one head's part of dqkv (B, T, 3w) from dheads
// (B, T, w) and the forward's qkv. buf holds 7·T·hd + 2·T² floats.
func (a *Attention) headBackward(dqkv, qkv, dheads []float32, b, h, T int, buf []float32) {
	hd, w := a.HeadDim, a.Heads*a.HeadDim
	n := T * hd
	q, k, v, do := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n]
	dq, dk, dv := buf[4*n:5*n], buf[5*n:6*n], buf[6*n:7*n]
	p, dp := buf[7*n:7*n+T*T], buf[7*n+T*T:7*n+2*T*T]
	for t := 0; t < T; t++ {
		copy(do[t*hd:(t+1)*hd], dheads[(b*T+t)*w+h*hd:(b*T+t)*w+(h+1)*hd])
	}
	// The probabilities, exactly as the forward pass computed them.
	a.headProbs(p, q, k, v, qkv, b, h, T)
	scale := a.scale()
	MatMulTN(dv, p, do, T, hd, T, false)
	MatMulNT(dp, do, v, T, T, hd)
	for i := 0; i < T; i++ {
		pr, dr := p[i*T:(i+1)*T], dp[i*T:(i+1)*T]
		var s float64
		for j, pv := range pr {
			s += float64(pv) * float64(dr[j])
		}
		for j, pv := range pr {
			dr[j] = float32(float64(pv)*(float64(dr[j])-s)) * scale
		}
	}
	MatMulNN(dq, dp, k, T, hd, T)
	MatMulTN(dk, dp, q, T, hd, T, false)
	if a.Rope != nil {
		a.Rope.ApplyBackward(dq, hd)
		a.Rope.ApplyBackward(dk, hd)
	}
	out := dqkv[b*T*3*w : (b+1)*T*3*w]
	for t := 0; t < T; t++ {
		row := out[t*3*w:]
		copy(row[h*hd:(h+1)*hd], dq[t*hd:(t+1)*hd])
		copy(row[w+h*hd:w+(h+1)*hd], dk[t*hd:(t+1)*hd])
		copy(row[2*w+h*hd:2*w+(h+1)*hd], dv[t*hd:(t+1)*hd])
	}
}
