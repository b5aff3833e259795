package nn

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
)

// GEMM benchmarks over the TRM shapes, in GFLOP/s and % of the FMA peak
// measured for the same kernel and thread count (PeakGFLOPS).
//
//	go test -run '^$' -bench 'Gemm|Peak' ./models/nn

type benchShape struct {
	name    string
	op      string // "packed", "NT" or "NN"
	m, n, k int
}

// trmShapes: Sudoku (8 puzzles × 97 tokens, hidden 512, SwiGLU 1536 per
// half, mlp_t token mixer over 97 → 512 positions), Maze/ARC (916 tokens, one
// puzzle and four) and one attention head at T = 916.
var trmShapes = []benchShape{
	{"sudoku/qkv", "packed", 776, 1536, 512},
	{"sudoku/gate_up", "packed", 776, 3072, 512},
	{"sudoku/down", "packed", 776, 512, 1536},
	{"sudoku/o_proj", "packed", 776, 512, 512},
	{"sudoku/mlp_t_up", "packed", 8 * 512, 1024, 97},
	{"sudoku/mlp_t_down", "packed", 8 * 512, 97, 512},
	{"arc1/qkv", "packed", 916, 1536, 512},
	{"arc1/gate_up", "packed", 916, 3072, 512},
	{"arc1/down", "packed", 916, 512, 1536},
	{"arc4/qkv", "packed", 4 * 916, 1536, 512},
	{"arc4/gate_up", "packed", 4 * 916, 3072, 512},
	{"arc4/down", "packed", 4 * 916, 512, 1536},
	{"attn/QK^T", "NT", 916, 916, 64},
	{"attn/PV", "NN", 916, 64, 916},
	{"attn97/QK^T", "NT", 97, 97, 64},
	{"attn97/PV", "NN", 97, 64, 97},
}

var peakCache sync.Map // "kernel/threads" → GFLOP/s

func peakFor(threads int) float64 {
	key := fmt.Sprintf("%s/%d", Kernel(), threads)
	if v, ok := peakCache.Load(key); ok {
		return v.(float64)
	}
	p := PeakGFLOPS(threads)
	peakCache.Store(key, p)
	return p
}

// peakBF16For is PeakGFLOPSBF16(threads) for the active bf16 kernel,
// measured once.
func peakBF16For(threads int) float64 {
	key := fmt.Sprintf("bf16:%s/%d", BF16Kernel(), threads)
	if v, ok := peakCache.Load(key); ok {
		return v.(float64)
	}
	p := PeakGFLOPSBF16(threads)
	peakCache.Store(key, p)
	return p
}

// BenchmarkPeak reports the FMA peak of the kernel in use and the bf16
// multiply-add peak of the bf16 kernel in use, 1 and 2 threads.
func BenchmarkPeak(b *testing.B) {
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("t%d", threads), func(b *testing.B) {
			best := 0.0
			for b.Loop() {
				best = max(best, PeakGFLOPS(threads))
			}
			b.ReportMetric(best, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("bf16/t%d", threads), func(b *testing.B) {
			best := 0.0
			for b.Loop() {
				best = max(best, PeakGFLOPSBF16(threads))
			}
			b.ReportMetric(best, "GFLOP/s")
		})
	}
}

// BenchmarkGemm runs every TRM shape with the default kernel, on 1 and 2
// threads.
func BenchmarkGemm(b *testing.B) {
	benchGemm(b, activeKernel.Load())
}

// BenchmarkGemmKernels runs the TRM shapes with every kernel.
func BenchmarkGemmKernels(b *testing.B) {
	for _, kn := range gemmKernels {
		b.Run(kn.name, func(b *testing.B) { benchGemm(b, kn) })
	}
}

func benchGemm(b *testing.B, kn *gemmKernel) {
	defer activeKernel.Store(activeKernel.Swap(kn))
	for _, sh := range trmShapes {
		var run func()
		setup := func() { // on first use, so that -bench filters skip the allocation
			if run != nil {
				return
			}
			r := rand.New(rand.NewPCG(1, 1))
			a := randFloats(r, sh.m*sh.k)
			w := randFloats(r, sh.n*sh.k)
			c := make([]float32, sh.m*sh.n)
			switch sh.op {
			case "packed":
				p := PackT(w, sh.n, sh.k)
				run = func() { MatMulPacked(c, a, sh.m, p, false) }
			case "NT":
				run = func() { MatMulNT(c, a, w, sh.m, sh.n, sh.k) }
			case "NN":
				run = func() { MatMulNN(c, a, w, sh.m, sh.n, sh.k) }
			}
		}
		for _, threads := range []int{1, 2} {
			name := fmt.Sprintf("%s/m%d_n%d_k%d/t%d", sh.name, sh.m, sh.n, sh.k, threads)
			b.Run(name, func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				peak := peakFor(threads)
				setup()
				run()
				for b.Loop() {
					run()
				}
				reportGFLOPS(b, 2*float64(sh.m)*float64(sh.n)*float64(sh.k), peak)
			})
		}
	}
}

// BenchmarkMicroKernels times each register-tile kernel alone, one thread,
// on operands that stay in L1 (one mr×nr tile of C over k = 256, or 128
// bf16 pairs): the ceiling the blocked products can approach. What
// BenchmarkGemm and BenchmarkGemmBF16 lose below it is memory traffic and
// blocking, not the kernel.
func BenchmarkMicroKernels(b *testing.B) {
	const k = 256
	defer SetThreads(SetThreads(1))
	for _, kn := range gemmKernels {
		b.Run(kn.name, func(b *testing.B) {
			defer activeKernel.Store(activeKernel.Swap(kn))
			peak := peakFor(1)
			a, bp, c := alignedFloats(kn.mr*k), alignedFloats(k*kn.nr), alignedFloats(kn.mr*kn.nr)
			for b.Loop() {
				kn.micro(k, a, k, bp, kn.nr, c, kn.nr, true)
			}
			reportGFLOPS(b, 2*float64(kn.mr*kn.nr*k), peak)
		})
	}
	for _, kn := range bf16Kernels {
		b.Run("bf16/"+kn.name, func(b *testing.B) {
			defer activeBF16.Store(activeBF16.Swap(kn))
			peak := peakBF16For(1)
			const np = k / 2
			a, bp, c := make([]uint16, kn.mr*2*np), make([]uint16, np*2*kn.nr), alignedFloats(kn.mr*kn.nr)
			for b.Loop() {
				kn.micro(np, a, 2*np, bp, c, kn.nr, true)
			}
			reportGFLOPS(b, 2*float64(kn.mr*kn.nr*k), peak)
		})
	}
}

// reportGFLOPS reports GFLOP/s and % of peak (GFLOP/s) for b.N operations
// of flops floating-point operations each.
func reportGFLOPS(b *testing.B, flops, peak float64) {
	gflops := flops * float64(b.N) / b.Elapsed().Seconds() / 1e9
	b.ReportMetric(gflops, "GFLOP/s")
	b.ReportMetric(100*gflops/peak, "%peak")
}

// BenchmarkGemmForkJoin measures the cost of splitting a product over
// threads: a product of two tasks (2 µs of work) on 1 and 2 threads.
func BenchmarkGemmForkJoin(b *testing.B) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	r := rand.New(rand.NewPCG(1, 1))
	kn := activeKernel.Load()
	m, n, k := 2*kn.mc, kn.nr, 64
	a, w := randFloats(r, m*k), randFloats(r, n*k)
	c := make([]float32, m*n)
	p := PackT(w, n, k)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("t%d", threads), func(b *testing.B) {
			defer SetThreads(SetThreads(threads))
			for b.Loop() {
				MatMulPacked(c, a, m, p, false)
			}
		})
	}
}

// side2 times two variants run alternately in one benchmark loop, so that
// both see the same machine load: wall-clock seconds of each and, on one
// thread, the CPU seconds of the (locked) OS thread too.
type side2 struct {
	wall, cpu [2]float64
	best      [2]float64 // fastest single call (wall clock)
	threads   int
}

// run times f0 then f1 once.
func (s *side2) run(threads int, f0, f1 func()) {
	s.threads = threads
	if threads == 1 {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
	}
	for i, f := range [2]func(){f0, f1} {
		w, c := nowSeconds(), threadCPUSeconds()
		f()
		d := nowSeconds() - w
		s.wall[i] += d
		s.cpu[i] += threadCPUSeconds() - c
		if s.best[i] == 0 || d < s.best[i] {
			s.best[i] = d
		}
	}
}

// report adds name = variant 0's time over variant 1's (total wall clock),
// name_best = the ratio of their fastest calls (the least disturbed by the
// neighbours on a shared machine), and on one thread name_cpu, the ratio of
// CPU times.
func (s *side2) report(b *testing.B, name string) {
	b.ReportMetric(s.wall[0]/s.wall[1], name)
	b.ReportMetric(s.best[0]/s.best[1], name+"_best")
	if s.threads == 1 && s.cpu[1] > 0 {
		b.ReportMetric(s.cpu[0]/s.cpu[1], name+"_cpu")
	}
}

// BenchmarkGemmBF16 runs the packed TRM shapes (the Linear layers) through
// the bf16 GEMM and, alternately in the same loop, the float32 GEMM, so both
// see the same machine load; it reports both speeds and their ratio
// (x_fp32 = fp32 time / bf16 time; x_fp32_cpu the ratio of CPU times on one
// thread), on 1 and 2 threads.
//
//	go test -run '^$' -bench GemmBF16 -benchtime 20x ./models/nn
func BenchmarkGemmBF16(b *testing.B) {
	for _, sh := range trmShapes {
		if sh.op != "packed" {
			continue
		}
		for _, threads := range []int{1, 2} {
			name := fmt.Sprintf("%s/m%d_n%d_k%d/t%d", sh.name, sh.m, sh.n, sh.k, threads)
			b.Run(name, func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				r := rand.New(rand.NewPCG(1, 1))
				a := randFloats(r, sh.m*sh.k)
				w := randFloats(r, sh.n*sh.k)
				c := make([]float32, sh.m*sh.n)
				p32, p16 := PackT(w, sh.n, sh.k), PackTBF16(w, sh.n, sh.k)
				MatMulPacked(c, a, sh.m, p32, false)
				MatMulPackedBF16(c, a, sh.m, p16, false)
				var s side2
				for b.Loop() {
					s.run(threads,
						func() { MatMulPacked(c, a, sh.m, p32, false) },
						func() { MatMulPackedBF16(c, a, sh.m, p16, false) })
				}
				flops := 2 * float64(sh.m) * float64(sh.n) * float64(sh.k) * float64(b.N)
				b.ReportMetric(flops/s.wall[1]/1e9, "GFLOP/s")
				b.ReportMetric(100*flops/s.wall[1]/1e9/peakBF16For(threads), "%peak")
				b.ReportMetric(flops/s.wall[0]/1e9, "fp32_GFLOP/s")
				s.report(b, "x_fp32")
			})
		}
	}
}

// nowSeconds is a monotonic clock reading in seconds.
func nowSeconds() float64 { return time.Since(benchEpoch).Seconds() }

var benchEpoch = time.Now()
