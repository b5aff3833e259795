package nn

import (
	"sync"
	"sync/atomic"
)

// rowJob is a loop over independent rows that parallelRows splits between
// the caller and idle pool helpers (pool.go), the same goroutines the GEMMs
// use, so that an elementwise pass right after a product finds them awake.
// fn is a plain function (not a closure) and jobs come from a pool, so a
// parallel loop allocates nothing.
type rowJob struct {
	fn         func(j *rowJob, lo, hi int)
	a, b, c, d []float32
	n          int
	eps        float32
	rope       *RoPE
	u          []uint16    // bf16 values (packed or transposed output, kept gate_up input)
	k          int         // a second size (B's rows, a row stride, columns)
	kn         *bf16Kernel // the bf16 kernel whose layout or rounding is used

	rows, parts int          // rows split into parts contiguous ranges
	next        atomic.Int64 // next range to take
	joiner
}

var rowJobs = sync.Pool{New: func() any { return &rowJob{joiner: newJoiner()} }}

// newRowJob takes a job from the pool.
func newRowJob(fn func(j *rowJob, lo, hi int), n int, a, b, c, d []float32) *rowJob {
	j := rowJobs.Get().(*rowJob)
	j.fn, j.n, j.a, j.b, j.c, j.d = fn, n, a, b, c, d
	return j
}

// free returns the job to the pool without keeping its slices alive.
func (j *rowJob) free() {
	j.a, j.b, j.c, j.d, j.rope, j.u, j.kn = nil, nil, nil, nil, nil, nil, nil
	rowJobs.Put(j)
}

// run takes row ranges until none is left.
func (j *rowJob) run() {
	for {
		p := int(j.next.Add(1) - 1)
		if p >= j.parts {
			return
		}
		j.fn(j, j.rows*p/j.parts, j.rows*(p+1)/j.parts)
	}
}

// parallelRows runs j over rows [0, rows) split into one contiguous range
// per GEMM thread (fewer when there are fewer than minRows rows per range),
// taken by the caller and idle pool helpers. Rows must be independent, so
// the result does not depend on the split or on who computes which range.
func parallelRows(rows, minRows int, j *rowJob) {
	workers := min(Threads(), max(rows/max(minRows, 1), 1))
	if workers <= 1 {
		j.fn(j, 0, rows)
		return
	}
	j.rows, j.parts = rows, workers
	j.next.Store(0)
	shareJob(j, workers-1)
}
