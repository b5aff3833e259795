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
// (B, T, w) and the forward's qkv. buf holds 7·T·hd + 2·T² floats. While
// the layer trains in bf16 (its QKV in bf16 mode), the four products take
// bf16-rounded operands; the probabilities and softmax stay float32.
func (a *Attention) headBackward(dqkv, qkv, dheads []float32, b, h, T int, buf []float32) {
	hd, w := a.HeadDim, a.Heads*a.HeadDim
	n := T * hd
	q, k, v, do := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n]
	dq, dk, dv := buf[4*n:5*n], buf[5*n:6*n], buf[6*n:7*n]
	p, dp := buf[7*n:7*n+T*T], buf[7*n+T*T:7*n+2*T*T]
	for t := 0; t < T; t++ {
		copy(do[t*hd:(t+1)*hd], dheads[(b*T+t)*w+h*hd:(b*T+t)*w+(h+1)*hd])
	}
	scale := a.scale()
	bf16 := a.QKV.bf16 != nil // training in bf16: the products on bf16 operands
	if bf16 {
		a.headProbsBF16(p, q, k, v, dk, qkv, b, h, T) // dk: scratch until computed
		MatMulBF16TN(dv, p, do, T, hd, T, false)
		Transpose(dq, v, T, hd) // Vᵀ (hd, T), until dq is computed
		MatMulBF16NN(dp, do, dq, T, T, hd, false)
	} else {
		// The probabilities, exactly as the forward pass computed them.
		a.headProbs(p, q, k, v, qkv, b, h, T)
		MatMulTN(dv, p, do, T, hd, T, false)
		MatMulNT(dp, do, v, T, T, hd)
	}
	for i := 0; i < T; i++ {
		pr, dr := p[i*T:(i+1)*T], dp[i*T:(i+1)*T]
		if bf16 {
			softmaxBackward32(dr, pr, scale)
			continue
		}
		var s float64
		for j, pv := range pr {
			s += float64(pv) * float64(dr[j])
		}
		for j, pv := range pr {
			dr[j] = float32(float64(pv)*(float64(dr[j])-s)) * scale
		}
	}
	if bf16 {
		MatMulBF16NN(dq, dp, k, T, hd, T, false)
		MatMulBF16TN(dk, dp, q, T, hd, T, false)
	} else {
		MatMulNN(dq, dp, k, T, hd, T)
		MatMulTN(dk, dp, q, T, hd, T, false)
	}
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

// headProbsBF16 is headProbs from bf16 Q and K (kt: T·hd floats of
// scratch for Kᵀ), with a whole-row softmax: the forward's tiled online
// softmax sums in another order, so these are close to its values, not its
// bits.
func (a *Attention) headProbsBF16(p, q, k, v, kt, qkv []float32, b, h, T int) {
	hd := a.HeadDim
	a.gather(q, k, v, qkv, b, h, T)
	Transpose(kt, k, T, hd)
	MatMulBF16NN(p, q, kt, T, T, hd, false)
	Scale(p, a.scale())
	Softmax(p, T, T)
}

// softmaxBackward32 is one row of the softmax backward in float32 (bf16
// training): dr = p⊙(dr − Σ p⊙dr)·scale, the sum in eight partial sums.
func softmaxBackward32(dr, p []float32, scale float32) {
	dr = dr[:len(p)]
	var s [8]float32
	j := 0
	for ; j+8 <= len(p); j += 8 {
		for l := range 8 {
			s[l] += p[j+l] * dr[j+l]
		}
	}
	for ; j < len(p); j++ {
		s[0] += p[j] * dr[j]
	}
	sum := ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
	for j, pv := range p {
		dr[j] = pv * (dr[j] - sum) * scale
	}
}
