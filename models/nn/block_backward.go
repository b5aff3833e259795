package nn

// BlockState keeps what Block.Backward needs from ForwardTrain. Its
// buffers come from the arena given to ForwardTrain. Only the inputs of the
// sublayers and the MLP's gate_up output are kept; the token mixer's gate_up
// output (B·D rows × 2·inter) and the transposed first norm output are
// recomputed in Backward (the same bits), which keeps a training pass's
// memory to a third.
type BlockState struct {
	Attn AttentionState // attention variant (its X is the block input)
	X    []float32      // (B, T, D) the block input (attention variant)

	XT []float32 // (B, D, T) the block input, each sequence transposed (mlp_t)

	Y1, R1 []float32 // (B, T, D) first norm's output and factors (B·T; mlp_t: B·D, over T)
	MLP    SwiGLUState
	Y2, R2 []float32 // (B, T, D) the block output and the second norm's factors (B·T)
}

// ForwardTrain is Forward (same bits) keeping what Backward needs in st;
// h (B, T, hidden) is updated in place. The kept buffers come from ar and
// stay valid until the caller releases them.
func (k *Block) ForwardTrain(h []float32, B, T int, st *BlockState, ar *Arena) {
	D := k.MLP.Hidden
	n := B * T * D
	if k.MixT != nil {
		st.XT, st.R1 = ar.GetRaw(n), ar.GetRaw(B*D)
	} else {
		st.X, st.R1 = ar.GetRaw(n), ar.GetRaw(B*T)
	}
	st.Y1, st.Y2, st.R2 = ar.GetRaw(n), ar.GetRaw(n), ar.GetRaw(B*T)
	// Y2 serves as the sublayers' output buffer until it receives the block
	// output, so ar keeps nothing but the state.
	if k.MixT != nil {
		TransposeBatch(st.XT, h, B, T, D)
		// One token-mixer product over all B·D rows gives each row the
		// bits of Forward's per-sequence products.
		y1t := st.Y1 // (B, D, T) until the norm's output is transposed into h
		k.MixT.Forward(y1t, st.XT, B*D, ar)
		AddInto(y1t, st.XT)
		RMSNormTrain(y1t, st.R1, B*D, T, k.Eps)
		TransposeBatch(h, y1t, B, D, T)
	} else {
		copy(st.X, h[:n])
		k.Attn.ForwardTrain(st.Y2, st.X, B, T, &st.Attn, ar)
		AddInto(h[:n], st.Y2)
		RMSNormTrain(h, st.R1, B*T, D, k.Eps)
	}
	copy(st.Y1, h[:n])
	k.MLP.ForwardTrain(st.Y2, st.Y1, B*T, &st.MLP, ar)
	AddInto(h[:n], st.Y2)
	RMSNormTrain(h, st.R2, B*T, D, k.Eps)
	copy(st.Y2, h[:n])
}

// Backward: dh (B, T, hidden) holds the gradient with respect to the block
// output of ForwardTrain (state st) and receives, in place, the gradient
// with respect to its input; the weight gradients of the sublayers are
// added to their Grad buffers. For h₁ = norm(h + mix(h)), h₂ = norm(h₁ +
// mlp(h₁)):
//
//	ds₂ = norm'(dh₂);  dh₁ = ds₂ + mlp'(ds₂);  ds₁ = norm'(dh₁);  dh = ds₁ + mix'(ds₁)
func (k *Block) Backward(dh []float32, B, T int, st *BlockState, ar *Arena) {
	D := k.MLP.Hidden
	n := B * T * D
	dh = dh[:n]
	RMSNormBackward(dh, dh, st.Y2, st.R2, B*T, D)
	k.MLP.Backward(dh, dh, B*T, &st.MLP, true, ar)
	if k.MixT != nil {
		c, o, u := ar.Mark()
		dt, y1t := ar.GetRaw(n), ar.GetRaw(n) // (B, D, T)
		TransposeBatch(dt, dh, B, T, D)
		TransposeBatch(y1t, st.Y1, B, T, D)
		RMSNormBackward(dt, dt, y1t, st.R1, B*D, T)
		// The mixer's gate_up output, recomputed: (B·D, 2·inter).
		mix := SwiGLUState{X: st.XT, GU: ar.GetRaw(B * D * 2 * k.MixT.Inter)}
		k.MixT.GateUp.Forward(mix.GU, st.XT, B*D)
		k.MixT.Backward(dt, dt, B*D, &mix, true, ar)
		TransposeBatch(dh, dt, B, D, T)
		ar.Release(c, o, u)
		return
	}
	RMSNormBackward(dh, dh, st.Y1, st.R1, B*T, D)
	k.Attn.Backward(dh, dh, B, T, &st.Attn, true, ar)
}
