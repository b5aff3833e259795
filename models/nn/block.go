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

// Forward updates h (B, T, hidden) in place. The residual adds are fused
// with their norms (AddRMSNorm); the mlp_t mixer runs once over all B·D
// transposed rows (each row gets the bits of a per-sequence product).
func (k *Block) Forward(h []float32, B, T int, ar *Arena) {
	c, o, u := ar.Mark()
	D := k.MLP.Hidden
	n := B * T * D
	tmp := ar.GetRaw(n)
	if k.MixT != nil {
		ht := ar.GetRaw(n) // (B, D, T): each sequence transposed
		TransposeBatch(ht, h, B, T, D)
		k.MixT.Forward(tmp, ht, B*D, ar)
		AddRMSNorm(ht, tmp, B*D, T, k.Eps)
		TransposeBatch(h, ht, B, D, T)
	} else {
		k.Attn.Forward(tmp, h, B, T, ar)
		AddRMSNorm(h, tmp, B*T, D, k.Eps)
	}
	k.MLP.Forward(tmp, h, B*T, ar)
	AddRMSNorm(h, tmp, B*T, D, k.Eps)
	ar.Release(c, o, u)
}
