package nn

import (
	"fmt"
	"sync"
)

// MatMulSwiGLUKeep is MatMulSwiGLU that also writes the gate_up output gu
// (rows, 2·inter) = [g | u], which SwiGLU.Backward needs: h and gu get the
// bits of
//
//	MatMulPacked(gu, x, rows, PackT(gateUp, 2·inter, hidden), false)
//	SwiGLUGate(h, gu, rows, inter)
//
// (the unfused pair SwiGLU.ForwardTrain ran before), in one pass: each
// task's [g | u] block is copied out of its scratch and gated while it is
// in cache, instead of being written by the GEMM and read back by the gate.
//
// Shapes: Sudoku training x (16·97, 512) → h (16·97, 1536), gu (16·97,
// 2·1536).
func MatMulSwiGLUKeep(h, gu, x []float32, rows int, p *PackedSwiGLU) {
	if len(x) < rows*p.Hidden || len(h) < rows*p.Inter || len(gu) < rows*2*p.Inter {
		panic(fmt.Sprintf("nn.MatMulSwiGLUKeep: x %d / h %d / gu %d values for rows=%d, hidden=%d, inter=%d", len(x), len(h), len(gu), rows, p.Hidden, p.Inter))
	}
	if rows == 0 || p.Inter == 0 {
		return
	}
	kn := p.w.kern
	j := swigluJobs.Get().(*swigluJob)
	j.p, j.h, j.x, j.rows = p, h, x, rows
	threads := 1
	if 4*float64(rows)*float64(p.Inter)*float64(p.Hidden) >= minParallelFlops {
		threads = Threads()
	}
	// The task grid of MatMulSwiGLU (it changes no bit).
	j.mc = kn.mc
	for threads > 1 && (rows+j.mc-1)/j.mc*p.groups < 4*threads && j.mc >= 4*kn.mr && rows > j.mc/2 {
		j.mc = (j.mc/2 + kn.mr - 1) / kn.mr * kn.mr
	}
	j.tm = (rows + j.mc - 1) / j.mc
	j.next.Store(0)
	kj := keepJobs.Get().(*swigluKeepJob)
	kj.swigluJob, kj.gu = j, gu
	if helpers := min(threads, j.tm*p.groups) - 1; helpers > 0 {
		shareJob(kj, helpers)
	} else {
		kj.run()
	}
	kj.swigluJob, kj.gu = nil, nil
	keepJobs.Put(kj)
	j.p, j.h, j.x = nil, nil, nil
	swigluJobs.Put(j)
}

// swigluKeepJob runs a swigluJob's tasks, each also copying its [g | u]
// block into gu.
type swigluKeepJob struct {
	*swigluJob
	gu []float32
}

var keepJobs = sync.Pool{New: func() any { return new(swigluKeepJob) }}

func (kj *swigluKeepJob) run() {
	j := kj.swigluJob
	kn := j.p.w.kern
	s := swigluScratchPool.Get().(*swigluScratch)
	if len(s.c) < j.mc*2*swigluGroup {
		s.c = alignedFloats(kn.mc * 2 * swigluGroup)
	}
	if len(s.a) < kn.mr*kn.kc {
		s.a = alignedFloats(kn.mr * kn.kc)
	}
	total := int64(j.tm * j.p.groups)
	for {
		t := j.next.Add(1) - 1
		if t >= total {
			break
		}
		kj.task(int(t), s)
	}
	swigluScratchPool.Put(s)
}

// task is swigluJob.task (rows [i0, i1) of group g: [g | u] into s.c, row
// stride 2·swigluGroup, then the gated columns of h) that also copies the
// group's gate and up columns of each row into gu.
func (kj *swigluKeepJob) task(t int, s *swigluScratch) {
	const G = swigluGroup
	j := kj.swigluJob
	p := j.p
	kn, w := p.w.kern, p.w
	mr, nr := kn.mr, kn.nr
	g := t % p.groups
	i0 := t / p.groups * j.mc
	i1 := min(j.rows, i0+j.mc)
	iFull := i0 + (i1-i0)/mr*mr
	D := p.Hidden
	const ldc = 2 * G
	q0 := 2 * g * G / nr
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
		row := kj.gu[r*2*I : (r+1)*2*I]
		copy(row[g*G:g*G+cols], blk[:cols])
		copy(row[I+g*G:I+g*G+cols], blk[G:G+cols])
		vecImpl.siluMul(j.h[r*I+g*G:r*I+g*G+cols], blk[:cols], blk[G:G+cols])
	}
}
