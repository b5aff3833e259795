package nn

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
)

// Attention is the official non-causal multi-head self-attention: a fused
// QKV projection whose output rows are [Q heads | K heads | V heads], each
// head HeadDim wide; RoPE on Q and K; softmax(Q·Kᵀ/√HeadDim)·V per head;
// heads concatenated (head-major) and projected by O.
type Attention struct {
	Hidden, Heads, HeadDim int
	QKV                    *Linear // hidden → 3·heads·headDim
	O                      *Linear // heads·headDim → hidden
	Rope                   *RoPE   // nil: no positional encoding
}

// NewAttention builds the layer from qkv_proj (3·heads·headDim, hidden) and
// o_proj (hidden, heads·headDim) weights.
func NewAttention(qkv, o []float32, hidden, heads, headDim int, rope *RoPE) *Attention {
	if rope != nil && rope.Dim != headDim {
		panic(fmt.Sprintf("nn.NewAttention: RoPE dim %d, head dim %d", rope.Dim, headDim))
	}
	w := heads * headDim
	return &Attention{Hidden: hidden, Heads: heads, HeadDim: headDim,
		QKV: NewLinear(qkv, 3*w, hidden, nil), O: NewLinear(o, hidden, w, nil), Rope: rope}
}

// Forward: x is (B, T, hidden), out is (B, T, hidden). Heads run on
// parallel goroutines (each head's result is independent of the others, so
// the output does not depend on the number of goroutines).
func (a *Attention) Forward(out, x []float32, B, T int, ar *Arena) {
	c, o, u := ar.Mark()
	w := a.Heads * a.HeadDim
	qkv := ar.GetRaw(B * T * 3 * w) // (B, T, 3w)
	heads := ar.GetRaw(B * T * w)   // (B, T, w) concatenated head outputs
	a.QKV.Forward(qkv, x, B*T)
	if a.Rope != nil { // rotate Q and K in place, rows in parallel; the heads read them as they are
		j := newRowJob(ropeQKRows, a.Heads, qkv, nil, nil, nil)
		j.rope = a.Rope
		parallelRows(B*T, 64, j)
		j.free()
	}
	a.eachHead(headsInPlace, heads, qkv, nil, B, T, ar)
	a.O.Forward(out, heads, B*T)
	ar.Release(c, o, u)
}

// ropeQKRows is RoPE.ApplyQK on rows [lo, hi): a = qkv, n = heads.
func ropeQKRows(j *rowJob, lo, hi int) { j.rope.ApplyQK(j.a, lo, hi, j.n) }

// forward computes the layer into out, leaving the qkv projection (B, T, 3w,
// before RoPE: Backward recomputes the heads from it) and the concatenated
// head outputs (B, T, w) in the buffers given.
func (a *Attention) forward(out, x, qkv, heads []float32, B, T int, ar *Arena) {
	a.QKV.Forward(qkv, x, B*T)
	a.eachHead(headsForward, heads, qkv, nil, B, T, ar)
	a.O.Forward(out, heads, B*T)
}

// headMode selects what eachHead runs for each head.
type headMode int

const (
	headsForward   headMode = iota // headBlocked(p0 = heads, p1 = qkv)
	headsInPlace                   // headBlocked reading Q, K in place (rotated already: Forward)
	headsBackward                  // headBackward(p0 = dqkv, p1 = qkv, p2 = dheads)
	headsTiled                     // headTiled(p0 = heads, p1 = qkv)
	headsTiledBF16                 // headTiledBF16(p0 = heads, p1 = qkv)
)

// eachHead runs every (sequence b, head h) job of B sequences on the caller
// and idle pool helpers (pool.go; no goroutine is started per call), each
// participant with its own scratch from ar, running the head function of
// mode. Heads are independent, so the results do not depend on the number
// of participants. (No function values: the step loop must not allocate.)
func (a *Attention) eachHead(mode headMode, p0, p1, p2 []float32, B, T int, ar *Arena) {
	c, o, u := ar.Mark()
	var scratchLen int
	switch mode {
	case headsForward, headsInPlace:
		scratchLen = a.blockedScratch(T)
	case headsBackward:
		scratchLen = 7*T*a.HeadDim + 2*T*T
	case headsTiled:
		scratchLen = a.tiledScratch(T)
	case headsTiledBF16:
		scratchLen = a.tiledScratchBF16(T)
	}
	jobs := B * a.Heads
	workers := min(Threads(), jobs)
	// Participant i's scratch is the i-th scratchLen floats.
	j := headJobs.Get().(*headJob)
	j.a, j.mode, j.p0, j.p1, j.p2, j.T = a, mode, p0, p1, p2, T
	j.scratch, j.scratchLen, j.jobs = ar.GetRaw(workers*scratchLen), scratchLen, jobs
	j.next.Store(0)
	j.slot.Store(0)
	if workers == 1 {
		j.run()
	} else {
		shareJob(j, workers-1)
	}
	j.a, j.p0, j.p1, j.p2, j.scratch = nil, nil, nil, nil, nil
	headJobs.Put(j)
	ar.Release(c, o, u)
}

// headJob is the heads of one attention call, shared through the pool.
type headJob struct {
	a          *Attention
	mode       headMode
	p0, p1, p2 []float32
	T          int
	scratch    []float32
	scratchLen int
	jobs       int
	next, slot atomic.Int64 // next (sequence, head) job; next participant's scratch
	joiner
}

var headJobs = sync.Pool{New: func() any { return &headJob{joiner: newJoiner()} }}

// run takes (sequence, head) jobs until none is left. A head's GEMMs may
// borrow idle pool helpers; their results do not depend on it.
func (j *headJob) run() {
	s := int(j.slot.Add(1) - 1)
	buf := j.scratch[s*j.scratchLen : (s+1)*j.scratchLen]
	a := j.a
	for i := int(j.next.Add(1)) - 1; i < j.jobs; i = int(j.next.Add(1)) - 1 {
		switch j.mode {
		case headsForward, headsInPlace:
			a.headBlocked(j.p0, j.p1, i/a.Heads, i%a.Heads, j.T, j.mode == headsInPlace, buf)
		case headsBackward:
			a.headBackward(j.p0, j.p1, j.p2, i/a.Heads, i%a.Heads, j.T, buf)
		case headsTiled:
			a.headTiled(j.p0, j.p1, i/a.Heads, i%a.Heads, j.T, buf)
		case headsTiledBF16:
			a.headTiledBF16(j.p0, j.p1, i/a.Heads, i%a.Heads, j.T, buf)
		}
	}
}

// head computes one head of one sequence: softmax(Q·Kᵀ/√hd)·V (see
// headProbs), written into its columns of heads (B, T, w). buf holds
// 4·T·hd + T² floats. It is the plain reference of headBlocked (the
// forward kernel: the same bits in query blocks, without the copies).
func (a *Attention) head(heads, qkv []float32, b, h, T int, buf []float32) {
	hd, w := a.HeadDim, a.Heads*a.HeadDim
	n := T * hd
	q, k, v, ho := buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n]
	scores := buf[4*n : 4*n+T*T]
	a.headProbs(scores, q, k, v, qkv, b, h, T)
	MatMulNN(ho, scores, v, T, hd, T)
	for t := 0; t < T; t++ {
		copy(heads[(b*T+t)*w+h*hd:(b*T+t)*w+(h+1)*hd], ho[t*hd:(t+1)*hd])
	}
}

// headProbs gathers head h's Q, K, V (T, hd) of sequence b from the fused
// qkv (B, T, 3w), applies RoPE to Q and K, and writes the attention
// probabilities p (T, T) = softmax(Q·Kᵀ/√hd). The forward pass and the
// backward pass's recomputation share it, so they get the same bits.
func (a *Attention) headProbs(p, q, k, v, qkv []float32, b, h, T int) {
	a.gather(q, k, v, qkv, b, h, T)
	hd := a.HeadDim
	MatMulNT(p, q, k, T, T, hd)
	Scale(p, a.scale())
	Softmax(p, T, T)
}

// gather copies head h's Q, K, V (T, hd) of sequence b out of the fused qkv
// (B, T, 3w) and applies RoPE to Q and K.
func (a *Attention) gather(q, k, v, qkv []float32, b, h, T int) {
	hd, w := a.HeadDim, a.Heads*a.HeadDim
	base := qkv[b*T*3*w : (b+1)*T*3*w]
	for t := 0; t < T; t++ {
		row := base[t*3*w:]
		copy(q[t*hd:(t+1)*hd], row[h*hd:(h+1)*hd])
		copy(k[t*hd:(t+1)*hd], row[w+h*hd:w+(h+1)*hd])
		copy(v[t*hd:(t+1)*hd], row[2*w+h*hd:2*w+(h+1)*hd])
	}
	if a.Rope != nil {
		a.Rope.Apply(q, hd)
		a.Rope.Apply(k, hd)
	}
}

// scale is the score factor 1/√HeadDim.
func (a *Attention) scale() float32 { return float32(1 / math.Sqrt(float64(a.HeadDim))) }
