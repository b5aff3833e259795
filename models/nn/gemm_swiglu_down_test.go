package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMatMulSwiGLUDown: the block fused per row block gives the bits of
// MatMulSwiGLU then MatMulPacked for every GEMM kernel, on 1 and 3 threads,
// with several row blocks and a partial one, inter and hidden past the K
// block (two K passes in either product), hidden = 97 (a narrow last
// panel) and inter not a multiple of the gate group.
func TestMatMulSwiGLUDown(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	r := rand.New(rand.NewPCG(57, 58))
	for _, kn := range gemmKernels {
		useKernel(t, kn)
		for _, sh := range [][3]int{{1, 1, 1}, {5, 7, 3}, {97, 200, 64}, {250, 600, 33}, {300, 512, 97}, {30, 150, 600}} {
			rows, inter, hidden := sh[0], sh[1], sh[2]
			gateUp := randSlice(r, 2*inter*hidden, 1)
			downW := randSlice(r, hidden*inter, 1)
			x := randSlice(r, rows*hidden, 2)
			p, down := PackSwiGLU(gateUp, inter, hidden), PackT(downW, hidden, inter)
			h, want := make([]float32, rows*inter), make([]float32, rows*hidden)
			MatMulSwiGLU(h, x, rows, p)
			MatMulPacked(want, h, rows, down, false)
			for _, threads := range []int{1, 3} {
				useThreads(t, threads)
				out := withGuard(rows * hidden)
				MatMulSwiGLUDown(out, x, rows, p, down)
				if i := sameBits(out[:rows*hidden], want); i >= 0 {
					t.Fatalf("%s rows=%d inter=%d hidden=%d threads=%d: out[%d] = %v, unfused %v", kn.name, rows, inter, hidden, threads, i, out[i], want[i])
				}
				checkGuard(t, out, rows*hidden)
			}
		}
	}
}

// TestSwiGLUFusesDown: the fused block is chosen for many row blocks of a
// narrow inter only, and refused for a down weight of another shape or
// kernel.
func TestSwiGLUFusesDown(t *testing.T) {
	useThreads(t, 2)
	r := rand.New(rand.NewPCG(59, 60))
	kn := activeKernel.Load()
	p := PackSwiGLU(randSlice(r, 2*512*97, 1), 512, 97)
	down := PackT(randSlice(r, 97*512, 1), 97, 512)
	if !p.FusesDown(8*kn.mc, down) {
		t.Errorf("%s: not fused at 8 row blocks of inter 512", kn.name)
	}
	if p.FusesDown(2*kn.mc, down) {
		t.Errorf("%s: fused at 2 row blocks for 2 threads", kn.name)
	}
	if p.FusesDown(8*kn.mc, PackT(randSlice(r, 97*256, 1), 97, 256)) {
		t.Error("fused with a down weight of another inner width")
	}
	wide := PackSwiGLU(randSlice(r, 2*4096*8, 1), 4096, 8)
	if wide.FusesDown(100*kn.mc, PackT(randSlice(r, 8*4096, 1), 8, 4096)) {
		t.Error("fused at inter 4096: a row block's h is past swigluDownMaxH")
	}
	for _, other := range gemmKernels {
		if other != kn && p.FusesDown(8*kn.mc, &Packed{K: 512, N: 97, kern: other}) {
			t.Errorf("fused with a down weight packed by %s", other.name)
		}
	}
}

// TestMatMulSwiGLUDownNoAllocs: once warm, the fused block allocates nothing.
func TestMatMulSwiGLUDownNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	r := rand.New(rand.NewPCG(61, 62))
	const rows, inter, hidden = 400, 256, 64
	p, down := PackSwiGLU(randSlice(r, 2*inter*hidden, 1), inter, hidden), PackT(randSlice(r, hidden*inter, 1), hidden, inter)
	x, out := randSlice(r, rows*hidden, 1), make([]float32, rows*hidden)
	for _, threads := range []int{1, 2} {
		useThreads(t, threads)
		if allocs := testing.AllocsPerRun(10, func() { MatMulSwiGLUDown(out, x, rows, p, down) }); allocs != 0 {
			t.Errorf("threads=%d: %v allocations per block", threads, allocs)
		}
	}
}

// BenchmarkMatMulSwiGLUDown: the block fused per row block against
// MatMulSwiGLU then MatMulPacked (h through memory), alternately in one
// loop, on the Sudoku mlp_t shape at batch 8 and 16, 1 and 2 threads;
// x_unfused is the unfused time over the fused one.
//
//	go test -run '^$' -bench MatMulSwiGLUDown -benchtime 20x ./models/nn
func BenchmarkMatMulSwiGLUDown(b *testing.B) {
	const inter, hidden = 512, 97
	for _, rows := range []int{8 * 512, 16 * 512} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("mlp_t/rows%d_inter%d_hidden%d/t%d", rows, inter, hidden, threads), func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				r := rand.New(rand.NewPCG(1, 1))
				p := PackSwiGLU(randSlice(r, 2*inter*hidden, 1), inter, hidden)
				down := PackT(randSlice(r, hidden*inter, 1), hidden, inter)
				x := randSlice(r, rows*hidden, 1)
				h, out := make([]float32, rows*inter), make([]float32, rows*hidden)
				unfused := func() {
					MatMulSwiGLU(h, x, rows, p)
					MatMulPacked(out, h, rows, down, false)
				}
				fused := func() { MatMulSwiGLUDown(out, x, rows, p, down) }
				unfused()
				fused()
				var s side2
				for b.Loop() {
					s.run(threads, unfused, fused)
				}
				flops := 6 * float64(rows) * float64(inter) * float64(hidden) * float64(b.N)
				b.ReportMetric(flops/s.wall[1]/1e9, "GFLOP/s")
				b.ReportMetric(flops/s.wall[0]/1e9, "unfused_GFLOP/s")
				s.report(b, "x_unfused")
			})
		}
	}
}

// TestSwiGLUBF16FusedResidual: the bf16 SwiGLU sublayer per row block gives
// the bits of MatMulSwiGLUBF16 then MatMulAddRMSNormBF16 over all rows (and,
// keeping them for training, the plain gate_up product and RMSNormTrain's
// factors), for
// every bf16 kernel, on 1 and 3 threads, with several row blocks and a
// partial one, K past the bf16 K block and hidden = 97.
func TestSwiGLUBF16FusedResidual(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	r := rand.New(rand.NewPCG(63, 64))
	const eps = 1e-5
	for _, kn := range bf16Kernels {
		useBF16Kernel(t, kn)
		for _, sh := range [][3]int{{1, 1, 1}, {5, 7, 3}, {97, 200, 64}, {250, 600, 33}, {300, 512, 97}, {30, 150, 300}} {
			rows, inter, hidden := sh[0], sh[1], sh[2]
			gateUp := randSlice(r, 2*inter*hidden, 1)
			s := NewSwiGLUBF16(NewSwiGLU(gateUp, randSlice(r, hidden*inter, 1), hidden, inter))
			x := randSlice(r, rows*hidden, 2)
			RoundBF16All(x)
			want := append([]float32(nil), x...)
			h := make([]float32, rows*inter)
			MatMulSwiGLUBF16(h, want, rows, s.gateUp)
			// The kept gate_up output is the plain rounded product, and the
			// norm factors are RMSNormTrain's of x̂(x + down).
			wantGU := make([]float32, rows*2*inter)
			MatMulPackedBF16Round(wantGU, want, rows, PackTBF16(gateUp, 2*inter, hidden))
			wantR := make([]float32, rows)
			down := make([]float32, rows*hidden)
			MatMulPackedBF16Round(down, h, rows, s.down)
			addNormTrainBF16(append([]float32(nil), want...), down, wantR, rows, hidden, eps)
			MatMulAddRMSNormBF16(want, h, rows, s.down, eps)
			for _, threads := range []int{1, 3} {
				useThreads(t, threads)
				for _, keep := range []bool{false, true} {
					got := withGuard(rows * hidden)
					copy(got, x)
					var gu []uint16
					var rr []float32
					if keep {
						gu, rr = make([]uint16, rows*2*inter), make([]float32, rows)
					}
					s.forwardResidualFused(got, rows, eps, gu, rr)
					if i := sameBits(got[:rows*hidden], want); i >= 0 {
						t.Fatalf("%s rows=%d inter=%d hidden=%d threads=%d keep=%v: x[%d] = %v, unfused %v", kn.name, rows, inter, hidden, threads, keep, i, got[i], want[i])
					}
					checkGuard(t, got, rows*hidden)
					if !keep {
						continue
					}
					for i, v := range gu {
						if math.Float32bits(FromBF16(v)) != math.Float32bits(wantGU[i]) {
							t.Fatalf("%s rows=%d inter=%d hidden=%d threads=%d: gu[%d] = %v, plain product %v", kn.name, rows, inter, hidden, threads, i, FromBF16(v), wantGU[i])
						}
					}
					if i := sameBits(rr, wantR); i >= 0 {
						t.Fatalf("%s rows=%d inter=%d hidden=%d threads=%d: r[%d] = %v, RMSNormTrain %v", kn.name, rows, inter, hidden, threads, i, rr[i], wantR[i])
					}
				}
			}
		}
	}
}

// BenchmarkSwiGLUBF16Residual: the bf16 mlp_t sublayer per row block
// against the two products over all rows, alternately in one loop, at the
// Sudoku shape (batch 8), 1 and 2 threads.
//
//	go test -run '^$' -bench SwiGLUBF16Residual -benchtime 20x ./models/nn
func BenchmarkSwiGLUBF16Residual(b *testing.B) {
	if BF16Accelerated() != nil {
		b.Skip("no AVX512-BF16")
	}
	const rows, inter, hidden, eps = 8 * 512, 512, 97, 1e-5
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("mlp_t/rows%d_inter%d_hidden%d/t%d", rows, inter, hidden, threads), func(b *testing.B) {
			defer SetThreads(SetThreads(threads))
			r := rand.New(rand.NewPCG(1, 1))
			s := NewSwiGLUBF16(NewSwiGLU(randSlice(r, 2*inter*hidden, 1), randSlice(r, hidden*inter, 1), hidden, inter))
			x := randSlice(r, rows*hidden, 1)
			RoundBF16All(x)
			h := make([]float32, rows*inter)
			unfused := func() {
				MatMulSwiGLUBF16(h, x, rows, s.gateUp)
				MatMulAddRMSNormBF16(x, h, rows, s.down, eps)
			}
			fused := func() { s.forwardResidualFused(x, rows, eps, nil, nil) }
			var sd side2
			for b.Loop() {
				sd.run(threads, unfused, fused)
			}
			flops := 6 * float64(rows) * float64(inter) * float64(hidden) * float64(b.N)
			b.ReportMetric(flops/sd.wall[1]/1e9, "GFLOP/s")
			b.ReportMetric(flops/sd.wall[0]/1e9, "unfused_GFLOP/s")
			sd.report(b, "x_unfused")
		})
	}
}
