package nn

import (
	"runtime"
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
	micro microKernel

	// An optional narrower kernel (mr × nrTail) for a last panel of at most
	// nrTail columns, so that n = 97 computes 112 columns instead of 128. It
	// runs the same chains, so a column gets the same bits from either.
	nrTail    int
	microTail microKernel
}

type microKernel func(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, load bool)

// lastWidth is the width of the last panel of an n-column B (n ≥ 1).
func (kn *gemmKernel) lastWidth(n int) int {
	if rem := n - (panelsOf(n, kn.nr)-1)*kn.nr; kn.nrTail > 0 && rem <= kn.nrTail {
		return kn.nrTail
	}
	return kn.nr
}

// panelFloats is the size of B (k, n) packed in panels: panel q starts at
// q·nr·k and holds width·k floats, row p at p·width.
func (kn *gemmKernel) panelFloats(n, k int) int {
	if n == 0 {
		return 0
	}
	return ((panelsOf(n, kn.nr)-1)*kn.nr + kn.lastWidth(n)) * k
}

// panelKernel returns the width of panel q and the kernel that reads it.
func (kn *gemmKernel) panelKernel(q, n int) (int, microKernel) {
	if q == panelsOf(n, kn.nr)-1 {
		if w := kn.lastWidth(n); w != kn.nr {
			return w, kn.microTail
		}
	}
	return kn.nr, kn.micro
}

// gemmKernels lists the kernels this build can run on this CPU, fastest
// first; the pure-Go kernel is always last.
var gemmKernels = append(asmKernels(), kernelGo)

// activeKernel packs new weights and runs MatMulNT/MatMulNN (SetKernel;
// the conformance tests switch it to run against every kernel).
var activeKernel atomic.Pointer[gemmKernel]

func init() { activeKernel.Store(gemmKernels[0]) }

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

// packPanelsT packs B = Wᵀ from W (n, k) row-major into kn's panels: B[p][j]
// goes to dst[q·nr·k + p·width + j-q·nr] for j in panel q = j/nr; columns
// past n are zero. dst holds kn.panelFloats(n, k) floats.
func packPanelsT(dst, w []float32, n, k int, kn *gemmKernel) {
	packPanelsTRange(dst, w, n, k, kn, 0, panelsOf(n, kn.nr))
}

// packPanelsTRange packs panels [q0, q1) only.
func packPanelsTRange(dst, w []float32, n, k int, kn *gemmKernel, q0, q1 int) {
	packRowsRange(dst, n, k, kn, func(j int) []float32 { return w[j*k : (j+1)*k] }, q0, q1)
}

// packPanelNN copies columns j0.. (at most width, zero padded) of B (k, n)
// row-major with row stride ldb into one panel dst (k·width floats).
func packPanelNN(dst, b []float32, k, n, ldb, j0, width int) {
	cols := min(width, n-j0)
	for p := 0; p < k; p++ {
		d := dst[p*width : (p+1)*width]
		copy(d, b[p*ldb+j0:p*ldb+j0+cols])
		clear(d[cols:])
	}
}

// packMinRowsNN is the smallest m for which MatMulNN packs B: the copy of
// B is then shared by at least 48 rows (8 register tiles of the AVX-512
// kernel).
const packMinRowsNN = 48

// packRowsNN is the rows of B (k, n) a piece of the packing phase packs.
const packRowsNN = 64

// packPanelsNNRows packs rows [p0, p1) of B (k, n) row-major with row stride
// ldb into all of kn's panels in dst (the layout of packPanelsT); columns
// past n are zero.
func packPanelsNNRows(dst, b []float32, k, n, ldb int, kn *gemmKernel, p0, p1 int) {
	for q := range panelsOf(n, kn.nr) {
		j0 := q * kn.nr
		width, _ := kn.panelKernel(q, n)
		packPanelNN(dst[j0*k+p0*width:], b[p0*ldb:], p1-p0, n, ldb, j0, width)
	}
}

// gemmScratch is one goroutine's working memory: zero-padded copies of the
// last rows of A (when m is not a multiple of mr) and of an edge tile of C.
type gemmScratch struct {
	a, c []float32
}

var scratchPool = sync.Pool{New: func() any { return new(gemmScratch) }}

// getGemmScratch returns a pooled scratch sized for kn.
func getGemmScratch(kn *gemmKernel) *gemmScratch {
	s := scratchPool.Get().(*gemmScratch)
	if len(s.a) < kn.mr*kn.kc {
		s.a = alignedFloats(kn.mr * kn.kc)
	}
	if len(s.c) < kn.mr*kn.nr {
		s.c = alignedFloats(kn.mr * kn.nr)
	}
	return s
}

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
	// in a row-major (k, n) b of row stride ldb with the last partial panel
	// packed in tail.
	b      []float32
	ldb    int
	inKN   bool
	tail   []float32
	nFullQ int // panels that are nr wide (in-place mode)

	// The first phase of the job, shared by all participants, may pack B
	// into b: MatMulNT from packW (n, k), one panel per piece; MatMulNN from
	// packKN (k, n, row stride ldb), packRowsNN rows of every panel per piece.
	packW, packKN      []float32
	npack              int
	packNext, packDone atomic.Int64

	tm, tn  int          // task grid: tm row blocks × tn column blocks
	mc, ncq int          // rows and panels per task
	next    atomic.Int64 // next task to take

	joiner // completion of the helpers the job was shared with
}

var jobPool = sync.Pool{New: func() any { return &gemmJob{joiner: newJoiner()} }}

// getJob returns a pooled job for C (m, n) (+)= A (m, k)·B, both row-major
// and dense; the caller sets B.
func getJob(kn *gemmKernel, c, a []float32, m, n, k int, accumulate bool) *gemmJob {
	j := jobPool.Get().(*gemmJob)
	j.kern, j.c, j.a, j.ldc, j.lda = kn, c, a, n, k
	j.m, j.n, j.k, j.accumulate = m, n, k, accumulate
	j.b, j.ldb, j.inKN, j.tail, j.nFullQ = nil, n, false, nil, 0
	j.packW, j.packKN, j.npack = nil, nil, 0
	j.packNext.Store(0)
	j.packDone.Store(0)
	return j
}

// putJob drops the job's references to the caller's slices and pools it.
func putJob(j *gemmJob) {
	j.c, j.a, j.b, j.tail, j.packW, j.packKN = nil, nil, nil, nil, nil, nil
	jobPool.Put(j)
}

// panel returns B panel q (of the given width) from row pc on, and the
// stride between its rows.
func (j *gemmJob) panel(q, width, pc int) ([]float32, int) {
	nr := j.kern.nr
	if !j.inKN {
		return j.b[q*nr*j.k+pc*width:], width
	}
	if q >= j.nFullQ {
		return j.tail[pc*width:], width
	}
	return j.b[pc*j.ldb+q*nr:], j.ldb
}

// run takes tasks until none is left.
func (j *gemmJob) run() {
	kn := j.kern
	s := getGemmScratch(kn)
	sharedPhase(&j.packNext, &j.packDone, j.npack, func(q int) {
		if j.packKN != nil {
			p0 := q * packRowsNN
			packPanelsNNRows(j.b, j.packKN, j.k, j.n, j.ldb, kn, p0, min(j.k, p0+packRowsNN))
			return
		}
		packPanelsTRange(j.b, j.packW, j.n, j.k, kn, q, q+1)
	})
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

// sharedPhase runs a job's first phase of n pieces: each participant takes
// pieces (counted by next) until none is left, then waits until all n are
// done (counted by done), so that no task starts on an unfinished phase.
func sharedPhase(next, done *atomic.Int64, n int, do func(q int)) {
	if n <= 0 {
		return
	}
	for {
		q := next.Add(1) - 1
		if q >= int64(n) {
			break
		}
		do(int(q))
		done.Add(1)
	}
	for done.Load() < int64(n) { // others finish their last piece
		runtime.Gosched()
	}
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
			width, micro := kn.panelKernel(q, j.n)
			bp, ldb := j.panel(q, width, pc)
			c0 := q * nr
			cols := min(width, j.n-c0)
			for i := i0; i < iFull; i += mr {
				if cols == width {
					micro(kc, j.a[i*lda+pc:], lda, bp, ldb, j.c[i*ldc+c0:], ldc, load)
				} else {
					j.edge(s, micro, width, kc, j.a[i*lda+pc:], lda, bp, ldb, i, mr, c0, cols, load)
				}
			}
			if iFull < i1 {
				j.edge(s, micro, width, kc, at, kc, bp, ldb, iFull, i1-iFull, c0, cols, load)
			}
		}
	}
}

// edge computes the rows × cols corner of a tile at (i, c0) through the
// scratch tile (mr × width), running the same kernel as full tiles.
func (j *gemmJob) edge(s *gemmScratch, micro microKernel, width, kc int, a []float32, lda int, bp []float32, ldb int, i, rows, c0, cols int, load bool) {
	tile := s.c[:j.kern.mr*width]
	if load {
		for r := 0; r < rows; r++ {
			copy(tile[r*width:r*width+cols], j.c[(i+r)*j.ldc+c0:])
		}
	}
	micro(kc, a, lda, bp, ldb, tile, width, load)
	for r := 0; r < rows; r++ {
		copy(j.c[(i+r)*j.ldc+c0:(i+r)*j.ldc+c0+cols], tile[r*width:])
	}
}

// grid sets the task grid: the kernel's blocks (all the rows in one block
// when they are at most one tile more than a block: m = 97 is not 96 + 1),
// made smaller while there are fewer than 4 tasks per thread so that the
// threads finish together. (It changes no result, only which goroutine
// computes which tile.)
func (j *gemmJob) grid(threads int) {
	kn := j.kern
	j.mc, j.ncq = kn.mc, kn.nc/kn.nr
	if j.m <= j.mc+kn.mr {
		j.mc = (j.m + kn.mr - 1) / kn.mr * kn.mr
	}
	for {
		j.tm = (j.m + j.mc - 1) / j.mc
		j.tn = (panelsOf(j.n, kn.nr) + j.ncq - 1) / j.ncq
		if threads == 1 || j.tm*j.tn >= 4*threads {
			return
		}
		switch half := (j.mc/2 + kn.mr - 1) / kn.mr * kn.mr; {
		case j.mc >= 4*kn.mr && j.m > half:
			j.mc = half
		case j.ncq > 1 && panelsOf(j.n, kn.nr) > j.ncq/2:
			j.ncq /= 2
		default:
			return
		}
	}
}

// gemmRun computes the job, on helper goroutines too when it is large.
func gemmRun(j *gemmJob) {
	if j.k == 0 {
		if !j.accumulate {
			for i := 0; i < j.m; i++ {
				clear(j.c[i*j.ldc : i*j.ldc+j.n])
			}
		}
		return
	}
	threads := 1
	if 2*float64(j.m)*float64(j.n)*float64(j.k) >= minParallelFlops {
		threads = Threads()
	}
	j.grid(threads)
	j.next.Store(0)
	helpers := min(threads, j.tm*j.tn) - 1
	if helpers <= 0 {
		j.run()
		return
	}
	shareJob(j, helpers)
}

// packT packs B = Wᵀ for the active kernel.
func packT(w []float32, n, k int) *Packed {
	kn := activeKernel.Load()
	data := alignedFloats(kn.panelFloats(n, k))
	packPanelsT(data, w, n, k, kn)
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

// matMulNT packs B (n, k) into panels (in parallel, as the job's first
// phase), then runs the packed product.
func matMulNT(c, a, b []float32, m, n, k int) {
	if m == 0 || n == 0 {
		return
	}
	kn := activeKernel.Load()
	fb := getBuf(kn.panelFloats(n, k))
	j := getJob(kn, c, a, m, n, k, false)
	j.b, j.packW, j.npack = fb.s, b, panelsOf(n, kn.nr)
	gemmRun(j)
	putJob(j)
	bufPool.Put(fb)
}

// matMulNN reads B (k, n) in place, one nr-wide column panel at a time with
// row stride n; only a last partial panel is packed.
func matMulNN(c, a, b []float32, m, n, k int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	kn := activeKernel.Load()
	j := getJob(kn, c, a, m, n, k, accumulate)
	runInKN(j, b, n)
	putJob(j)
}

// runInKN runs job j (C (+)= A·B, set up by getJob) with B (k, n) of row
// stride ldb. A wide B (ldb ≥ 4·nr) multiplied by at least packMinRowsNN
// rows is packed into panels first, as the job's shared first phase: read
// in place, its rows ldb apart evict each other from L1 and defeat the
// prefetchers (22–57 % of peak on the training shapes). Other products read
// B in place, one nr-wide panel at a time, and pack only a last partial
// panel (attention's P·V, 64 wide, is faster so). Both run the same
// micro-kernel calls on the same values, so the bits are the same.
func runInKN(j *gemmJob, b []float32, ldb int) {
	kn, n, k := j.kern, j.n, j.k
	if j.m >= packMinRowsNN && ldb >= 4*kn.nr {
		fb := getBuf(kn.panelFloats(n, k))
		j.b, j.packKN, j.ldb, j.npack = fb.s, b, ldb, (k+packRowsNN-1)/packRowsNN
		gemmRun(j)
		bufPool.Put(fb)
		return
	}
	j.b, j.ldb, j.inKN, j.nFullQ = b, ldb, true, n/kn.nr
	var fb *floatBuf
	if n%kn.nr != 0 {
		width := kn.lastWidth(n)
		fb = getBuf(k * width)
		packPanelNN(fb.s, b, k, n, ldb, j.nFullQ*kn.nr, width)
		j.tail = fb.s
	}
	gemmRun(j)
	if fb != nil {
		bufPool.Put(fb)
	}
}

// matMulTN transposes A (k, m) into a pooled buffer (m, k) and runs the
// NN product on it.
func matMulTN(c, a, b []float32, m, n, k int, accumulate bool) {
	if m == 0 || n == 0 {
		return
	}
	fb := getBuf(m * k)
	Transpose(fb.s, a[:k*m], k, m)
	matMulNN(c, fb.s, b, m, n, k, accumulate)
	bufPool.Put(fb)
}
