package nn

// The bf16 forward pass of Block, as the official code runs it with
// forward_dtype bfloat16: weights and activations in bf16, products
// accumulated in float32 (MatMulPackedBF16) and every stored tensor rounded
// to bf16. Activations are bf16 values held in float32 storage. Per block
// (x̂ = round to bf16):
//
//	qkv = x̂(h·W_qkvᵀ); q, k = x̂(RoPE(q, k)) in float32; heads = x̂(attention)
//	h = x̂(RMSNorm(x̂(h + x̂(heads·W_oᵀ))))                 (attention variant)
//	hᵀ = x̂(RMSNorm(x̂(hᵀ + swiglu(hᵀ))))                  (mlp_t variant, over all B·D rows)
//	h = x̂(RMSNorm(x̂(h + swiglu(h))))
//	swiglu(x) = x̂(x̂(x̂(silu(g))·u)·W_downᵀ), [g | u] = x̂(x·W_gate_upᵀ)
//
// Inside attention the products take bf16 operands (q, k, v, and the
// probabilities as flash attention feeds them) and the softmax is float32
// (attention_bf16.go). Every chain bf16 kernel gives the same bits (the AMX
// one its own), for any threads or batch composition.

// BlockBF16 is a Block's weights rounded to bf16 and packed for the bf16
// GEMM; the Block itself (shapes, RoPE, eps) is shared.
type BlockBF16 struct {
	k      *Block
	qkv, o *PackedBF16 // nil in the mlp_t variant
	mixT   *SwiGLUBF16 // nil in the attention variant
	mlp    *SwiGLUBF16
}

// NewBlockBF16 packs k's weights in bf16 with the active bf16 kernel.
func NewBlockBF16(k *Block) *BlockBF16 {
	p := &BlockBF16{k: k, mlp: NewSwiGLUBF16(k.MLP)}
	if k.MixT != nil {
		p.mixT = NewSwiGLUBF16(k.MixT)
	} else {
		a := k.Attn
		p.qkv, p.o = packBF16Of(a.QKV), packBF16Of(a.O)
	}
	return p
}

// Forward updates h (B, T, hidden), holding bf16 values, in place.
func (p *BlockBF16) Forward(h []float32, B, T int, ar *Arena) {
	c, o, u := ar.Mark()
	k := p.k
	D := k.MLP.Hidden
	rows := B * T
	if p.mixT != nil {
		// (B, D, T): each sequence transposed, then one product over all
		// B·D rows (a row's bits do not depend on the others).
		ht := ar.GetRaw(B * T * D)
		TransposeBatch(ht, h, B, T, D)
		p.mixT.ForwardResidual(ht, B*D, k.Eps, ar)
		TransposeBatch(h, ht, B, D, T)
	} else {
		a := k.Attn
		w := a.Heads * a.HeadDim
		qkv := ar.GetRaw(rows * 3 * w)
		heads := ar.GetRaw(rows * w)
		MatMulPackedBF16Round(qkv, h, rows, p.qkv)
		a.HeadsTiledBF16(heads, qkv, B, T, ar)
		MatMulAddRMSNormBF16(h, heads, rows, p.o, k.Eps)
	}
	p.mlp.ForwardResidual(h, rows, k.Eps, ar)
	ar.Release(c, o, u)
}

// SwiGLUBF16 is a SwiGLU's weights packed in bf16: gate_up regrouped for
// the fused gate (gemm_swiglu_bf16.go), down plain.
type SwiGLUBF16 struct {
	Hidden, Inter int
	gateUp        *PackedSwiGLUBF16
	down          *PackedBF16
}

// NewSwiGLUBF16 packs s's gate_up (2·inter, hidden) and down (hidden, inter)
// weights in bf16.
func NewSwiGLUBF16(s *SwiGLU) *SwiGLUBF16 {
	return &SwiGLUBF16{Hidden: s.Hidden, Inter: s.Inter,
		gateUp: PackSwiGLUBF16(s.GateUp.Weight, s.Inter, s.Hidden),
		down:   packBF16Of(s.Down)}
}

// packBF16Of is l's weight in bf16: the layer's own while it trains in bf16
// (SetTrainBF16; its Repack refreshes it), else a new packing.
func packBF16Of(l *Linear) *PackedBF16 {
	if l.bf16 != nil {
		return l.bf16
	}
	return PackTBF16(l.Weight, l.Out, l.In)
}

// Repack refreshes p from its block's weights after an optimiser has
// changed them (bf16 training). Packings shared with layers in bf16 mode
// are left to Linear.Repack.
func (p *BlockBF16) Repack() {
	k := p.k
	p.mlp.repack(k.MLP)
	if p.mixT != nil {
		p.mixT.repack(k.MixT)
		return
	}
	repackOwned(p.qkv, k.Attn.QKV)
	repackOwned(p.o, k.Attn.O)
}

// repack refreshes s from the float32 SwiGLU it was packed from.
func (s *SwiGLUBF16) repack(f *SwiGLU) {
	s.gateUp.Repack(f.GateUp.Weight)
	repackOwned(s.down, f.Down)
}

// repackOwned refreshes p, l's weight in bf16, unless it is the layer's
// own packing (Linear.Repack refreshes that).
func repackOwned(p *PackedBF16, l *Linear) {
	if p != l.bf16 {
		p.Repack(l.Weight)
	}
}

// ForwardResidual is the SwiGLU sublayer with its post-norm residual:
// x (rows, hidden) = x̂(RMSNorm(x̂(x + swiglu(x)))), the down product, add
// and norm fused (MatMulAddRMSNormBF16).
func (s *SwiGLUBF16) ForwardResidual(x []float32, rows int, eps float32, ar *Arena) {
	if s.fusesDown(rows) {
		s.forwardResidualFused(x, rows, eps, nil, nil) // h per row block, in cache
		return
	}
	c, o, u := ar.Mark()
	h := ar.GetRaw(rows * s.Inter)
	MatMulSwiGLUBF16(h, x, rows, s.gateUp)
	MatMulAddRMSNormBF16(x, h, rows, s.down, eps)
	ar.Release(c, o, u)
}

// Forward: x (rows, hidden) → out (rows, hidden), bf16 values:
// h = x̂(x̂(silu(ĝ))·û) fused into the gate_up product, then out = x̂(h·W_downᵀ).
func (s *SwiGLUBF16) Forward(out, x []float32, rows int, ar *Arena) {
	c, o, u := ar.Mark()
	h := ar.GetRaw(rows * s.Inter)
	MatMulSwiGLUBF16(h, x, rows, s.gateUp)
	MatMulPackedBF16Round(out, h, rows, s.down)
	ar.Release(c, o, u)
}

// MatMulPackedBF16Round is MatMulPackedBF16 (no accumulate) with C rounded
// to bf16: the bf16 output of a bf16 product. Each task rounds its C block
// as it finishes (in cache), with the bits of RoundBF16Rows afterwards.
func MatMulPackedBF16Round(c, a []float32, m int, b *PackedBF16) {
	if len(a) < m*b.K || len(c) < m*b.N || b.kern == nil {
		MatMulPackedBF16(c, a, m, b, false) // its panics
	}
	if m == 0 || b.N == 0 {
		return
	}
	if b.K == 0 {
		clear(c[:m*b.N])
		return
	}
	matMulBF16Job(c, a, m, b.N, b.K, b.data, b.kern.nr*b.kp, 0, false, b.kern, true)
}
