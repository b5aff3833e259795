package nn

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// trainShapes are the products of one Sudoku TRM-MLP training block at
// batch 16 (rows 16·97 = 1552 for the MLP, 16·512 = 8192 for the mlp_t
// mixer over T = 97): the forward products and, for each Linear, the input
// gradient dX = dY·W (NN) and the weight gradient dW += dYᵀ·X or, after
// BeginGradT, dWᵀ += Xᵀ·dY (TN, m × n from k rows).
var trainShapes = []benchShape{
	{"mlp/gate_up", "packed", 1552, 3072, 512},
	{"mlp/down", "packed", 1552, 512, 1536},
	{"mixt/gate_up", "packed", 8192, 1024, 97},
	{"mixt/down", "packed", 8192, 97, 512},
	{"mlp/down_dX", "NN", 1552, 1536, 512},
	{"mlp/down_dW", "TN", 512, 1536, 1552},
	{"mlp/gate_up_dWT", "TN", 512, 3072, 1552},
	{"mlp/gate_up_dX", "NNacc", 1552, 512, 3072},
	{"mixt/down_dX", "NN", 8192, 512, 97},
	{"mixt/down_dW", "TN", 97, 512, 8192},
	{"mixt/gate_up_dWT", "TN", 97, 1024, 8192},
	{"mixt/gate_up_dX", "NNacc", 8192, 97, 1024},
}

// BenchmarkGemmTrain runs the training shapes on one thread (locked, timed by the
// thread's CPU clock, so that the neighbours on a shared machine do not
// count) and on two (wall clock), in GFLOP/s and % of the kernel's peak.
//
//	go test -run '^$' -bench GemmTrain -benchtime 10x ./models/nn
func BenchmarkGemmTrain(b *testing.B) {
	for _, sh := range trainShapes {
		r := rand.New(rand.NewPCG(1, 1))
		a := randFloats(r, sh.m*sh.k)
		w := randFloats(r, sh.n*sh.k)
		c := make([]float32, sh.m*sh.n)
		// The forward products use the packed weight; the backward ones
		// read W in place.
		label, run := "inplace", func() { MatMulTN(c, a, w, sh.m, sh.n, sh.k, true) }
		switch sh.op {
		case "packed":
			p := PackT(w, sh.n, sh.k)
			label, run = "packed", func() { MatMulPacked(c, a, sh.m, p, false) }
		case "NN", "NNacc":
			acc := sh.op == "NNacc"
			run = func() { matMulNN(c, a, w, sh.m, sh.n, sh.k, acc) }
		}
		flops := 2 * float64(sh.m) * float64(sh.n) * float64(sh.k)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/m%d_n%d_k%d/%s/t%d", sh.name, sh.m, sh.n, sh.k, label, threads), func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				if threads == 1 {
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
				}
				peak := peakFor(threads)
				run()
				t0 := threadCPUSeconds()
				for b.Loop() {
					run()
				}
				sec := b.Elapsed().Seconds()
				if threads == 1 {
					sec = threadCPUSeconds() - t0
				}
				g := flops * float64(b.N) / sec / 1e9
				b.ReportMetric(g, "GFLOP/s")
				b.ReportMetric(100*g/peak, "%peak")
			})
		}
	}
}
