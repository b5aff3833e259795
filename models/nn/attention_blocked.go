package nn

// Attention heads in query blocks: the forward head kernel the models run.
// Per head (sequence b, head h), with Q, K rotated by RoPE:
//
//	Q, K (T, hd)     rotated in place in qkv by Forward (or, for
//	                 ForwardTrain, gathered with RoPE applied on the way)
//	Kᵀ, V            packed once for the GEMM kernel
//	Q_blk            copied per block (rows 3w apart would share L1 sets)
//	per block of blockQ query rows:
//	  S (br, T)      = Q_blk·Kᵀ                 packed GEMM
//	  P              = softmax(S·(1/√hd)) per row (full rows: exact)
//	  heads[blk, h]  = P·V                      V packed once per head,
//	                                            written in place into heads
//	                                            (row stride w)
//
// Each element goes through the same operations as in head (the reference:
// whole T×T matrix, copies of Q, K, V and of the output): GEMM elements
// depend only on their row of A and column of B, softmax and scaling work
// row by row. So the output has head's bits (TestAttentionBlockedBits),
// while the scores of a block (blockQ·T floats, 352 KB at T = 916) stay in
// L2 and the output copy is gone.

// blockQ is the query rows per block, a multiple of every kernel's mr (6,
// 6, 4).
const blockQ = 96

// blockedScratch is the scratch headBlocked needs for sequences of T.
func (a *Attention) blockedScratch(T int) int {
	hd := a.HeadDim
	kn := activeKernel.Load()
	return 2*T*hd + kn.panelFloats(T, hd) + kn.panelFloats(hd, T) + blockQ*hd + blockQ*T
}

// headBlocked computes one head of one sequence into its columns of heads
// (B, T, w) from qkv (B, T, 3w); buf holds blockedScratch(T) floats. With
// inPlace, Q and K are taken as they are in qkv (Forward has rotated them
// there); else they are gathered with RoPE applied (ForwardTrain keeps qkv
// as projected for Backward). Operands are copied out of qkv rather than
// read there: rows 3w apart fall in the same few L1 sets.
func (a *Attention) headBlocked(heads, qkv []float32, b, h, T int, inPlace bool, buf []float32) {
	hd, w := a.HeadDim, a.Heads*a.HeadDim
	kn := activeKernel.Load()
	base := qkv[b*T*3*w : (b+1)*T*3*w]
	q, k, ld := base[h*hd:], base[w+h*hd:], 3*w // Q, K (T, hd), row stride ld
	if !inPlace {
		n := T * hd
		q, k, ld = buf[:n], buf[n:2*n], hd
		a.gatherQK(q, k, base, h, T)
	}
	buf = buf[2*T*hd:]
	kp := buf[:kn.panelFloats(T, hd)] // Kᵀ (hd, T) in kn's panels
	buf = buf[len(kp):]
	vp := buf[:kn.panelFloats(hd, T)] // V (T, hd) in kn's panels
	buf = buf[len(vp):]
	qb, s := buf[:blockQ*hd], buf[blockQ*hd:] // a query block; its scores
	packKT(kp, k, ld, T, hd, kn)
	for c := 0; c < panelsOf(hd, kn.nr); c++ {
		width, _ := kn.panelKernel(c, hd)
		packPanelNN(vp[c*kn.nr*T:], base[2*w+h*hd:], T, hd, 3*w, c*kn.nr, width)
	}
	scale := a.scale()
	for q0 := 0; q0 < T; q0 += blockQ {
		br := min(blockQ, T-q0)
		for r := 0; r < br; r++ {
			copy(qb[r*hd:(r+1)*hd], q[(q0+r)*ld:])
		}
		st := s[:br*T]
		j := getJob(kn, st, qb, br, T, hd, false) // S = Q_blk·Kᵀ
		j.b = kp
		gemmRun(j)
		putJob(j)
		Scale(st, scale)
		Softmax(st, br, T)
		j = getJob(kn, heads[(b*T+q0)*w+h*hd:], st, br, hd, T, false) // P·V into heads
		j.ldc, j.b = w, vp
		gemmRun(j)
		putJob(j)
	}
}

// gatherQK copies head h's Q and K (T, hd) out of one sequence's qkv
// (T, 3w), applying RoPE on the way when the layer has it.
func (a *Attention) gatherQK(q, k, base []float32, h, T int) {
	hd, w := a.HeadDim, a.Heads*a.HeadDim
	if a.Rope != nil {
		a.Rope.ApplyFrom(q, base[h*hd:], 3*w)
		a.Rope.ApplyFrom(k, base[w+h*hd:], 3*w)
		return
	}
	for t := 0; t < T; t++ {
		row := base[t*3*w:]
		copy(q[t*hd:(t+1)*hd], row[h*hd:(h+1)*hd])
		copy(k[t*hd:(t+1)*hd], row[w+h*hd:w+(h+1)*hd])
	}
}

// packKT packs B = Kᵀ from K (T, hd; row stride ld) into kn's panels, as
// packPanelsT does (the same floats: it is a copy), with the vector
// transpose kernel: panel q (hd, width) is the transpose of keys q·nr… (at
// most width, zero padded).
func packKT(kp, k []float32, ld, T, hd int, kn *gemmKernel) {
	tr := vecImpl.transpose
	for q := 0; q < panelsOf(T, kn.nr); q++ {
		j0 := q * kn.nr
		width, _ := kn.panelKernel(q, T)
		panel := kp[j0*hd : (j0+width)*hd]
		cols := min(width, T-j0)
		tr(panel, width, k[j0*ld:], ld, cols, hd)
		if cols < width {
			for p := 0; p < hd; p++ {
				clear(panel[p*width+cols : (p+1)*width])
			}
		}
	}
}
