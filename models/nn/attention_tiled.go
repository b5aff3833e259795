package nn

import (
	"math"
)

// Tiled attention: softmax(Q·Kᵀ/√hd)·V per head without the T×T score
// matrix, for long sequences (Maze/ARC: T = 916 with the puzzle prefix,
// 8 heads of 64). Queries go in blocks of tileQ rows, keys in blocks of
// tileK; for each (query block, key block) tile:
//
//	S = Q_blk·K_blkᵀ                         (tileQ, tileK)  packed GEMM, K packed once per head
//	per row r: m' = max(m_r, max S_r/√hd); S_r = e^(S_r/√hd − m')
//	           α = e^(m_r − m'); l_r = l_r·α + Σ S_r; O_r *= α; m_r = m'
//	O_blk += S·V_blk                         (tileQ, hd)     GEMM, V read in place
//
// and finally O_r *= 1/l_r. Each head runs on one goroutine in this fixed
// order, so the output is bit-identical whatever the threads or the batch
// composition. It is not bit-identical to Forward (which normalises the
// full row of T scores at once): the exponentials are taken against running
// maxima and the sums are blockwise. The tests measure the difference: at
// most 1.3e-6 of the largest output at T = 916 (tolerance 4e-6).

// Tile sizes: tileQ is a multiple of every GEMM kernel's mr (6, 6, 4; bf16:
// 32, 12), tileK a multiple of every nr (64, 16, 8; bf16: 32), so that a
// key block is a whole number of K's packed panels.
const (
	tileQ = 96
	tileK = 256
)

// ForwardTiled is Forward with the tiled head kernel: x is (B, T, hidden),
// out is (B, T, hidden). Scratch per participant: about 3·T·hd + tileQ·
// (tileK + hd) floats instead of 4·T·hd + T².
func (a *Attention) ForwardTiled(out, x []float32, B, T int, ar *Arena) {
	c, o, u := ar.Mark()
	w := a.Heads * a.HeadDim
	qkv := ar.GetRaw(B * T * 3 * w)
	heads := ar.GetRaw(B * T * w)
	a.QKV.Forward(qkv, x, B*T)
	a.eachHead(headsTiled, heads, qkv, nil, B, T, ar)
	a.O.Forward(out, heads, B*T)
	ar.Release(c, o, u)
}

// tiledScratch is the scratch headTiled needs for sequences of T.
func (a *Attention) tiledScratch(T int) int {
	hd := a.HeadDim
	kn := activeKernel.Load()
	return 3*T*hd + kn.panelFloats(T, hd) + tileQ*tileK + tileQ*hd + 4*tileQ
}

// headTiled computes one head of one sequence into its columns of heads
// (B, T, w), tile by tile; buf holds tiledScratch(T) floats.
func (a *Attention) headTiled(heads, qkv []float32, b, h, T int, buf []float32) {
	hd := a.HeadDim
	kn := activeKernel.Load()
	n := T * hd
	q, k, v := buf[:n], buf[n:2*n], buf[2*n:3*n]
	buf = buf[3*n:]
	kp := buf[:kn.panelFloats(T, hd)] // Kᵀ (hd, T) packed in kn's panels
	buf = buf[len(kp):]
	a.gather(q, k, v, qkv, b, h, T)
	packPanelsT(kp, k, T, hd, kn)
	a.tileLoop(heads, b, h, T, buf,
		func(st []float32, q0, br, k0, bc int) {
			scoresTile(st, q[q0*hd:(q0+br)*hd], br, kp[k0*hd:], bc, hd, kn)
		},
		func(ob, st []float32, br, k0, bc int) {
			// O_blk (+)= S·V_blk: the first key block overwrites.
			matMulNN(ob, st, v[k0*hd:(k0+bc)*hd], br, hd, bc, k0 > 0)
		})
}

// tileLoop is the loop headTiled and headTiledBF16 share: for each query
// block and key block, scores fills S (br, bc) for queries q0… and keys
// k0…, the online softmax turns it into probabilities against running
// maxima (m, l), and pv adds P·V_blk into ob (br, hd), overwriting when
// k0 = 0; each finished query block is normalised by 1/l and copied to its
// columns of heads (B, T, w). buf holds tileQ·(tileK + hd) + 4·tileQ floats
// (S, O and the row state). The two callers differ only in the products.
func (a *Attention) tileLoop(heads []float32, b, h, T int, buf []float32,
	scores func(st []float32, q0, br, k0, bc int), pv func(ob, st []float32, br, k0, bc int)) {
	hd, w := a.HeadDim, a.Heads*a.HeadDim
	s := buf[:tileQ*tileK]
	ob := buf[tileQ*tileK : tileQ*tileK+tileQ*hd]
	rowState := buf[tileQ*tileK+tileQ*hd : tileQ*tileK+tileQ*hd+4*tileQ]
	m, l := rowState[:tileQ], rowState[tileQ:2*tileQ] // running max and sum per query row
	mNew, sums := rowState[2*tileQ:3*tileQ], rowState[3*tileQ:]
	scale := a.scale()
	vec := vecImpl
	negInf := float32(math.Inf(-1))
	for q0 := 0; q0 < T; q0 += tileQ {
		br := min(tileQ, T-q0)
		for r := 0; r < br; r++ {
			m[r], l[r] = negInf, 0
		}
		for k0 := 0; k0 < T; k0 += tileK {
			bc := min(tileK, T-k0)
			st := s[:br*bc]
			scores(st, q0, br, k0, bc)
			vec.onlineSoftmax(st, br, bc, scale, m[:br], mNew[:br], sums[:br])
			for r := 0; r < br; r++ {
				if k0 == 0 {
					l[r] = sums[r]
				} else {
					alpha := exp32(m[r] - mNew[r])
					l[r] = float32(l[r]*alpha) + sums[r]
					vec.scale(ob[r*hd:(r+1)*hd], alpha)
				}
				m[r] = mNew[r]
			}
			pv(ob[:br*hd], st, br, k0, bc)
		}
		for r := 0; r < br; r++ {
			orow := ob[r*hd : (r+1)*hd]
			vec.scale(orow, 1/l[r])
			t := q0 + r
			copy(heads[(b*T+t)*w+h*hd:(b*T+t)*w+(h+1)*hd], orow)
		}
	}
}

// scoresTile computes S (br, bc) = Q_blk (br, hd) · Kᵀ for the bc keys whose
// packed panels start at kp (a key block starting on a panel boundary).
func scoresTile(s, q []float32, br int, kp []float32, bc, hd int, kn *gemmKernel) {
	j := getJob(kn, s, q, br, bc, hd, false)
	j.b = kp
	gemmRun(j)
	putJob(j)
}
