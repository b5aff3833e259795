package nn

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// The SwiGLU gate fused into the gate_up GEMM: h = silu(x·W_gᵀ)·(x·W_uᵀ)
// without writing the gate_up output [g | u] (rows, 2·inter) to memory. The
// weight's columns are regrouped so that gate columns [c, c+swigluGroup) and
// the up columns with the same indices are adjacent panels; a task computes
// a rows × (2·swigluGroup) block of [g | u] into its goroutine's scratch (it
// stays in L1/L2) and writes the gated swigluGroup columns of h. Every g and
// u element is the chain MatMulPacked computes with the same kernel, and the
// gate is SiLUMul, so h has the bits of
//
//	MatMulPacked(gu, x, rows, PackT(gateUp, 2·inter, hidden), false)
//	SwiGLUGate(h, gu, rows, inter)
//
// (TestMatMulSwiGLU), for any threads or batch size.
//
// Shapes: Sudoku x (8·97, 512) → h (8·97, 1536); mlp_t x (8·512, 97) →
// h (8·512, 512); Maze/ARC x (B·916, 512) → h (B·916, 1536).

// swigluGroup is the number of gate (and up) columns a task gates together:
// a multiple of every kernel's nr, half of a task's nc.
const swigluGroup = 128

// PackedSwiGLU is a gate_up weight packed for MatMulSwiGLU.
type PackedSwiGLU struct {
	Hidden, Inter int
	groups        int     // ⌈inter/swigluGroup⌉
	w             *Packed // (hidden, 2·groups·swigluGroup): per group, its gate then its up columns, zero padded
}

// PackSwiGLU packs the official gate_up_proj weight (2·inter, hidden) —
// rows [0, inter) the gate, [inter, 2·inter) the up projection — for the
// active GEMM kernel.
func PackSwiGLU(gateUp []float32, inter, hidden int) *PackedSwiGLU {
	if len(gateUp) != 2*inter*hidden {
		panic(fmt.Sprintf("nn.PackSwiGLU: len(gateUp) = %d, want 2×%d×%d", len(gateUp), inter, hidden))
	}
	groups := (inter + swigluGroup - 1) / swigluGroup
	p := &PackedSwiGLU{Hidden: hidden, Inter: inter, groups: groups}
	p.w = PackT(p.regroup(gateUp), 2*groups*swigluGroup, hidden)
	return p
}

// Repack refreshes p from gateUp (2·inter, hidden), the layout PackSwiGLU
// took, keeping its kernel: the regrouped rows are read in place, the
// panels split over the GEMM threads.
func (p *PackedSwiGLU) Repack(gateUp []float32) {
	if len(gateUp) != 2*p.Inter*p.Hidden {
		panic(fmt.Sprintf("nn.PackedSwiGLU.Repack: len(gateUp) = %d, want 2×%d×%d", len(gateUp), p.Inter, p.Hidden))
	}
	packRowsParallel(p.w.data, 2*p.groups*swigluGroup, p.Hidden, p.w.kern, func(j int) []float32 { return p.regroupedRow(gateUp, j) })
}

// regroup returns W' (2·groups·swigluGroup, hidden): for group g, the gate
// rows g·G… then the up rows g·G…, zero rows past inter.
func (p *PackedSwiGLU) regroup(gateUp []float32) []float32 {
	D := p.Hidden
	w := make([]float32, 2*p.groups*swigluGroup*D)
	for j := range 2 * p.groups * swigluGroup {
		if r := p.regroupedRow(gateUp, j); r != nil {
			copy(w[j*D:(j+1)*D], r)
		}
	}
	return w
}

// regroupedRow is row j of regroup's W', read in gateUp: for group
// g = j / 2G and r = j mod 2G, gate row g·G + r (r < G) or up row
// inter + g·G + r − G; nil (a zero row) past inter.
func (p *PackedSwiGLU) regroupedRow(gateUp []float32, j int) []float32 {
	const G = swigluGroup
	g, r := j/(2*G), j%(2*G)
	if g*G+r%G >= p.Inter {
		return nil
	}
	src := g*G + r
	if r >= G {
		src = p.Inter + g*G + r - G
	}
	return gateUp[src*p.Hidden : (src+1)*p.Hidden]
}

// MatMulSwiGLU computes h (rows, inter) = silu(g)·u for [g | u] = x·W_gate_upᵀ,
// x (rows, hidden), without materialising [g | u].
func MatMulSwiGLU(h, x []float32, rows int, p *PackedSwiGLU) {
	if len(x) < rows*p.Hidden || len(h) < rows*p.Inter {
		panic(fmt.Sprintf("nn.MatMulSwiGLU: x %d / h %d values for rows=%d, hidden=%d, inter=%d", len(x), len(h), rows, p.Hidden, p.Inter))
	}
	matMulSwiGLU(h, nil, x, rows, p)
}

// MatMulSwiGLUKeep is MatMulSwiGLU that also writes the gate_up output gu
// (rows, 2·inter) = [g | u], which SwiGLU.Backward needs, with the bits of
// the unfused pair above: each task copies its [g | u] block out of its
// scratch while it is in cache, instead of the GEMM writing gu and the gate
// reading it back.
//
// Shapes: Sudoku training x (16·97, 512) → h (16·97, 1536), gu (16·97,
// 2·1536).
func MatMulSwiGLUKeep(h, gu, x []float32, rows int, p *PackedSwiGLU) {
	if len(x) < rows*p.Hidden || len(h) < rows*p.Inter || len(gu) < rows*2*p.Inter {
		panic(fmt.Sprintf("nn.MatMulSwiGLUKeep: x %d / h %d / gu %d values for rows=%d, hidden=%d, inter=%d", len(x), len(h), len(gu), rows, p.Hidden, p.Inter))
	}
	matMulSwiGLU(h, gu, x, rows, p)
}

// matMulSwiGLU runs the fused product's tasks; gu, when not nil, receives
// [g | u].
func matMulSwiGLU(h, gu, x []float32, rows int, p *PackedSwiGLU) {
	if rows == 0 || p.Inter == 0 {
		return
	}
	kn := p.w.kern
	j := swigluJobs.Get().(*swigluJob)
	j.p, j.h, j.gu, j.x, j.rows = p, h, gu, x, rows
	threads := 1
	if 4*float64(rows)*float64(p.Inter)*float64(p.Hidden) >= minParallelFlops {
		threads = Threads()
	}
	// Row blocks of mc, halved while there are fewer than 4 tasks a thread.
	j.mc = kn.mc
	for threads > 1 && (rows+j.mc-1)/j.mc*p.groups < 4*threads && j.mc >= 4*kn.mr && rows > j.mc/2 {
		j.mc = (j.mc/2 + kn.mr - 1) / kn.mr * kn.mr
	}
	j.tm = (rows + j.mc - 1) / j.mc
	j.next.Store(0)
	if helpers := min(threads, j.tm*p.groups) - 1; helpers > 0 {
		shareJob(j, helpers)
	} else {
		j.run()
	}
	j.p, j.h, j.gu, j.x = nil, nil, nil, nil
	swigluJobs.Put(j)
}

// swigluJob is one MatMulSwiGLU split into tasks of mc rows × one group.
type swigluJob struct {
	p      *PackedSwiGLU
	h, x   []float32
	gu     []float32 // [g | u] (rows, 2·inter) when kept (MatMulSwiGLUKeep), else nil
	rows   int
	mc, tm int
	next   atomic.Int64
	joiner
}

var swigluJobs = sync.Pool{New: func() any { return &swigluJob{joiner: newJoiner()} }}

// swigluScratch is one goroutine's [g | u] block (mc × 2·swigluGroup) and
// zero-padded copy of A's last rows.
type swigluScratch struct{ c, a []float32 }

var swigluScratchPool = sync.Pool{New: func() any { return new(swigluScratch) }}

// getSwigluScratch returns a pooled scratch for tasks of mc ≤ kn.mc rows.
func getSwigluScratch(kn *gemmKernel, mc int) *swigluScratch {
	s := swigluScratchPool.Get().(*swigluScratch)
	if len(s.c) < mc*2*swigluGroup {
		s.c = alignedFloats(kn.mc * 2 * swigluGroup)
	}
	if len(s.a) < kn.mr*kn.kc {
		s.a = alignedFloats(kn.mr * kn.kc)
	}
	return s
}

func (j *swigluJob) run() {
	s := getSwigluScratch(j.p.w.kern, j.mc)
	total := int64(j.tm * j.p.groups)
	for {
		t := j.next.Add(1) - 1
		if t >= total {
			break
		}
		j.task(int(t), s)
	}
	swigluScratchPool.Put(s)
}

// task computes rows [i0, i1) of group g: [g | u] into s.c (row stride
// 2·swigluGroup), then the gated columns of h (and the group's columns of
// gu when kept).
func (j *swigluJob) task(t int, s *swigluScratch) {
	const G = swigluGroup
	p := j.p
	kn, w := p.w.kern, p.w
	mr, nr := kn.mr, kn.nr
	g := t % p.groups
	i0 := t / p.groups * j.mc
	i1 := min(j.rows, i0+j.mc)
	iFull := i0 + (i1-i0)/mr*mr
	D := p.Hidden
	const ldc = 2 * G
	q0 := 2 * g * G / nr // first panel of the group: its gate, then its up columns
	for pc := 0; pc < D; pc += kn.kc {
		kc := min(kn.kc, D-pc)
		load := pc > 0
		var at []float32 // the last i1-iFull rows of x, zero padded to mr
		if iFull < i1 {
			at = s.a[:mr*kc]
			for r := 0; r < i1-iFull; r++ {
				copy(at[r*kc:(r+1)*kc], j.x[(iFull+r)*D+pc:(iFull+r)*D+pc+kc])
			}
			clear(at[(i1-iFull)*kc:])
		}
		for q := 0; q < 2*G/nr; q++ {
			bp := w.data[(q0+q)*nr*D+pc*nr:]
			for i := i0; i < iFull; i += mr {
				kn.micro(kc, j.x[i*D+pc:], D, bp, nr, s.c[(i-i0)*ldc+q*nr:], ldc, load)
			}
			if iFull < i1 {
				kn.micro(kc, at, kc, bp, nr, s.c[(iFull-i0)*ldc+q*nr:], ldc, load)
			}
		}
	}
	I := p.Inter
	cols := min(G, I-g*G)
	for r := i0; r < i1; r++ {
		blk := s.c[(r-i0)*ldc : (r-i0+1)*ldc]
		if j.gu != nil {
			row := j.gu[r*2*I : (r+1)*2*I]
			copy(row[g*G:g*G+cols], blk[:cols])
			copy(row[I+g*G:I+g*G+cols], blk[G:G+cols])
		}
		vecImpl.siluMul(j.h[r*I+g*G:r*I+g*G+cols], blk[:cols], blk[G:G+cols])
	}
}
