package nn

import (
	"runtime"
	"sync"
)

// rowJob is a loop over independent rows that parallelRows splits between
// the caller and helper goroutines. run is a plain function (not a closure)
// and jobs come from a pool, so a parallel loop allocates nothing.
type rowJob struct {
	run        func(j *rowJob, lo, hi int)
	a, b, c, d []float32
	n          int
	eps        float32
	wg         sync.WaitGroup
}

var rowJobs = sync.Pool{New: func() any { return new(rowJob) }}

// newRowJob takes a job from the pool.
func newRowJob(run func(j *rowJob, lo, hi int), n int, a, b, c, d []float32) *rowJob {
	j := rowJobs.Get().(*rowJob)
	j.run, j.n, j.a, j.b, j.c, j.d = run, n, a, b, c, d
	return j
}

// free returns the job to the pool without keeping its slices alive.
func (j *rowJob) free() {
	j.a, j.b, j.c, j.d = nil, nil, nil, nil
	rowJobs.Put(j)
}

type rowTask struct {
	j      *rowJob
	lo, hi int
}

var rowHelpers struct {
	once sync.Once
	ch   chan rowTask
}

// parallelRows runs j over rows [0, rows) split into one contiguous range
// per GEMM thread (fewer when there are fewer than minRows rows per range):
// the caller takes the first range, helpers the others. Rows must be
// independent, so the result does not depend on the split.
func parallelRows(rows, minRows int, j *rowJob) {
	workers := min(Threads(), max(rows/max(minRows, 1), 1))
	if workers <= 1 {
		j.run(j, 0, rows)
		return
	}
	rowHelpers.once.Do(func() {
		n := runtime.NumCPU()
		rowHelpers.ch = make(chan rowTask, 4*n)
		for range n {
			go func() {
				for t := range rowHelpers.ch {
					t.j.run(t.j, t.lo, t.hi)
					t.j.wg.Done()
				}
			}()
		}
	})
	j.wg.Add(workers - 1)
	for w := 1; w < workers; w++ {
		rowHelpers.ch <- rowTask{j, rows * w / workers, rows * (w + 1) / workers}
	}
	j.run(j, 0, rows/workers)
	j.wg.Wait()
}
