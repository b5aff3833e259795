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
// bits computed here. The kept buffers come from ar.
func (p *BlockBF16) ForwardTrain(h []float32, B, T int, st *BlockState, ar *Arena) {
	k := p.k
	D := k.MLP.Hidden
	n := B * T * D
	if k.MixT != nil {
		st.XT, st.R1 = ar.GetRaw(n), ar.GetRaw(B*D)
	} else {
		st.X, st.R1 = ar.GetRaw(n), ar.GetRaw(B*T)
	}
	st.Y1, st.Y2, st.R2 = ar.GetRaw(n), ar.GetRaw(n), ar.GetRaw(B*T)
	if k.MixT != nil {
		for b := 0; b < B; b++ {
			Transpose(st.XT[b*T*D:(b+1)*T*D], h[b*T*D:(b+1)*T*D], T, D)
		}
		y1t := st.Y1 // (B, D, T) until the norm's output is transposed into h
		c, o, u := ar.Mark()
		mix := SwiGLUState{}
		swigluForwardTrainBF16(k.MixT, y1t, st.XT, B*D, &mix, ar)
		ar.Release(c, o, u) // Backward recomputes the mixer's gate_up
		addNormTrainBF16(y1t, st.XT, st.R1, B*D, T, k.Eps)
		for b := 0; b < B; b++ {
			Transpose(h[b*T*D:(b+1)*T*D], y1t[b*T*D:(b+1)*T*D], D, T)
		}
	} else {
		a := k.Attn
		w := a.Heads * a.HeadDim
		copy(st.X, h[:n])
		st.Attn.X = st.X
		st.Attn.QKV, st.Attn.Heads = ar.GetRaw(B*T*3*w), ar.GetRaw(B*T*w)
		a.QKV.Forward(st.Attn.QKV, st.X, B*T)
		a.HeadsTiledBF16(st.Attn.Heads, st.Attn.QKV, B, T, ar)
		a.O.Forward(st.Y2, st.Attn.Heads, B*T)
		addNormTrainBF16(h, st.Y2, st.R1, B*T, D, k.Eps)
	}
	copy(st.Y1, h[:n])
	swigluForwardTrainBF16(k.MLP, st.Y2, st.Y1, B*T, &st.MLP, ar)
	addNormTrainBF16(h, st.Y2, st.R2, B*T, D, k.Eps)
	copy(st.Y2, h[:n])
}

// swigluForwardTrainBF16 is SwiGLUBF16.Forward keeping the input and the
// gate_up output [ĝ | û] (rows, 2·inter) in st: out (rows, hidden) =
// x̂(x̂(x̂(silu(ĝ))·û)·W_downᵀ). s's layers are in bf16 mode.
func swigluForwardTrainBF16(s *SwiGLU, out, x []float32, rows int, st *SwiGLUState, ar *Arena) {
	st.X = x[:rows*s.Hidden]
	st.GU = ar.GetRaw(rows * 2 * s.Inter)
	c, o, u := ar.Mark()
	hm := ar.GetRaw(rows * s.Inter)
	s.GateUp.Forward(st.GU, x, rows)
	SwiGLUGateBF16(hm, st.GU, rows, s.Inter)
	s.Down.Forward(out, hm, rows)
	ar.Release(c, o, u)
}

// addNormTrainBF16 is AddRMSNormBF16 keeping the norm's factors:
// h (rows, dim) = x̂(RMSNorm(x̂(h + x))), r (rows) = 1/rms of x̂(h + x).
func addNormTrainBF16(h, x, r []float32, rows, dim int, eps float32) {
	AddBF16(h[:rows*dim], h, x)
	RMSNormTrain(h, r, rows, dim, eps)
	RoundBF16Rows(h, rows, dim)
}
