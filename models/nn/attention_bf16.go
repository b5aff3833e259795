package nn

// bf16 tiled attention: headTiled with its two products in bf16 (gemm_bf16.go)
// — S = Q·Kᵀ with Q and K rounded to bf16, O += P·V with the probabilities P
// and V rounded to bf16, float32 accumulation — and the online softmax in
// float32 as in headTiled. This is where a bf16 model rounds inside
// attention (flash attention on GPUs likewise feeds bf16 P to the second
// product); the rest (RoPE, the scale, the softmax, the running sums) stays
// float32. Every chain bf16 kernel gives the same bits (AMX its own), and the
// output of a sequence does not depend on threads or batch; it differs from the float32
// attention by bf16 rounding (TestAttentionTiledBF16 measures it).
//
// Shapes: Maze/ARC T = 916, 8 heads of 64: per head K packed (64, 916) and
// V packed (916, 64) in bf16 panels; tiles of tileQ × tileK scores.

// ForwardTiledBF16 is ForwardTiled with bf16 attention products (the QKV and
// O projections stay float32: a bf16 model packs those with PackTBF16 and
// calls MatMulPackedBF16 itself). x is (B, T, hidden), out is (B, T, hidden).
func (a *Attention) ForwardTiledBF16(out, x []float32, B, T int, ar *Arena) {
	c, o, u := ar.Mark()
	w := a.Heads * a.HeadDim
	qkv := ar.GetRaw(B * T * 3 * w)
	heads := ar.GetRaw(B * T * w)
	a.QKV.Forward(qkv, x, B*T)
	a.eachHead(headsTiledBF16, heads, qkv, nil, B, T, ar)
	a.O.Forward(out, heads, B*T)
	ar.Release(c, o, u)
}

// HeadsTiledBF16 runs the bf16 head stage alone: heads (B, T, w) from the
// fused qkv (B, T, 3w), for a model that computes the projections itself.
func (a *Attention) HeadsTiledBF16(heads, qkv []float32, B, T int, ar *Arena) {
	a.eachHead(headsTiledBF16, heads, qkv, nil, B, T, ar)
}

// tiledScratchBF16 is the float32 scratch headTiledBF16 needs (its bf16
// panels come from a pool).
func (a *Attention) tiledScratchBF16(T int) int {
	hd := a.HeadDim
	return 3*T*hd + tileQ*tileK + tileQ*hd + 4*tileQ
}

// headTiledBF16 computes one head of one sequence into its columns of heads
// (B, T, w); buf holds tiledScratchBF16(T) floats.
func (a *Attention) headTiledBF16(heads, qkv []float32, b, h, T int, buf []float32) {
	hd := a.HeadDim
	kn := activeBF16.Load()
	n := T * hd
	q, k, v := buf[:n], buf[n:2*n], buf[2*n:3*n]
	buf = buf[3*n:]
	a.gather(q, k, v, qkv, b, h, T)

	// Kᵀ (hd, T) and V (T, hd) in bf16 panels.
	kSize, vSize := kn.panelSize(T, hd), kn.panelSize(hd, T)
	pb := getBF16Buf(kSize + vSize)
	kp16, vp16 := pb.s[:kSize], pb.s[kSize:]
	packBF16T(kp16, k, T, hd, kn)
	packBF16N(vp16, v, T, hd, kn)
	hdp, Tp := hd+hd&1, T+T&1 // K lengths, padded to pairs
	a.tileLoop(heads, b, h, T, buf,
		func(st []float32, q0, br, k0, bc int) {
			// S = Q_blk·K_blkᵀ: the key block is panels k0/nr… of Kᵀ.
			matMulBF16(st, q[q0*hd:(q0+br)*hd], br, bc, hd, kp16[k0*hdp:], kn.nr*hdp, 0, false, kn)
		},
		func(ob, st []float32, br, k0, bc int) {
			// O_blk (+)= P·V_blk: V's K pairs k0/2… (k0 is even).
			matMulBF16(ob, st, br, hd, bc, vp16, kn.nr*Tp, k0/2, k0 > 0, kn)
		})
	bf16BufPool.Put(pb)
}
