package nn

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// The whole SwiGLU block per block of rows: out = h·W_downᵀ with
// h = silu(x·W_gᵀ)·(x·W_uᵀ), where a task computes the h of its mc rows
// into its own scratch (mc × inter, in L2) with MatMulSwiGLU's task and
// then its mc rows of out with MatMulPacked's task reading that scratch.
// h never goes to memory and back: on the Sudoku mlp_t mixer (inter 512,
// B·512 rows) the two products were bound by writing and re-reading h
// (8 MiB at batch 8). Every micro-kernel call is the one of
// MatMulSwiGLU then MatMulPacked (same K blocks, same chains), so out has
// their bits for any threads or batch (TestMatMulSwiGLUDown).
//
// Shapes: Sudoku mlp_t x (B·512, 97) → h (B·512, 512) in blocks of 96
// rows → out (B·512, 97).

// swigluDownMaxH bounds a task's h block: 64 Ki floats (256 KiB, a quarter
// of this machine's L2), which admits the kernel's full mc rows at
// inter ≤ 512 (mc 96 on AVX-512).
const swigluDownMaxH = 64 << 10

// FusesDown reports whether MatMulSwiGLUDown runs rows of this block well:
// the kernel's full row blocks fit swigluDownMaxH and there are at least 4
// of them per thread (else the unfused pair splits the work more evenly).
func (p *PackedSwiGLU) FusesDown(rows int, down *Packed) bool {
	kn := p.w.kern
	if down == nil || down.kern != kn || down.K != p.Inter || down.N != p.Hidden || kn.mc*p.Inter > swigluDownMaxH {
		return false
	}
	return (rows+kn.mc-1)/kn.mc >= 4*Threads()
}

// MatMulSwiGLUDown computes out (rows, hidden) = (silu(x·W_gᵀ)·(x·W_uᵀ))·W_downᵀ
// for x (rows, hidden), down packed from down_proj (hidden, inter) by the
// same kernel as p. It has the bits of MatMulSwiGLU into h and then
// MatMulPacked(out, h, rows, down, false).
func MatMulSwiGLUDown(out, x []float32, rows int, p *PackedSwiGLU, down *Packed) {
	if len(x) < rows*p.Hidden || len(out) < rows*p.Hidden {
		panic(fmt.Sprintf("nn.MatMulSwiGLUDown: x %d / out %d values for rows=%d, hidden=%d", len(x), len(out), rows, p.Hidden))
	}
	if down.kern != p.w.kern || down.K != p.Inter || down.N != p.Hidden {
		panic(fmt.Sprintf("nn.MatMulSwiGLUDown: down (%d, %d) by kernel %s for a gate_up of inter %d, hidden %d by %s", down.N, down.K, down.kern.name, p.Inter, p.Hidden, p.w.kern.name))
	}
	if rows == 0 {
		return
	}
	kn := p.w.kern
	j := swigluDownJobs.Get().(*swigluDownJob)
	j.p, j.down, j.out, j.x, j.rows = p, down, out, x, rows
	j.mc = kn.mc
	j.tm = (rows + j.mc - 1) / j.mc
	j.next.Store(0)
	threads := 1
	if 2*float64(rows)*float64(p.Inter)*float64(3*p.Hidden) >= minParallelFlops {
		threads = Threads()
	}
	if helpers := min(threads, j.tm) - 1; helpers > 0 {
		shareJob(j, helpers)
	} else {
		j.run()
	}
	j.p, j.down, j.out, j.x = nil, nil, nil, nil
	swigluDownJobs.Put(j)
}

// swigluDownJob is one MatMulSwiGLUDown split into tasks of mc rows.
type swigluDownJob struct {
	p      *PackedSwiGLU
	down   *Packed
	out, x []float32
	rows   int
	mc, tm int
	next   atomic.Int64
	joiner
}

var swigluDownJobs = sync.Pool{New: func() any { return &swigluDownJob{joiner: newJoiner()} }}

func (j *swigluDownJob) run() {
	kn := j.p.w.kern
	s := getSwigluScratch(kn, j.mc)
	gs := getGemmScratch(kn)
	h := getBuf(j.mc * j.p.Inter)
	for {
		t := j.next.Add(1) - 1
		if t >= int64(j.tm) {
			break
		}
		j.task(int(t), s, gs, h.s)
	}
	bufPool.Put(h)
	scratchPool.Put(gs)
	swigluScratchPool.Put(s)
}

// task computes rows [i0, i1) of out: their h into h (row stride inter),
// group by group as MatMulSwiGLU's tasks do, then the down product over
// them as one MatMulPacked task.
func (j *swigluDownJob) task(t int, s *swigluScratch, gs *gemmScratch, h []float32) {
	p, D := j.p, j.p.Hidden
	i0 := t * j.mc
	n := min(j.rows, i0+j.mc) - i0
	gate := swigluJob{p: p, h: h, x: j.x[i0*D:], rows: n, mc: j.mc}
	for g := range p.groups {
		gate.task(g, s)
	}
	down := gemmJob{kern: p.w.kern, c: j.out[i0*D:], a: h, ldc: D, lda: p.Inter,
		m: n, n: D, k: p.Inter, b: j.down.data, ldb: D,
		tm: 1, tn: 1, mc: j.mc, ncq: panelsOf(D, p.w.kern.nr)}
	down.task(0, gs)
}
