package nn

// Block is the official post-norm transformer block shared by TRM, HRM and
// the direct baseline:
//
//	attention variant: h = norm(h + attn(h)); h = norm(h + mlp(h))
//	mlp_t variant:     hᵀ = norm_T(hᵀ + mixT(hᵀ)) per sequence; h = norm(h + mlp(h))
//
// where norm is RMSNorm without weight over the hidden axis and norm_T the
// same over the sequence axis (mixT mixes positions: its width is T).
type Block struct {
	Attn *Attention // nil in the mlp_t variant
	MixT *SwiGLU    // token mixer (hidden = T); nil in the attention variant
	MLP  *SwiGLU
	Eps  float32
}

// Forward updates h (B, T, hidden) in place.
func (k *Block) Forward(h []float32, B, T int, ar *Arena) {
	c, o, u := ar.Mark()
	D := k.MLP.Hidden
	tmp := ar.GetRaw(B * T * D)
	if k.MixT != nil {
		ht := ar.GetRaw(D * T)  // (D, T): one sequence, transposed
		mix := ar.GetRaw(D * T) // token mixer output
		for b := 0; b < B; b++ {
			hb := h[b*T*D : (b+1)*T*D]
			Transpose(ht, hb, T, D)
			k.MixT.Forward(mix, ht, D, ar)
			AddInto(ht, mix)
			RMSNorm(ht, D, T, k.Eps)
			Transpose(hb, ht, D, T)
		}
	} else {
		k.Attn.Forward(tmp, h, B, T, ar)
		AddInto(h, tmp)
		RMSNorm(h, B*T, D, k.Eps)
	}
	k.MLP.Forward(tmp, h, B*T, ar)
	AddInto(h, tmp)
	RMSNorm(h, B*T, D, k.Eps)
	ar.Release(c, o, u)
}
