package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestAddRMSNorm: the fused residual norm gives the bits of AddInto then
// RMSNorm, on every vector kernel and thread count, odd widths included.
func TestAddRMSNorm(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		for _, sh := range [][2]int{{1, 1}, {3, 7}, {70, 65}, {200, 512}, {129, 97}} {
			rows, dim := sh[0], sh[1]
			h0, x := randSlice(r, rows*dim, 3), randSlice(r, rows*dim, 3)
			want := append([]float32(nil), h0...)
			AddInto(want, x)
			RMSNorm(want, rows, dim, 1e-5)
			for _, threads := range []int{1, 2, 3} {
				useThreads(t, threads)
				h := append([]float32(nil), h0...)
				AddRMSNorm(h, x, rows, dim, 1e-5)
				if i := sameBits(h, want); i >= 0 {
					t.Fatalf("%dx%d threads=%d: h[%d] = %v, unfused %v", rows, dim, threads, i, h[i], want[i])
				}
			}
		}
	})
}

// TestSwiGLUGate: the gate kernel gives SiLUMul's bits on each row's halves.
func TestSwiGLUGate(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		for _, sh := range [][2]int{{1, 1}, {5, 9}, {40, 256}, {97, 100}} {
			rows, inter := sh[0], sh[1]
			gu := randSlice(r, rows*2*inter, 4)
			want := make([]float32, rows*inter)
			for i := 0; i < rows; i++ {
				SiLUMul(want[i*inter:(i+1)*inter], gu[i*2*inter:i*2*inter+inter], gu[i*2*inter+inter:(i+1)*2*inter])
			}
			for _, threads := range []int{1, 3} {
				useThreads(t, threads)
				h := make([]float32, rows*inter)
				SwiGLUGate(h, gu, rows, inter)
				if i := sameBits(h, want); i >= 0 {
					t.Fatalf("%dx%d threads=%d: h[%d] = %v, SiLUMul %v", rows, inter, threads, i, h[i], want[i])
				}
			}
		}
	})
}

// epilogueShapes: Sudoku (8·97 rows) and Maze/ARC (916 and 4·916 rows) at
// hidden 512; the gate at inter 1536.
var epilogueShapes = []int{8 * 97, 916, 4 * 916}

// BenchmarkAddRMSNorm: the fused kernel against AddInto + RMSNorm (both on
// a fresh copy of h), alternately in one loop, on 1 and 2 threads;
// x_unfused is the unfused time over the fused one.
//
//	go test -run '^$' -bench AddRMSNorm -benchtime 50x ./models/nn
func BenchmarkAddRMSNorm(b *testing.B) {
	const dim = 512
	for _, rows := range epilogueShapes {
		r := rand.New(rand.NewPCG(1, 1))
		h0, x := randSlice(r, rows*dim, 1), randSlice(r, rows*dim, 1)
		h := make([]float32, rows*dim)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("rows%d_dim%d/t%d", rows, dim, threads), func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				var s side2
				for b.Loop() {
					s.run(threads,
						func() { copy(h, h0); AddInto(h, x); RMSNorm(h, rows, dim, 1e-5) },
						func() { copy(h, h0); AddRMSNorm(h, x, rows, dim, 1e-5) })
				}
				s.report(b, "x_unfused")
			})
		}
	}
}

// BenchmarkSwiGLUGate: the gate on 1 and 2 threads.
func BenchmarkSwiGLUGate(b *testing.B) {
	const inter = 1536
	for _, rows := range epilogueShapes {
		r := rand.New(rand.NewPCG(1, 1))
		gu := randSlice(r, rows*2*inter, 2)
		h := make([]float32, rows*inter)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("rows%d/t%d", rows, threads), func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				for b.Loop() {
					SwiGLUGate(h, gu, rows, inter)
				}
			})
		}
	}
}
