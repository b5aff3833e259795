package nn

import (
	"math/rand/v2"
	"testing"
)

// TestMatMulSwiGLUKeep: the fused product that keeps [g | u] gives h and gu
// the bits of MatMulPacked then SwiGLUGate, for every GEMM and vector
// kernel, on 1 and 3 threads, over the shapes of TestMatMulSwiGLU.
func TestMatMulSwiGLUKeep(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	r := rand.New(rand.NewPCG(61, 62))
	for _, kn := range gemmKernels {
		forEachVecKernel(t, func(t *testing.T, vk *vecKernel) {
			useKernel(t, kn)
			for _, sh := range [][3]int{{1, 1, 1}, {5, 7, 3}, {13, 128, 33}, {97, 200, 64}, {30, 300, 600}, {200, 256, 97}} {
				rows, inter, hidden := sh[0], sh[1], sh[2]
				gateUp := randSlice(r, 2*inter*hidden, 1)
				x := randSlice(r, rows*hidden, 2)
				wantGU := make([]float32, rows*2*inter)
				MatMulPacked(wantGU, x, rows, PackT(gateUp, 2*inter, hidden), false)
				want := make([]float32, rows*inter)
				SwiGLUGate(want, wantGU, rows, inter)
				p := PackSwiGLU(gateUp, inter, hidden)
				for _, threads := range []int{1, 3} {
					useThreads(t, threads)
					h, gu := withGuard(rows*inter), withGuard(rows*2*inter)
					MatMulSwiGLUKeep(h, gu, x, rows, p)
					if i := sameBits(h[:rows*inter], want); i >= 0 {
						t.Fatalf("%s rows=%d inter=%d hidden=%d threads=%d: h[%d] = %v, unfused %v", kn.name, rows, inter, hidden, threads, i, h[i], want[i])
					}
					if i := sameBits(gu[:rows*2*inter], wantGU); i >= 0 {
						t.Fatalf("%s rows=%d inter=%d hidden=%d threads=%d: gu[%d] = %v, unfused %v", kn.name, rows, inter, hidden, threads, i, gu[i], wantGU[i])
					}
					checkGuard(t, h, rows*inter)
					checkGuard(t, gu, rows*2*inter)
				}
			}
		})
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
