package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestMatMulSwiGLU: the fused gate_up GEMM + gate gives the bits of
// MatMulPacked then SwiGLUGate — h, and with MatMulSwiGLUKeep also [g | u] —
// for every GEMM and vector kernel, on 1 and 3 threads, with inter below, at
// and past the group size (padding) and row counts that leave partial tiles.
func TestMatMulSwiGLU(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	r := rand.New(rand.NewPCG(51, 52))
	for _, kn := range gemmKernels {
		forEachVecKernel(t, func(t *testing.T, vk *vecKernel) {
			useKernel(t, kn)
			for _, sh := range [][3]int{{1, 1, 1}, {5, 7, 3}, {13, 128, 33}, {97, 200, 64}, {30, 300, 600}, {200, 256, 97}} {
				rows, inter, hidden := sh[0], sh[1], sh[2]
				gateUp := randSlice(r, 2*inter*hidden, 1)
				x := randSlice(r, rows*hidden, 2)
				gu := make([]float32, rows*2*inter)
				MatMulPacked(gu, x, rows, PackT(gateUp, 2*inter, hidden), false)
				want := make([]float32, rows*inter)
				SwiGLUGate(want, gu, rows, inter)
				p := PackSwiGLU(gateUp, inter, hidden)
				for _, threads := range []int{1, 3} {
					useThreads(t, threads)
					h := withGuard(rows * inter)
					MatMulSwiGLU(h, x, rows, p)
					if i := sameBits(h[:rows*inter], want); i >= 0 {
						t.Fatalf("%s rows=%d inter=%d hidden=%d threads=%d: h[%d] = %v, unfused %v", kn.name, rows, inter, hidden, threads, i, h[i], want[i])
					}
					checkGuard(t, h, rows*inter)
					h, kept := withGuard(rows*inter), withGuard(rows*2*inter)
					MatMulSwiGLUKeep(h, kept, x, rows, p)
					if i := sameBits(h[:rows*inter], want); i >= 0 {
						t.Fatalf("Keep %s rows=%d inter=%d hidden=%d threads=%d: h[%d] = %v, unfused %v", kn.name, rows, inter, hidden, threads, i, h[i], want[i])
					}
					if i := sameBits(kept[:rows*2*inter], gu); i >= 0 {
						t.Fatalf("Keep %s rows=%d inter=%d hidden=%d threads=%d: gu[%d] = %v, unfused %v", kn.name, rows, inter, hidden, threads, i, kept[i], gu[i])
					}
					checkGuard(t, h, rows*inter)
					checkGuard(t, kept, rows*2*inter)
				}
			}
		})
	}
}

// TestMatMulSwiGLURepack: Repack gives what a fresh PackSwiGLU gives.
func TestMatMulSwiGLURepack(t *testing.T) {
	r := rand.New(rand.NewPCG(53, 54))
	const rows, inter, hidden = 20, 150, 40
	w1, w2 := randSlice(r, 2*inter*hidden, 1), randSlice(r, 2*inter*hidden, 1)
	x := randSlice(r, rows*hidden, 1)
	p := PackSwiGLU(w1, inter, hidden)
	p.Repack(w2)
	got, want := make([]float32, rows*inter), make([]float32, rows*inter)
	MatMulSwiGLU(got, x, rows, p)
	MatMulSwiGLU(want, x, rows, PackSwiGLU(w2, inter, hidden))
	if i := sameBits(got, want); i >= 0 {
		t.Fatalf("h[%d] = %v after Repack, fresh pack %v", i, got[i], want[i])
	}
}

// TestMatMulSwiGLUNoAllocs: once warm, the fused product allocates nothing.
func TestMatMulSwiGLUNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	r := rand.New(rand.NewPCG(55, 56))
	const rows, inter, hidden = 100, 256, 64
	p := PackSwiGLU(randSlice(r, 2*inter*hidden, 1), inter, hidden)
	x, h := randSlice(r, rows*hidden, 1), make([]float32, rows*inter)
	for _, threads := range []int{1, 2} {
		useThreads(t, threads)
		if allocs := testing.AllocsPerRun(10, func() { MatMulSwiGLU(h, x, rows, p) }); allocs != 0 {
			t.Errorf("threads=%d: %v allocations per product", threads, allocs)
		}
	}
}

// BenchmarkMatMulSwiGLU: the fused gate_up GEMM + gate against MatMulPacked
// + SwiGLUGate, alternately in one loop, on the Sudoku, mlp_t and Maze/ARC
// shapes, 1 and 2 threads; x_unfused is the unfused time over the fused one.
//
//	go test -run '^$' -bench MatMulSwiGLU -benchtime 20x ./models/nn
func BenchmarkMatMulSwiGLU(b *testing.B) {
	for _, sh := range []struct {
		name                string
		rows, inter, hidden int
	}{
		{"sudoku", 8 * 97, 1536, 512},
		{"sudoku/mlp_t", 8 * 512, 512, 97},
		{"arc1", 916, 1536, 512},
		{"arc4", 4 * 916, 1536, 512},
	} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/rows%d_inter%d_hidden%d/t%d", sh.name, sh.rows, sh.inter, sh.hidden, threads), func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				r := rand.New(rand.NewPCG(1, 1))
				gateUp := randSlice(r, 2*sh.inter*sh.hidden, 1)
				x := randSlice(r, sh.rows*sh.hidden, 1)
				gu, h := make([]float32, sh.rows*2*sh.inter), make([]float32, sh.rows*sh.inter)
				pu, pf := PackT(gateUp, 2*sh.inter, sh.hidden), PackSwiGLU(gateUp, sh.inter, sh.hidden)
				unfused := func() {
					MatMulPacked(gu, x, sh.rows, pu, false)
					SwiGLUGate(h, gu, sh.rows, sh.inter)
				}
				fused := func() { MatMulSwiGLU(h, x, sh.rows, pf) }
				unfused()
				fused()
				var s side2
				for b.Loop() {
					s.run(threads, unfused, fused)
				}
				flops := 4 * float64(sh.rows) * float64(sh.inter) * float64(sh.hidden) * float64(b.N)
				b.ReportMetric(flops/s.wall[1]/1e9, "GFLOP/s")
				b.ReportMetric(flops/s.wall[0]/1e9, "unfused_GFLOP/s")
				s.report(b, "x_unfused")
			})
		}
	}
}

// BenchmarkMatMulSwiGLUKeep: the fused training product (h and [g | u])
// against MatMulPacked + SwiGLUGate, alternately in one loop, on the Sudoku
// training shape (16·97 rows, hidden 512, inner 1536) and the mlp_t one,
// 1 and 2 threads; x_unfused is the unfused time over the fused one
// (x_unfused_cpu: CPU times on one thread).
//
//	go test -run '^$' -bench MatMulSwiGLUKeep -benchtime 20x ./models/nn
func BenchmarkMatMulSwiGLUKeep(b *testing.B) {
	for _, sh := range []struct {
		name                string
		rows, inter, hidden int
	}{{"sudoku", 16 * 97, 1536, 512}, {"sudoku/mlp_t", 16 * 512, 512, 97}} {
		r := rand.New(rand.NewPCG(1, 2))
		gateUp := randSlice(r, 2*sh.inter*sh.hidden, 0.05)
		x := randSlice(r, sh.rows*sh.hidden, 1)
		gu, h := make([]float32, sh.rows*2*sh.inter), make([]float32, sh.rows*sh.inter)
		packed, fused := PackT(gateUp, 2*sh.inter, sh.hidden), PackSwiGLU(gateUp, sh.inter, sh.hidden)
		for _, threads := range []int{1, 2} {
			b.Run(sh.name+"/t"+string(rune('0'+threads)), func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				var s side2
				for b.Loop() {
					s.run(threads,
						func() { MatMulPacked(gu, x, sh.rows, packed, false); SwiGLUGate(h, gu, sh.rows, sh.inter) },
						func() { MatMulSwiGLUKeep(h, gu, x, sh.rows, fused) })
				}
				s.report(b, "x_unfused")
			})
		}
	}
}
