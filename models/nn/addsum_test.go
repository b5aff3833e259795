package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestAddSumInto: the fused injection gives the bits of Add then AddInto,
// for every vector kernel, on 1 and 3 threads.
func TestAddSumInto(t *testing.T) {
	r := rand.New(rand.NewPCG(81, 82))
	forEachVecKernel(t, func(t *testing.T, vk *vecKernel) {
		for _, sh := range [][2]int{{1, 1}, {7, 33}, {200, 512}} {
			rows, dim := sh[0], sh[1]
			n := rows * dim
			d0, a, b := randSlice(r, n, 1), randSlice(r, n, 1), randSlice(r, n, 1)
			want, tmp := append([]float32(nil), d0...), make([]float32, n)
			Add(tmp, a, b)
			AddInto(want, tmp)
			for _, threads := range []int{1, 3} {
				useThreads(t, threads)
				got := append([]float32(nil), d0...)
				AddSumInto(got, a, b, make([]float32, n), rows, dim)
				if i := sameBits(got, want); i >= 0 {
					t.Fatalf("rows=%d dim=%d threads=%d: dst[%d] = %v, unfused %v", rows, dim, threads, i, got[i], want[i])
				}
			}
		}
	})
}

// BenchmarkAddSumInto: the fused injection against Add + AddInto (both on
// a fresh copy of dst), alternately in one loop, on 1 and 2 threads;
// x_unfused is the unfused time over the fused one.
//
//	go test -run '^$' -bench AddSumInto -benchtime 50x ./models/nn
func BenchmarkAddSumInto(b *testing.B) {
	const dim = 512
	for _, rows := range epilogueShapes {
		r := rand.New(rand.NewPCG(1, 1))
		n := rows * dim
		d0, x, y := randSlice(r, n, 1), randSlice(r, n, 1), randSlice(r, n, 1)
		d, tmp := make([]float32, n), make([]float32, n)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("rows%d_dim%d/t%d", rows, dim, threads), func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				var s side2
				for b.Loop() {
					s.run(threads,
						func() { copy(d, d0); Add(tmp, x, y); AddInto(d, tmp) },
						func() { copy(d, d0); AddSumInto(d, x, y, tmp, rows, dim) })
				}
				s.report(b, "x_unfused")
			})
		}
	}
}
