package nn

// Attention heads in query blocks: the forward head kernel the models run.
// Per head (sequence b, head h), with Q, K rotated by RoPE:
//
//	Q, K (T, hd)     gathered from qkv with RoPE applied while copying
//	Kᵀ               packed once for the GEMM kernel
//	per block of blockQ query rows:
//	  S (br, T)      = Q_blk·Kᵀ                 packed GEMM
//	  P              = softmax(S·(1/√hd)) per row (full rows: exact)
//	  heads[blk, h]  = P·V                      V read in place in qkv (row
//	                                            stride 3w), written in place
//	                                            into heads (row stride w)
//
// Each element goes through the same operations as in head (the reference:
// whole T×T matrix, copies of Q, K, V and of the output): GEMM elements
// depend only on their row of A and column of B, softmax and scaling work
// row by row. So the output has head's bits (TestAttentionBlockedBits),
// while the scores of a block (blockQ·T floats, 352 KB at T = 916) stay in
// L2 and the V copy and output copy are gone.

// blockQ is the query rows per block, a multiple of every kernel's mr (12,
// 6, 4).
const blockQ = 96

// blockedScratch is the scratch headBlocked needs for sequences of T.
func (a *Attention) blockedScratch(T int) int {
	hd := a.HeadDim
	return 2*T*hd + activeKernel.Load().panelFloats(T, hd) + blockQ*T
}

// headBlocked computes one head of one sequence into its columns of heads
// (B, T, w) from qkv (B, T, 3w); buf holds blockedScratch(T) floats.
func (a *Attention) headBlocked(heads, qkv []float32, b, h, T int, buf []float32) {
	hd, w := a.HeadDim, a.Heads*a.HeadDim
	kn := activeKernel.Load()
	n := T * hd
	q, k := buf[:n], buf[n:2*n]
	kp := buf[2*n : 2*n+kn.panelFloats(T, hd)] // Kᵀ (hd, T) in kn's panels
	s := buf[2*n+len(kp):]
	base := qkv[b*T*3*w : (b+1)*T*3*w]
	a.gatherQK(q, k, base, h, T)
	packPanelsT(kp, k, T, hd, kn)
	scale := a.scale()
	for q0 := 0; q0 < T; q0 += blockQ {
		br := min(blockQ, T-q0)
		st := s[:br*T]
		j := getJob(kn, st, q[q0*hd:], br, T, hd, false) // S = Q_blk·Kᵀ
		j.b = kp
		gemmRun(j)
		putJob(j)
		Scale(st, scale)
		Softmax(st, br, T)
		j = getJob(kn, heads[(b*T+q0)*w+h*hd:], st, br, hd, T, false) // P·V into heads
		j.ldc = w
		runInKN(j, base[2*w+h*hd:], 3*w)
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
