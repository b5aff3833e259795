package nn

// Training in bf16: the forward pass with gradient is BlockBF16.Forward's
// (the same bits, unfused), keeping what Block.Backward needs; the backward
// pass is Block.Backward itself, whose products run in bf16 because the
// block's linear layers are in bf16 mode (Linear.SetTrainBF16): every
// product takes bf16-rounded operands and accumulates in float32, and the
// elementwise backward (norms, SwiGLU gate, attention's softmax) computes in
// float32 from the kept bf16 activations. Gradients are not rounded between
// operations (PyTorch's bf16 autograd rounds each operation's gradient to
// bf16), and the norms' backward reads their rounded outputs.

// ForwardTrain is Forward (the same bits) keeping in st what Block.Backward
// needs; h (B, T, hidden) holds bf16 values and is updated in place. The
// block's linear layers must be in bf16 mode (SetTrainBF16), which also
// makes Backward's one recomputed product (the mixer's gate_up) give the
// bits computed here. It runs Forward's fused kernels, which also write
// what is kept (the MLP's gate_up output, in bf16, and the norms'
// factors). The kept
// buffers come from ar.
func (p *BlockBF16) ForwardTrain(h []float32, B, T int, st *BlockState, ar *Arena) {
	k := p.k
	D := k.MLP.Hidden
	n, rows := B*T*D, B*T
	if k.MixT != nil {
		st.XT, st.R1 = ar.GetRaw(n), ar.GetRaw(B*D)
	} else {
		st.X, st.R1 = ar.GetRaw(n), ar.GetRaw(rows)
	}
	st.Y1, st.Y2, st.R2 = ar.GetRaw(n), ar.GetRaw(n), ar.GetRaw(rows)
	if k.MixT != nil {
		TransposeBatch(st.XT, h, B, T, D)
		y1t := st.Y1 // (B, D, T) until the norm's output is transposed into h
		copy(y1t, st.XT)
		// The mixer's gate_up output is not kept: Backward recomputes it.
		p.mixT.forwardResidualTrain(y1t, B*D, k.Eps, nil, st.R1, ar)
		TransposeBatch(h, y1t, B, D, T)
	} else {
		a := k.Attn
		w := a.Heads * a.HeadDim
		copy(st.X, h[:n])
		st.Attn.X = st.X
		st.Attn.QKV, st.Attn.Heads = ar.GetRaw(rows*3*w), ar.GetRaw(rows*w)
		MatMulPackedBF16Round(st.Attn.QKV, st.X, rows, p.qkv)
		a.HeadsTiledBF16(st.Attn.Heads, st.Attn.QKV, B, T, ar)
		matMulAddRMSNormBF16(h, st.Attn.Heads, rows, p.o, k.Eps, st.R1)
	}
	copy(st.Y1, h[:n])
	st.MLP = SwiGLUState{X: st.Y1, GU16: ar.GetRawBF16(rows * 2 * k.MLP.Inter)}
	p.mlp.forwardResidualTrain(h, rows, k.Eps, st.MLP.GU16, st.R2, ar)
	copy(st.Y2, h[:n])
}

// forwardResidualTrain is ForwardResidual (the same bits) keeping the norm
// factors in r (rows) and, with gu non-nil, the gate_up output [ĝ | û]
// (rows, 2·inter) in bf16.
func (s *SwiGLUBF16) forwardResidualTrain(x []float32, rows int, eps float32, gu []uint16, r []float32, ar *Arena) {
	if s.fusesDown(rows) {
		s.forwardResidualFused(x, rows, eps, gu, r)
		return
	}
	c, o, u := ar.Mark()
	h := ar.GetRaw(rows * s.Inter)
	matMulSwiGLUBF16(h, gu, x, rows, s.gateUp)
	matMulAddRMSNormBF16(x, h, rows, s.down, eps, r)
	ar.Release(c, o, u)
}
