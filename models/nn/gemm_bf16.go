package nn

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// The bf16 GEMM: C (m, n) (+)= A (m, k) · B (k, n) with A and B rounded to
// bfloat16 (ToBF16) and float32 accumulation, the arithmetic of AVX512-BF16's
// VDPBF16PS. K is taken in pairs (k = 2p, 2p+1; an odd k gets a zero
// partner), and every element of C is one chain in increasing p:
//
//	s := 0, or c[i][j] (a denormal counting as 0) with accumulate
//	for p := 0; p < ⌈k/2⌉; p++ {
//		s = dpStep(s, a[i][2p+1], b[2p+1][j]) // the odd product first,
//		s = dpStep(s, a[i][2p], b[2p][j])     // then the even one
//	}
//	c[i][j] = s
//
// where dpStep is a float32 fused multiply-add that reads bf16 denormals as
// zero and flushes results below 2^-126 to zero (bf16.go), as VDPBF16PS
// does (the order was measured on the instruction: TestBF16InstructionOrder).
// The pure-Go and AVX512-BF16 kernels compute exactly this chain, so they give
// the same bits as each other and as refMatMulBF16, for any threads, batch
// size or blocking. The AMX kernel (Intel CPUs with AMX-BF16, picked first
// there for its speed) takes the same pairs in the same order, but its unit
// rounds a pair's sum its own way: its bits differ from the chain's in the
// last places, within the chain's error bound, and are themselves the same
// for any threads, batch size or blocking of rows and columns (they do depend
// on where K is cut: its kc, its 16-pair steps and attention's tileK are part
// of them). All differ from the float32 GEMM
// by the bf16 rounding of the inputs (relative 2^-9 per input).

// PackedBF16 is a weight matrix B (k × n) rounded to bfloat16 and packed once
// for MatMulPackedBF16; Linear layers keep W (out, in) as B = Wᵀ. Panel q
// (width w = the kernel's nr, or its nrTail for a narrow last panel) starts
// at q·nr·kp and holds B[2p+h][q·nr+jj] at p·2w + 2jj + h: each pair of K
// rows interleaved, as VDPBF16PS reads them; past k and n it holds zeros.
type PackedBF16 struct {
	K, N int
	kp   int // k rounded up to even
	data []uint16
	kern *bf16Kernel
	asIs bool // packed from B itself (PackNBF16), not from W = Bᵀ
}

// bf16Kernel is a bf16 register-tile micro-kernel and the blocking around it
// (the fields mean what they mean in gemmKernel, with kc counted in K pairs).
type bf16Kernel struct {
	name      string
	mr, nr    int
	kc        int // K block, in pairs
	mc, nc    int
	micro     bf16Micro
	block     bf16BlockKernel // or nil: micro tile by tile
	nrTail    int
	microTail bf16Micro
	// toBF16 rounds activations: dst[i] = ToBF16(src[i]) for len(dst) values.
	toBF16 func(dst []uint16, src []float32)
	// pairBF16 rounds two rows into pairs: dst[2j] = ToBF16(r0[j]),
	// dst[2j+1] = ToBF16(r1[j]) for len(r0) values (packBF16N).
	pairBF16 func(dst []uint16, r0, r1 []float32)
	// widenBF16 widens bf16 values: dst[i] = FromBF16(src[i]) for len(src).
	widenBF16 func(dst []float32, src []uint16)
	// peak runs n iterations of independent multiply-adds of the kernel's
	// instruction, peakFlops float32 operations each (PeakGFLOPSBF16).
	peak      func(n int)
	peakFlops float64
	// chain: the kernel computes the chain above bit for bit (the pure-Go
	// and AVX512-BF16 kernels). The AMX kernel sums a pair its own way; it
	// is held to the chain's error bound instead (gemm_bf16_amx_amd64.go).
	chain bool
}

// bf16Micro computes, for i < mr and j < w (the panel width), the chain
// above over np pairs: A row i starts at a[i*lda] (lda in bf16 values, even),
// the panel's pair p at b[p*2w], C row i at c[i*ldc].
type bf16Micro func(np int, a []uint16, lda int, b []uint16, c []float32, ldc int, load bool)

// bf16BlockKernel computes rowTiles × panels full tiles in one call, as micro
// would one by one (the same bits): A row tile i at a[i·mr·lda], panel q at
// b[q·pstride] (all of width nr), C tile (i, q) at c[i·mr·ldc + q·nr]. A
// kernel with a fixed cost per call (AMX's tile configuration) pays it once.
type bf16BlockKernel func(np int, a []uint16, lda, rowTiles int, b []uint16, pstride, panels int, c []float32, ldc int, load bool)

// lastWidth is the width of the last panel of an n-column B (n ≥ 1).
func (kn *bf16Kernel) lastWidth(n int) int {
	if rem := n - (panelsOf(n, kn.nr)-1)*kn.nr; kn.nrTail > 0 && rem <= kn.nrTail {
		return kn.nrTail
	}
	return kn.nr
}

// panelKernel returns the width of panel q and the kernel that reads it.
func (kn *bf16Kernel) panelKernel(q, n int) (int, bf16Micro) {
	if q == panelsOf(n, kn.nr)-1 {
		if w := kn.lastWidth(n); w != kn.nr {
			return w, kn.microTail
		}
	}
	return kn.nr, kn.micro
}

// bf16Kernels lists the bf16 kernels this build can run on this CPU,
// fastest first; the pure-Go one is always last. activeBF16 packs new
// weights.
var (
	bf16Kernels = append(asmBF16Kernels(), bf16KernelGo)
	activeBF16  atomic.Pointer[bf16Kernel]
)

func init() { activeBF16.Store(bf16Kernels[0]) }

// BF16Kernel names the bf16 kernel that packs new weights: "amx" (32×32
// tiles of AMX TDPBF16PS, on CPUs with AMX-BF16), "avx512bf16" (12×32 tile of
// VDPBF16PS) or "go" (the pure-Go twin of avx512bf16, for purego builds and
// CPUs without AVX512-BF16; the same bits).
func BF16Kernel() string { return activeBF16.Load().name }

// SetBF16Kernel selects a bf16 kernel by name (BF16Kernels); weights
// keep the kernel they were packed with. "go" also runs the bf16 rounding
// passes (round_bf16.go) in Go, so that a test can compare the whole bf16
// path in Go with the assembly one. Not safe while a bf16 product runs.
func SetBF16Kernel(name string) error {
	for _, kn := range bf16Kernels {
		if kn.name == name {
			activeBF16.Store(kn)
			roundImpl = roundKernels[0]
			if kn == bf16KernelGo {
				roundImpl = roundGo // the whole bf16 path in Go
			}
			return nil
		}
	}
	return fmt.Errorf("nn.SetBF16Kernel: no bf16 kernel %q on this machine (have %v)", name, BF16Kernels())
}

// BF16Kernels names the bf16 kernels this build can run on this CPU, fastest
// first ("go" last), and BF16ChainKernels those among them that compute the
// chain of gemm_bf16.go bit for bit (all but "amx").
func BF16Kernels() []string      { return bf16Names(func(*bf16Kernel) bool { return true }) }
func BF16ChainKernels() []string { return bf16Names(func(kn *bf16Kernel) bool { return kn.chain }) }

func bf16Names(keep func(*bf16Kernel) bool) []string {
	var names []string
	for _, kn := range bf16Kernels {
		if keep(kn) {
			names = append(names, kn.name)
		}
	}
	return names
}

// BF16Accelerated returns nil when the bf16 GEMM runs on AVX512-BF16 or AMX, and
// otherwise an error saying why not. The pure-Go kernel gives the same bits
// but is many times slower than the float32 GEMM, so a bf16 mode should stop
// with this error (or warn) rather than run on it unawares.
func BF16Accelerated() error {
	if kn := activeBF16.Load(); kn != bf16KernelGo {
		return nil
	}
	if len(bf16Kernels) > 1 {
		return fmt.Errorf("nn: the bf16 GEMM was switched to the pure-Go kernel (SetBF16Kernel)")
	}
	return fmt.Errorf("nn: no AVX512-BF16 bf16 GEMM in this build on this CPU (%s); bf16 products would run on the pure-Go reference kernel, far slower than float32", bf16Why())
}

// PeakGFLOPSBF16 measures the bf16 multiply-add peak of the active bf16
// kernel's instruction in GFLOP/s (a product and an add counting 2), as
// PeakGFLOPS does for float32.
func PeakGFLOPSBF16(threads int) float64 {
	kn := activeBF16.Load()
	return measurePeak(kn.peak, kn.peakFlops, threads)
}

// PackTBF16 rounds W (n, k) row-major (the PyTorch Linear layout (out, in))
// to bf16 and packs B = Wᵀ for the active bf16 kernel.
func PackTBF16(w []float32, n, k int) *PackedBF16 {
	if len(w) != n*k {
		panic(fmt.Sprintf("nn.PackTBF16: len(w) = %d, want %d×%d", len(w), n, k))
	}
	kn := activeBF16.Load()
	p := &PackedBF16{K: k, N: n, kp: k + k&1, kern: kn}
	p.data = make([]uint16, kn.panelSize(n, k))
	p.Repack(w)
	return p
}

// PackNBF16 rounds B (k, n) row-major to bf16 and packs it as it is (not
// transposed) for the active bf16 kernel: a Linear's W (out, in) as the B
// of dX = dY·W.
func PackNBF16(b []float32, k, n int) *PackedBF16 {
	if len(b) != k*n {
		panic(fmt.Sprintf("nn.PackNBF16: len(b) = %d, want %d×%d", len(b), k, n))
	}
	kn := activeBF16.Load()
	p := &PackedBF16{K: k, N: n, kp: k + k&1, kern: kn, asIs: true}
	p.data = make([]uint16, kn.panelSize(n, k))
	p.Repack(b)
	return p
}

// Repack refreshes p in place from the matrix it was packed from: W (n, k)
// for PackTBF16, B (k, n) for PackNBF16.
func (p *PackedBF16) Repack(w []float32) {
	if len(w) != p.N*p.K {
		panic(fmt.Sprintf("nn.PackedBF16.Repack: len(w) = %d, want %d×%d", len(w), p.N, p.K))
	}
	if p.asIs {
		packBF16NParallel(p.data, w, p.K, p.N, p.kern)
		return
	}
	packBF16T(p.data, w, p.N, p.K, p.kern)
}

// bf16PanelSize is the size of B (k, n) in kn's bf16 panels.
func (kn *bf16Kernel) panelSize(n, k int) int {
	if n == 0 {
		return 0
	}
	return ((panelsOf(n, kn.nr)-1)*kn.nr + kn.lastWidth(n)) * (k + k&1)
}

// packBF16T rounds W (n, k) row-major to bf16 and packs B = Wᵀ (k, n) into
// kn's panels in dst (kn.panelSize(n, k) values, fully overwritten). Each
// row of W is rounded with kn.toBF16 into a row of pairs, then its pairs are
// spread over the panel.
func packBF16T(dst []uint16, w []float32, n, k int, kn *bf16Kernel) {
	kp := k + k&1
	dst = dst[:kn.panelSize(n, k)]
	clear(dst)
	rb := getBF16Buf(kp)
	row16 := rb.s
	row16[kp-1] = 0
	for q := 0; q < panelsOf(n, kn.nr); q++ {
		j0 := q * kn.nr
		width, _ := kn.panelKernel(q, n)
		panel := dst[j0*kp : j0*kp+width*kp]
		for jj := 0; jj < min(width, n-j0); jj++ {
			kn.toBF16(row16[:k], w[(j0+jj)*k:(j0+jj+1)*k])
			for p := 0; p < kp/2; p++ {
				d := panel[p*2*width+2*jj : p*2*width+2*jj+2 : p*2*width+2*jj+2]
				d[0], d[1] = row16[2*p], row16[2*p+1]
			}
		}
	}
	bf16BufPool.Put(rb)
}

// packBF16N rounds B (k, n) row-major to bf16 and packs it into kn's panels
// in dst (kn.panelSize(n, k) values, fully overwritten). Rows 2p and 2p+1 of
// B are rounded with kn.toBF16, then interleaved into pair row p of every
// panel.
func packBF16N(dst []uint16, b []float32, k, n int, kn *bf16Kernel) {
	packBF16NPairs(dst, b, k, n, kn, 0, (k+1)/2)
}

// packBF16NPairs is packBF16N's work on pair rows [p0, p1): rows 2p and
// 2p+1 of B go to every panel's pair row p, rounded and interleaved by
// kn.pairBF16 (an odd k's last row pairs with zeros).
func packBF16NPairs(dst []uint16, b []float32, k, n int, kn *bf16Kernel, p0, p1 int) {
	kp := k + k&1
	dst = dst[:kn.panelSize(n, k)]
	var zb *floatBuf
	for p := p0; p < p1; p++ {
		r0, r1 := b[2*p*n:(2*p+1)*n], []float32(nil)
		if 2*p+1 < k {
			r1 = b[(2*p+1)*n : (2*p+2)*n]
		} else {
			zb = getBuf(n)
			clear(zb.s)
			r1 = zb.s
		}
		for q := 0; q < panelsOf(n, kn.nr); q++ {
			j0 := q * kn.nr
			width, _ := kn.panelKernel(q, n)
			d := dst[j0*kp+p*2*width : j0*kp+(p+1)*2*width]
			cols := min(width, n-j0)
			kn.pairBF16(d, r0[j0:j0+cols], r1[j0:j0+cols])
			clear(d[2*cols:])
		}
	}
	if zb != nil {
		bufPool.Put(zb)
	}
}

// MatMulPackedBF16 computes C = A·B for A (m, k) row-major float32 and the
// bf16 B (k, n), writing C (m, n) row-major float32; with accumulate,
// C += A·B. A is rounded to bf16 first (ToBF16); see the chain above.
//
// Shapes (m, n, k): Sudoku qkv (776, 1536, 512), gate_up (776, 3072, 512),
// down (776, 512, 1536), o_proj (776, 512, 512), mlp_t up (4096, 1024, 97)
// and down (4096, 97, 512); Maze/ARC the same with m = B·916.
func MatMulPackedBF16(c, a []float32, m int, b *PackedBF16, accumulate bool) {
	if len(a) < m*b.K || len(c) < m*b.N {
		panic(fmt.Sprintf("nn.MatMulPackedBF16: a %d / c %d values for m=%d, k=%d, n=%d", len(a), len(c), m, b.K, b.N))
	}
	if b.kern == nil {
		panic("nn.MatMulPackedBF16: B was not made by PackTBF16")
	}
	if m == 0 || b.N == 0 {
		return
	}
	if b.K == 0 {
		if !accumulate {
			clear(c[:m*b.N])
		}
		return
	}
	matMulBF16(c, a, m, b.N, b.K, b.data, b.kern.nr*b.kp, 0, accumulate, b.kern)
}

// matMulBF16 is the bf16 product C (m, n) (+)= A (m, k)·B on panels of kn:
// panel q starts at b[q·pstride], and the product reads its K pairs from
// pair pair0 on (a K range of a longer packed B). k > 0, m > 0, n > 0.
func matMulBF16(c, a []float32, m, n, k int, b []uint16, pstride, pair0 int, accumulate bool, kn *bf16Kernel) {
	matMulBF16Job(c, a, m, n, k, b, pstride, pair0, accumulate, kn, false)
}

// matMulBF16Job is matMulBF16; with round, each task rounds its finished C
// block to bf16 while it is in cache (the bits of rounding C afterwards).
func matMulBF16Job(c, a []float32, m, n, k int, b []uint16, pstride, pair0 int, accumulate bool, kn *bf16Kernel, round bool) {
	matMulBF16Run(c, a, m, n, k, b, pstride, pair0, accumulate, kn, round, swigluBF16Out{}, residBF16Out{})
}

// matMulBF16Run is matMulBF16Job; with sw.h non-nil, tasks span whole SwiGLU groups
// (2·swigluGroup columns) and end in sw's epilogue instead of writing C.
func matMulBF16Run(c, a []float32, m, n, k int, b []uint16, pstride, pair0 int, accumulate bool, kn *bf16Kernel, round bool, sw swigluBF16Out, res residBF16Out) {
	threads := 1
	if 2*float64(m)*float64(n)*float64(k) >= minParallelFlops {
		threads = Threads()
	}
	matMulBF16RunOn(threads, c, a, m, n, k, b, pstride, pair0, accumulate, kn, round, sw, res)
}

// matMulBF16RunOn is matMulBF16Run on at most threads goroutines (1: the
// caller's alone, for a product inside another job's task).
func matMulBF16RunOn(threads int, c, a []float32, m, n, k int, b []uint16, pstride, pair0 int, accumulate bool, kn *bf16Kernel, round bool, sw swigluBF16Out, res residBF16Out) {
	kp := k + k&1
	j := newBF16Job(threads, c, m, n, k, b, pstride, pair0, accumulate, kn, round, sw, res)
	// A in bf16: when one task covers all columns (narrow products such as
	// mlp_t's down, n = 97), each task rounds its own rows while they are in
	// cache; otherwise several tasks read each row, so A is rounded once, as
	// the job's first phase (chunks of rows shared by all participants).
	var buf *u16Buf
	if j.tn == 1 {
		j.af = a
	} else {
		buf = getBF16Buf(m * kp)
		j.a, j.lda, j.af32 = buf.s, kp, a
		j.nround = (m + bf16RoundRows - 1) / bf16RoundRows
	}
	j.start(threads)
	if buf != nil {
		bf16BufPool.Put(buf)
	}
}

// matMulBF16Rounded is matMulBF16 for an A already in bf16: a16 (m, lda)
// row-major, lda ≥ k rounded up to even, zeros past k.
func matMulBF16Rounded(c []float32, a16 []uint16, lda, m, n, k int, b []uint16, pstride int, accumulate bool, kn *bf16Kernel) {
	threads := 1
	if 2*float64(m)*float64(n)*float64(k) >= minParallelFlops {
		threads = Threads()
	}
	j := newBF16Job(threads, c, m, n, k, b, pstride, 0, accumulate, kn, false, swigluBF16Out{}, residBF16Out{})
	j.a, j.lda = a16, lda
	j.start(threads)
}

// newBF16Job takes a job from the pool for the product C (m, n) (+)= A·B
// and splits it into tasks for threads; the caller sets A (a and lda, af,
// or af32 and nround) and starts it.
func newBF16Job(threads int, c []float32, m, n, k int, b []uint16, pstride, pair0 int, accumulate bool, kn *bf16Kernel, round bool, sw swigluBF16Out, res residBF16Out) *bf16Job {
	kp := k + k&1
	j := bf16JobPool.Get().(*bf16Job)
	j.kern, j.c, j.ldc, j.round, j.sw, j.res = kn, c, n, round, sw, res
	j.m, j.n, j.k, j.np, j.accumulate, j.b = m, n, k, kp/2, accumulate, b
	j.pstride, j.pair0 = pstride, pair0
	switch {
	case sw.h != nil:
		j.tm, j.tn, j.mc, j.ncq = swigluGrid(m, n, kn, threads)
	case res.h != nil:
		j.tm, j.tn, j.mc, j.ncq = rowGrid(m, n, kn, threads)
	default:
		j.tm, j.tn, j.mc, j.ncq = taskGrid(m, n, kn.mr, kn.nr, kn.mc, kn.nc, threads)
	}
	j.a, j.lda, j.af, j.af32, j.nround = nil, 0, nil, nil, 0
	return j
}

// start runs the job on at most threads goroutines and returns it to the
// pool.
func (j *bf16Job) start(threads int) {
	j.roundNext.Store(0)
	j.roundDone.Store(0)
	j.next.Store(0)
	if helpers := min(threads, j.tm*j.tn) - 1; helpers > 0 {
		shareJob(j, helpers)
	} else {
		j.run()
	}
	j.c, j.a, j.af, j.af32, j.b, j.sw, j.res = nil, nil, nil, nil, nil, swigluBF16Out{}, residBF16Out{}
	bf16JobPool.Put(j)
}

// roundRowsBF16 rounds rows of A (float32, row stride k) to bf16 rows of
// stride ld ≥ k (ld − k values of zero padding each).
func roundRowsBF16(kn *bf16Kernel, dst []uint16, ld int, a []float32, k, rows int) {
	if k == ld {
		kn.toBF16(dst[:rows*k], a[:rows*k])
		return
	}
	for i := 0; i < rows; i++ {
		kn.toBF16(dst[i*ld:i*ld+k], a[i*k:(i+1)*k])
		clear(dst[i*ld+k : (i+1)*ld])
	}
}

// taskGrid splits C (m, n) into tm × tn tasks of mc rows (a multiple of mr)
// × ncq panels of nr columns: blocks of mc0 × nc0, made smaller while there
// are fewer than 4 tasks per thread so that the threads finish together (as
// gemmJob.grid; it changes which goroutine computes a tile, never a bit).
func taskGrid(m, n, mr, nr, mc0, nc0, threads int) (tm, tn, mc, ncq int) {
	mc, ncq = mc0, nc0/nr
	for {
		tm = (m + mc - 1) / mc
		tn = (panelsOf(n, nr) + ncq - 1) / ncq
		if threads == 1 || tm*tn >= 4*threads {
			return
		}
		switch half := (mc/2 + mr - 1) / mr * mr; {
		case mc >= 4*mr && m > half:
			mc = half
		case ncq > 1 && panelsOf(n, nr) > ncq/2:
			ncq /= 2
		default:
			return
		}
	}
}

// u16Buf is a reusable bf16 buffer (the rounded A of a product).
type u16Buf struct{ s []uint16 }

var bf16BufPool = sync.Pool{New: func() any { return new(u16Buf) }}

func getBF16Buf(n int) *u16Buf {
	b := bf16BufPool.Get().(*u16Buf)
	if cap(b.s) < n {
		b.s = make([]uint16, n)
	}
	b.s = b.s[:n]
	return b
}

// bf16Job is one product split into tasks of mc rows × ncq panels.
type bf16Job struct {
	kern *bf16Kernel
	c    []float32
	ldc  int
	a    []uint16  // A in bf16, (m, 2·np) row-major; or nil and
	lda  int       //
	af   []float32 // A (m, k) in float32, rounded by each task
	// Or the first phase rounds af32 (m, k) into a, bf16RoundRows rows at a
	// time: nround chunks, taken and finished by all participants.
	af32                 []float32
	nround               int
	roundNext, roundDone atomic.Int64
	m, n, k              int
	np                   int
	accumulate           bool
	round                bool          // round each finished C block to bf16
	sw                   swigluBF16Out // h non-nil: the SwiGLU epilogue (gemm_swiglu_bf16.go); C blocks go to scratch
	res                  residBF16Out  // h non-nil: the residual + RMSNorm epilogue (epilogue_bf16.go); C blocks go to scratch
	b                    []uint16      // packed panels: panel q at b[q·pstride], read from pair pair0 on
	pstride, pair0       int

	tm, tn, mc, ncq int
	next            atomic.Int64
	joiner
}

var bf16JobPool = sync.Pool{New: func() any { return &bf16Job{joiner: newJoiner()} }}

// bf16Scratch is one goroutine's zero-padded copies of the last rows of A
// and of an edge tile of C.
type bf16Scratch struct {
	a   []uint16
	c   []float32
	blk []float32 // a task's C block (mc × 2·swigluGroup) for the SwiGLU epilogue
}

var bf16ScratchPool = sync.Pool{New: func() any { return new(bf16Scratch) }}

// run takes tasks until none is left.
func (j *bf16Job) run() {
	s := bf16ScratchPool.Get().(*bf16Scratch)
	kn := j.kern
	if len(s.a) < kn.mc*2*kn.kc {
		s.a = make([]uint16, kn.mc*2*kn.kc)
	}
	if len(s.c) < kn.mr*kn.nr {
		s.c = alignedFloats(kn.mr * kn.nr)
	}
	if j.sw.h != nil && len(s.blk) < kn.mc*2*swigluGroup {
		s.blk = alignedFloats(kn.mc * 2 * swigluGroup)
	}
	if j.res.h != nil && len(s.blk) < kn.mc*j.n {
		s.blk = alignedFloats(kn.mc * j.n)
	}
	sharedPhase(&j.roundNext, &j.roundDone, j.nround, func(q int) {
		r0 := q * bf16RoundRows
		r1 := min(j.m, r0+bf16RoundRows)
		roundRowsBF16(kn, j.a[r0*j.lda:], j.lda, j.af32[r0*j.k:], j.k, r1-r0)
	})
	total := int64(j.tm * j.tn)
	for {
		t := j.next.Add(1) - 1
		if t >= total {
			break
		}
		j.task(int(t), s)
	}
	bf16ScratchPool.Put(s)
}

// bf16RoundRows is the rows of A one participant rounds at a time.
const bf16RoundRows = 32

// task computes the C block of task t: rows [i0, i1) × panels [q0, q1).
// A's rows come from j.a, or are rounded from j.af into the scratch block
// (rows i0… at stride 2·np, zero padded to a multiple of mr rows).
func (j *bf16Job) task(t int, s *bf16Scratch) {
	kn := j.kern
	mr, nr := kn.mr, kn.nr
	i0 := t / j.tn * j.mc
	i1 := min(j.m, i0+j.mc)
	q0 := t % j.tn * j.ncq
	q1 := min(panelsOf(j.n, nr), q0+j.ncq)
	iFull := i0 + (i1-i0)/mr*mr
	// C element (i, c) is at cb[(i-ri)·ldc + c-ci]: j.c, or with the
	// SwiGLU epilogue the task's block in scratch.
	cb, ldc, ri, ci := j.c, j.ldc, 0, 0
	if j.sw.h != nil {
		cb, ldc, ri, ci = s.blk, 2*swigluGroup, i0, q0*nr
	}
	if j.res.h != nil {
		cb, ldc, ri = s.blk, j.n, i0 // one task spans every column
	}
	for pc := 0; pc < j.np; pc += kn.kc {
		np := min(kn.kc, j.np-pc)
		load := j.accumulate || pc > 0
		// a(i) is A row i from pair pc on, with stride lda; at the last
		// i1-iFull rows, zero padded to mr.
		var ablk, at []uint16
		var lda int
		if j.af != nil {
			rows := (i1 - i0 + mr - 1) / mr * mr
			ablk, lda = s.a[:rows*2*np], 2*np
			k0, k1 := 2*pc, min(j.k, 2*(pc+np))
			for r := 0; r < i1-i0; r++ {
				kn.toBF16(ablk[r*lda:r*lda+k1-k0], j.af[(i0+r)*j.k+k0:(i0+r)*j.k+k1])
				clear(ablk[r*lda+k1-k0 : (r+1)*lda])
			}
			clear(ablk[(i1-i0)*lda:])
			at = ablk[(iFull-i0)*lda:]
		} else {
			ablk, lda = j.a[i0*j.lda+2*pc:], j.lda
			if iFull < i1 {
				at = s.a[:mr*2*np]
				for r := 0; r < i1-iFull; r++ {
					copy(at[r*2*np:(r+1)*2*np], j.a[(iFull+r)*j.lda+2*pc:])
				}
				clear(at[(i1-iFull)*2*np:])
			}
		}
		// With a block kernel, the full tiles of the full-width panels
		// [q0, qb) in one call; the rest tile by tile.
		qb := q0
		if kn.block != nil && iFull > i0 {
			qb = q1
			if w, _ := kn.panelKernel(q1-1, j.n); w != nr || j.n-(q1-1)*nr < nr {
				qb--
			}
			if qb > q0 {
				kn.block(np, ablk, lda, (iFull-i0)/mr, j.b[q0*j.pstride+(j.pair0+pc)*2*nr:], j.pstride, qb-q0, cb[(i0-ri)*ldc+q0*nr-ci:], ldc, load)
			}
		}
		for q := q0; q < q1; q++ {
			width, micro := kn.panelKernel(q, j.n)
			bp := j.b[q*j.pstride+(j.pair0+pc)*2*width:]
			c0 := q * nr
			cols := min(width, j.n-c0)
			for i := i0; i < iFull && q >= qb; i += mr {
				ai := ablk[(i-i0)*lda:]
				if cols == width {
					micro(np, ai, lda, bp, cb[(i-ri)*ldc+c0-ci:], ldc, load)
				} else {
					j.edge(s, micro, width, np, ai, lda, bp, cb[(i-ri)*ldc+c0-ci:], ldc, mr, cols, load)
				}
			}
			if iFull < i1 {
				tl := lda
				if j.af == nil {
					tl = 2 * np
				}
				j.edge(s, micro, width, np, at, tl, bp, cb[(iFull-ri)*ldc+c0-ci:], ldc, i1-iFull, cols, load)
			}
		}
	}
	if j.sw.h != nil {
		j.sw.epilogue(kn, s.blk, i0, i1, q0*nr/(2*swigluGroup))
		return
	}
	if j.res.h != nil {
		j.res.epilogue(s.blk, i0, i1, j.n)
		return
	}
	if j.round {
		c0, c1 := q0*nr, min(j.n, q1*nr)
		for i := i0; i < i1; i++ {
			roundBF16(j.c[i*ldc+c0 : i*ldc+c1])
		}
	}
}

// edge computes the rows × cols corner of a tile at (i, c0) through the
// scratch tile (mr × width), running the same kernel as full tiles.
func (j *bf16Job) edge(s *bf16Scratch, micro bf16Micro, width, np int, a []uint16, lda int, bp []uint16, c []float32, ldc, rows, cols int, load bool) {
	tile := s.c[:j.kern.mr*width]
	if load {
		for r := 0; r < rows; r++ {
			copy(tile[r*width:r*width+cols], c[r*ldc:])
		}
	}
	micro(np, a, lda, bp, tile, width, load)
	for r := 0; r < rows; r++ {
		copy(c[r*ldc:r*ldc+cols], tile[r*width:])
	}
}
