package nn

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRepackParallel: after the weight changes, Linear.Repack (panels split
// over the threads, the fused packing read in place) gives the
// packed weight and the fused SwiGLU packing exactly what packing the new
// weight from scratch gives, for every kernel, on 1 and 3 threads, with
// inner widths that leave a group or a panel partly empty.
func TestRepackParallel(t *testing.T) {
	defer activeKernel.Store(activeKernel.Load())
	for _, kn := range gemmKernels {
		activeKernel.Store(kn)
		for _, sh := range [][2]int{{97, 512}, {512, 1536}, {5, 3}, {64, 200}} {
			hidden, inter := sh[0], sh[1]
			for _, threads := range []int{1, 3} {
				t.Run(fmt.Sprintf("%s/hidden%d_inter%d/t%d", kn.name, hidden, inter, threads), func(t *testing.T) {
					defer SetThreads(SetThreads(threads))
					r := rand.New(rand.NewPCG(uint64(hidden), uint64(inter)))
					s := NewSwiGLU(randFloats(r, 2*inter*hidden), randFloats(r, hidden*inter), hidden, inter)
					for _, l := range []*Linear{s.GateUp, s.Down} {
						copy(l.Weight, randFloats(r, len(l.Weight)))
						l.Repack()
					}
					if want := PackT(s.GateUp.Weight, 2*inter, hidden); !slices.Equal(s.GateUp.W.data, want.data) {
						t.Error("gate_up: packed weight differs from a fresh PackT")
					}
					if want := PackT(s.Down.Weight, hidden, inter); !slices.Equal(s.Down.W.data, want.data) {
						t.Error("down: packed weight differs from a fresh PackT")
					}
					if want := PackSwiGLU(s.GateUp.Weight, inter, hidden); !slices.Equal(s.fused.w.data, want.w.data) {
						t.Error("fused gate_up packing differs from a fresh PackSwiGLU")
					}
				})
			}
		}
	}
}

// BenchmarkRepack refreshes the packings of a Sudoku MLP gate_up (hidden
// 512, inner 1536: its packed weight and the fused SwiGLU packing) after an
// optimiser step, on 1 and 2 threads.
//
//	go test -run '^$' -bench Repack ./models/nn
func BenchmarkRepack(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const hidden, inter = 512, 1536
	s := NewSwiGLU(randFloats(r, 2*inter*hidden), randFloats(r, hidden*inter), hidden, inter)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("t%d", threads), func(b *testing.B) {
			defer SetThreads(SetThreads(threads))
			b.ReportAllocs()
			for b.Loop() {
				s.GateUp.Repack()
			}
		})
	}
}
