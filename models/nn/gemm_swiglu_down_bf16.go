package nn

import (
	"sync"
	"sync/atomic"
)

// The bf16 SwiGLU sublayer per block of rows, as MatMulSwiGLUDown is for
// float32: x = x̂(RMSNorm(x̂(x + swiglu(x)))) where a task runs, on its own
// goroutine, MatMulSwiGLUBF16 over its mc rows into a scratch h block (in
// L2) and then MatMulAddRMSNormBF16 over the same rows, instead of the two
// products over all rows with h through memory. Rows are independent in
// both products and the task runs their own kernels, so x gets the bits of
// the unfused pair for any threads or batch (TestSwiGLUBF16FusedResidual).
//
// Shapes: Sudoku mlp_t x (B·512, 97), h blocks (96, 512).

// fusesDown reports whether ForwardResidual runs rows per row block: the
// kernel's full row blocks fit swigluDownMaxH and there are at least 4 of
// them per thread.
func (s *SwiGLUBF16) fusesDown(rows int) bool {
	kn := s.gateUp.w.kern
	if s.down.kern != kn || s.Hidden == 0 || s.Inter == 0 || kn.mc*s.Inter > swigluDownMaxH {
		return false
	}
	return (rows+kn.mc-1)/kn.mc >= 4*Threads()
}

// forwardResidualFused is ForwardResidual per row block (see above); gu
// and r, when non-nil, keep the gate_up output and the norm factors
// (forwardResidualTrain).
func (s *SwiGLUBF16) forwardResidualFused(x []float32, rows int, eps float32, gu []uint16, r []float32) {
	j := swigluDownBF16Jobs.Get().(*swigluDownBF16Job)
	j.s, j.x, j.rows, j.eps, j.gu, j.r = s, x, rows, eps, gu, r
	j.mc = s.gateUp.w.kern.mc
	j.tm = (rows + j.mc - 1) / j.mc
	j.next.Store(0)
	if helpers := min(Threads(), j.tm) - 1; helpers > 0 {
		shareJob(j, helpers)
	} else {
		j.run()
	}
	j.s, j.x, j.gu, j.r = nil, nil, nil, nil
	swigluDownBF16Jobs.Put(j)
}

// swigluDownBF16Job is one forwardResidualFused split into tasks of mc rows.
type swigluDownBF16Job struct {
	s      *SwiGLUBF16
	x      []float32
	gu     []uint16  // or nil: the gate_up output kept, in bf16
	r      []float32 // or nil: the norm factors kept
	rows   int
	eps    float32
	mc, tm int
	next   atomic.Int64
	joiner
}

var swigluDownBF16Jobs = sync.Pool{New: func() any { return &swigluDownBF16Job{joiner: newJoiner()} }}

func (j *swigluDownBF16Job) run() {
	h := getBuf(j.mc * j.s.Inter)
	for {
		t := j.next.Add(1) - 1
		if t >= int64(j.tm) {
			break
		}
		j.task(int(t), h.s)
	}
	bufPool.Put(h)
}

// task runs rows [i0, i1) through both products on this goroutine.
func (j *swigluDownBF16Job) task(t int, h []float32) {
	s, D, I := j.s, j.s.Hidden, j.s.Inter
	i0 := t * j.mc
	n := min(j.rows, i0+j.mc) - i0
	x, hb := j.x[i0*D:(i0+n)*D], h[:n*I]
	sw, res := swigluBF16Out{h: hb, inter: I}, residBF16Out{h: x, eps: j.eps}
	if j.gu != nil {
		sw.gu = j.gu[i0*2*I : (i0+n)*2*I]
	}
	if j.r != nil {
		res.r = j.r[i0 : i0+n]
	}
	w, d := s.gateUp.w, s.down
	matMulBF16RunOn(1, nil, x, n, w.N, w.K, w.data, w.kern.nr*w.kp, 0, false, w.kern, false, sw, residBF16Out{})
	matMulBF16RunOn(1, nil, hb, n, d.N, d.K, d.data, d.kern.nr*d.kp, 0, false, d.kern, false, swigluBF16Out{}, res)
}
