package nn

import (
	"sync"
	"sync/atomic"
	"unsafe"
)

// The blocked GEMM driver, BLIS style: a micro-kernel computes an mr×nr tile
// of C from mr rows of A (read in place) and an nr-wide panel of B; the
// driver walks C in tasks of mc rows × nc columns, and the K dimension in
// blocks of kc so that the A rows and B panels of a task stay in L1/L2.
//
// Determinism. The micro-kernel keeps one multiply-add chain per element of
// C in increasing p: it starts from 0 (first K block, no accumulate) or from
// the value already in C, and stores the chain's value back. Because C holds
// float32 exactly as the registers do, splitting K into blocks does not
// change a single bit, and neither do the task grid, the number of threads or
// whether a tile is an edge tile (edges run the same kernel on zero-padded
// copies). c[i][j] therefore depends only on row i of A, column j of B and
// the kernel, never on m, n or GOMAXPROCS.

// gemmKernel is a register-tile micro-kernel and the blocking around it.
type gemmKernel struct {
	name   string
	mr, nr int // C tile per call: mr rows × nr columns; B panels are nr wide
	kc     int // K block
	mc, nc int // C block per task: mc rows (multiple of mr) × nc columns (multiple of nr)

	// micro computes, for i < mr and j < nr,
	//	c[i*ldc+j] = (load ? c[i*ldc+j] : 0) + Σ_{p<k} a[i*lda+p]·b[p*ldb+j]
	// as one multiply-add chain per element in increasing p.
	micro func(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, load bool)
}

var (
	// gemmKernels lists the kernels this build can run on this CPU, fastest
	// first; the pure-Go kernel is always last.
	gemmKernels = append(asmKernels(), kernelGo)
	// activeKernel packs new weights and runs MatMulNT/MatMulNN. Tests switch
	// it to run the conformance suite against every kernel.
	activeKernel = gemmKernels[0]
)

// minParallelFlops: products smaller than this run on the calling goroutine
// alone; waking a helper costs a few microseconds. (A variable so that tests
// can split small products too.)
var minParallelFlops = float64(1 << 22)

// alignedFloats returns n zeroed floats starting on a 64-byte boundary.
func alignedFloats(n int) []float32 {
	s := make([]float32, n+15)
	off := int(uintptr(unsafe.Pointer(&s[0]))%64) / 4
	if off != 0 {
		off = 16 - off
	}
	return s[off : off+n : off+n]
}

// panelsOf is the number of nr-wide panels covering n columns.
func panelsOf(n, nr int) int { return (n + nr - 1) / nr }

// packPanelsT packs B = Wᵀ from W (n, k) row-major into nr-wide panels:
// B[p][j] goes to dst[(j/nr)·nr·k + p·nr + j%nr]; columns past n are zero.
// dst holds panelsOf(n, nr)·nr·k floats.
func packPanelsT(dst, w []float32, n, k, nr int) {
	for j0 := 0; j0 < n; j0 += nr {
		panel := dst[j0*k : (j0+nr)*k]
		cols := min(nr, n-j0)
		jj := 0
		for ; jj+4 <= cols; jj += 4 {
			r0 := w[(j0+jj)*k : (j0+jj+1)*k]
			r1 := w[(j0+jj+1)*k : (j0+jj+2)*k]
			r2 := w[(j0+jj+2)*k : (j0+jj+3)*k]
			r3 := w[(j0+jj+3)*k : (j0+jj+4)*k]
			for p, v := range r0 {
				d := panel[p*nr+jj : p*nr+jj+4 : p*nr+jj+4]
				d[0], d[1], d[2], d[3] = v, r1[p], r2[p], r3[p]
			}
		}
		for ; jj < cols; jj++ {
			for p, v := range w[(j0+jj)*k : (j0+jj+1)*k] {
				panel[p*nr+jj] = v
			}
		}
		if cols < nr {
			for p := 0; p < k; p++ {
				clear(panel[p*nr+cols : (p+1)*nr])
			}
		}
	}
}

// packPanelNN copies columns j0.. (at most nr, zero padded) of B (k, n)
// row-major into one panel dst (k·nr floats).
func packPanelNN(dst, b []float32, k, n, j0, nr int) {
	cols := min(nr, n-j0)
	for p := 0; p < k; p++ {
		d := dst[p*nr : (p+1)*nr]
		copy(d, b[p*n+j0:p*n+j0+cols])
		clear(d[cols:])
	}
}

// gemmScratch is one goroutine's working memory: zero-padded copies of the
// last rows of A (when m is not a multiple of mr) and of an edge tile of C.
type gemmScratch struct {
	a, c []float32
}

var scratchPool = sync.Pool{New: func() any { return new(gemmScratch) }}

// floatBuf is a reusable buffer (packed B of MatMulNT/MatMulNN).
type floatBuf struct{ s []float32 }

var bufPool = sync.Pool{New: func() any { return new(floatBuf) }}

func getBuf(n int) *floatBuf {
	fb := bufPool.Get().(*floatBuf)
	if cap(fb.s) < n {
		fb.s = alignedFloats(n)
	}
	fb.s = fb.s[:n]
	return fb
}

// gemmJob is one product C (+)= A·B split into tasks.
type gemmJob struct {
	kern       *gemmKernel
	c, a       []float32
	ldc, lda   int
	m, n, k    int
	accumulate bool

	// B as panels: packed (b[q·nr·k + p·nr + jj]), or, for MatMulNN, in place
	// in a row-major (k, n) b with the last partial panel packed in tail.
	b      []float32
	inKN   bool
	tail   []float32
	nFullQ int // panels that are nr wide (in-place mode)

	tm, tn  int // task grid: tm row blocks × tn column blocks
	mc, ncq int // rows and panels per task
	next    atomic.Int64
	wg      sync.WaitGroup
}

var jobPool = sync.Pool{New: func() any { return new(gemmJob) }}

// getJob returns a pooled job for C (m, n) (+)= A (m, k)·B, both row-major
// and dense; the caller sets B.
func getJob(kn *gemmKernel, c, a []float32, m, n, k int, accumulate bool) *gemmJob {
	j := jobPool.Get().(*gemmJob)
	j.kern, j.c, j.a, j.ldc, j.lda = kn, c, a, n, k
	j.m, j.n, j.k, j.accumulate = m, n, k, accumulate
	j.b, j.inKN, j.tail, j.nFullQ = nil, false, nil, 0
	return j
}

// putJob drops the job's references to the caller's slices and pools it.
func putJob(j *gemmJob) {
	j.c, j.a, j.b, j.tail = nil, nil, nil, nil
	jobPool.Put(j)
}

// panel returns B panel q from row pc on and the stride between its rows.
func (j *gemmJob) panel(q, pc int) ([]float32, int) {
	nr := j.kern.nr
	if !j.inKN {
		return j.b[q*nr*j.k+pc*nr:], nr
	}
	if q >= j.nFullQ {
		return j.tail[pc*nr:], nr
	}
	return j.b[pc*j.n+q*nr:], j.n
}

// run takes tasks until none is left.
func (j *gemmJob) run() {
	s := scratchPool.Get().(*gemmScratch)
	kn := j.kern
	if len(s.a) < kn.mr*kn.kc {
		s.a = alignedFloats(kn.mr * kn.kc)
	}
	if len(s.c) < kn.mr*kn.nr {
		s.c = alignedFloats(kn.mr * kn.nr)
	}
	total := int64(j.tm * j.tn)
	for {
		t := j.next.Add(1) - 1
		if t >= total {
			break
		}
		j.task(int(t), s)
	}
	scratchPool.Put(s)
}

// task computes the C block of task t: rows [i0, i1) × panels [q0, q1).
func (j *gemmJob) task(t int, s *gemmScratch) {
	kn := j.kern
	mr, nr := kn.mr, kn.nr
	i0 := t / j.tn * j.mc
	i1 := min(j.m, i0+j.mc)
	q0 := t % j.tn * j.ncq
	q1 := min(panelsOf(j.n, nr), q0+j.ncq)
	iFull := i0 + (i1-i0)/mr*mr
	lda, ldc := j.lda, j.ldc
	for pc := 0; pc < j.k; pc += kn.kc {
		kc := min(kn.kc, j.k-pc)
		load := j.accumulate || pc > 0
		var at []float32 // the last i1-iFull rows of A, zero padded to mr
		if iFull < i1 {
			at = s.a[:mr*kc]
			rows := i1 - iFull
			for r := 0; r < rows; r++ {
				copy(at[r*kc:(r+1)*kc], j.a[(iFull+r)*lda+pc:])
			}
			clear(at[rows*kc:])
		}
		for q := q0; q < q1; q++ {
			bp, ldb := j.panel(q, pc)
			c0 := q * nr
			cols := min(nr, j.n-c0)
			for i := i0; i < iFull; i += mr {
				if cols == nr {
					kn.micro(kc, j.a[i*lda+pc:], lda, bp, ldb, j.c[i*ldc+c0:], ldc, load)
				} else {
					j.edge(s, kc, j.a[i*lda+pc:], lda, bp, ldb, i, mr, c0, cols, load)
				}
			}
			if iFull < i1 {
				j.edge(s, kc, at, kc, bp, ldb, iFull, i1-iFull, c0, cols, load)
			}
		}
	}
}

// edge computes the rows × cols corner of a tile at (i, c0) through the
// scratch tile, running the same kernel as full tiles.
func (j *gemmJob) edge(s *gemmScratch, kc int, a []float32, lda int, bp []float32, ldb int, i, rows, c0, cols int, load bool) {
	nr := j.kern.nr
	tile := s.c[:j.kern.mr*nr]
	if load {
		for r := 0; r < rows; r++ {
			copy(tile[r*nr:r*nr+cols], j.c[(i+r)*j.ldc+c0:])
		}
	}
	j.kern.micro(kc, a, lda, bp, ldb, tile, nr, load)
	for r := 0; r < rows; r++ {
		copy(j.c[(i+r)*j.ldc+c0:(i+r)*j.ldc+c0+cols], tile[r*nr:])
	}
}

// gemmRun computes the job, on helper goroutines too when it is large.
func gemmRun(j *gemmJob) {
	kn := j.kern
	if j.k == 0 {
		if !j.accumulate {
			for i := 0; i < j.m; i++ {
				clear(j.c[i*j.ldc : i*j.ldc+j.n])
			}
		}
		return
	}
	j.mc, j.ncq = kn.mc, kn.nc/kn.nr
	j.tm = (j.m + j.mc - 1) / j.mc
	j.tn = (panelsOf(j.n, kn.nr) + j.ncq - 1) / j.ncq
	j.next.Store(0)
	helpers := 0
	if 2*float64(j.m)*float64(j.n)*float64(j.k) >= minParallelFlops {
		helpers = min(Threads(), j.tm*j.tn) - 1
	}
	if helpers > 0 {
		ch := startWorkers(helpers)
		for range helpers {
			j.wg.Add(1)
			select {
			case ch <- j:
			default: // helpers busy: the caller does the work itself
				j.wg.Done()
			}
		}
	}
	j.run()
	j.wg.Wait()
}

// The helper goroutines: started on demand, never stopped, shared by all
// products (a product also runs on its caller, so it finishes even when
// every helper is busy elsewhere).
var workers struct {
	mu sync.Mutex
	n  atomic.Int64
	ch chan *gemmJob
}

func startWorkers(n int) chan *gemmJob {
	if int(workers.n.Load()) >= n {
		return workers.ch
	}
	workers.mu.Lock()
	defer workers.mu.Unlock()
	if workers.ch == nil {
		workers.ch = make(chan *gemmJob, 256)
	}
	for int(workers.n.Load()) < n {
		go func(ch chan *gemmJob) {
			for j := range ch {
				j.run()
				j.wg.Done()
			}
		}(workers.ch)
		workers.n.Add(1)
	}
	return workers.ch
}

// packT packs B = Wᵀ for the active kernel.
func packT(w []float32, n, k int) *Packed {
	kn := activeKernel
	data := alignedFloats(panelsOf(n, kn.nr) * kn.nr * k)
	packPanelsT(data, w, n, k, kn.nr)
	return &Packed{K: k, N: n, data: data, kern: kn}
}

// matMulPacked: C (+)= A·B with the kernel B was packed for.
func matMulPacked(c, a []float32, m int, b *Packed, accumulate bool) {
	if m == 0 || b.N == 0 {
		return
	}
	j := getJob(b.kern, c, a, m, b.N, b.K, accumulate)
	j.b = b.data
	gemmRun(j)
	putJob(j)
}

// matMulNT packs B (n, k) into panels, then runs the packed product.
func matMulNT(c, a, b []float32, m, n, k int) {
	if m == 0 || n == 0 {
		return
	}
	kn := activeKernel
	fb := getBuf(panelsOf(n, kn.nr) * kn.nr * k)
	packPanelsT(fb.s, b, n, k, kn.nr)
	j := getJob(kn, c, a, m, n, k, false)
	j.b = fb.s
	gemmRun(j)
	putJob(j)
	bufPool.Put(fb)
}

// matMulNN reads B (k, n) in place, one nr-wide column panel at a time with
// row stride n; only a last partial panel is packed.
func matMulNN(c, a, b []float32, m, n, k int) {
	if m == 0 || n == 0 {
		return
	}
	kn := activeKernel
	j := getJob(kn, c, a, m, n, k, false)
	j.b, j.inKN, j.nFullQ = b, true, n/kn.nr
	var fb *floatBuf
	if n%kn.nr != 0 {
		fb = getBuf(k * kn.nr)
		packPanelNN(fb.s, b, k, n, j.nFullQ*kn.nr, kn.nr)
		j.tail = fb.s
	}
	gemmRun(j)
	putJob(j)
	if fb != nil {
		bufPool.Put(fb)
	}
}
