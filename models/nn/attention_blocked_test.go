package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestAttentionBlockedBits: the query-blocked head kernel (fused RoPE
// gather, V read and output written in place) gives the bits of the plain
// reference head, for every GEMM and vector kernel, with and without RoPE,
// head widths that are and are not a multiple of the kernel's panel width,
// and T below, at and past one query block (a partial last block).
func TestAttentionBlockedBits(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	for _, kn := range gemmKernels {
		forEachVecKernel(t, func(t *testing.T, vk *vecKernel) {
			useKernel(t, kn)
			for _, tc := range []struct {
				T, heads, hd int
				rope         bool
			}{{1, 1, 8, true}, {19, 4, 8, true}, {96, 2, 64, true}, {200, 3, 20, false}, {250, 2, 64, true}} {
				t.Run(fmt.Sprintf("%s/T%d_h%d_hd%d_rope%v", kn.name, tc.T, tc.heads, tc.hd, tc.rope), func(t *testing.T) {
					const B, hidden = 2, 16
					w := tc.heads * tc.hd
					var rope *RoPE
					if tc.rope {
						rope = NewRoPE(tc.T, tc.hd, 10000)
					}
					a := NewAttention(randSlice(r, 3*w*hidden, 0.3), randSlice(r, hidden*w, 0.3), hidden, tc.heads, tc.hd, rope)
					qkv := randSlice(r, B*tc.T*3*w, 2)
					want := make([]float32, B*tc.T*w)
					got := withGuard(B * tc.T * w)
					ref := make([]float32, 4*tc.T*tc.hd+tc.T*tc.T)
					buf := make([]float32, a.blockedScratch(tc.T))
					rotated := append([]float32(nil), qkv...) // Q, K rotated in place, as Forward does
					if rope != nil {
						rope.ApplyQK(rotated, 0, B*tc.T, tc.heads)
					}
					got2 := make([]float32, len(want))
					for b := 0; b < B; b++ {
						for h := 0; h < tc.heads; h++ {
							a.head(want, qkv, b, h, tc.T, ref)
							a.headBlocked(got, qkv, b, h, tc.T, false, buf)
							a.headBlocked(got2, rotated, b, h, tc.T, true, buf)
						}
					}
					if i := sameBits(got[:len(want)], want); i >= 0 {
						t.Fatalf("gathered: heads[%d] = %v, reference %v", i, got[i], want[i])
					}
					if i := sameBits(got2, want); i >= 0 {
						t.Fatalf("in place: heads[%d] = %v, reference %v", i, got2[i], want[i])
					}
					checkGuard(t, got, len(want))
				})
			}
		})
	}
}

// TestRoPEApplyFrom: the rotated copy has the bits of copy then Apply.
func TestRoPEApplyFrom(t *testing.T) {
	r := rand.New(rand.NewPCG(73, 74))
	const T, dim, stride = 37, 16, 40
	rope := NewRoPE(T, dim, 10000)
	src := randSlice(r, T*stride, 3)
	want, got := make([]float32, T*dim), make([]float32, T*dim)
	for t := 0; t < T; t++ {
		copy(want[t*dim:(t+1)*dim], src[t*stride:])
	}
	rope.Apply(want, dim)
	rope.ApplyFrom(got, src, stride)
	if i := sameBits(got, want); i >= 0 {
		t.Fatalf("dst[%d] = %v, copy+Apply %v", i, got[i], want[i])
	}
}

// TestPackKT: the transpose-kernel packing of Kᵀ gives packPanelsT's
// floats, for every GEMM and vector kernel and key counts that leave a
// partial (or narrow) last panel.
func TestPackKT(t *testing.T) {
	r := rand.New(rand.NewPCG(75, 76))
	for _, kn := range gemmKernels {
		forEachVecKernel(t, func(t *testing.T, vk *vecKernel) {
			for _, T := range []int{1, 7, 32, 97, 916} {
				for _, hd := range []int{8, 20, 64} {
					k := randSlice(r, T*hd, 1)
					want := make([]float32, kn.panelFloats(T, hd))
					got := randSlice(r, len(want), 1) // stale values must be overwritten
					packPanelsT(want, k, T, hd, kn)
					packKT(got, k, hd, T, hd, kn)
					if i := sameBits(got, want); i >= 0 {
						t.Fatalf("%s T=%d hd=%d: kp[%d] = %v, packPanelsT %v", kn.name, T, hd, i, got[i], want[i])
					}
				}
			}
		})
	}
}

// TestAttentionForwardInPlace: Forward (Q and K rotated in place in qkv,
// read there by the heads) gives the bits of ForwardTrain (heads gather and
// rotate), with and without RoPE, on 1 and 3 threads.
func TestAttentionForwardInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(77, 78))
	const B, T = 3, 101
	for _, rope := range []bool{true, false} {
		a := testAttention(r, T)
		if !rope {
			a.Rope = nil
		}
		n := B * T * a.Hidden
		x := randSlice(r, n, 1)
		want := make([]float32, n)
		var st AttentionState
		a.ForwardTrain(want, x, B, T, &st, &Arena{})
		for _, threads := range []int{1, 3} {
			useThreads(t, threads)
			got := make([]float32, n)
			a.Forward(got, x, B, T, &Arena{})
			if i := sameBits(got, want); i >= 0 {
				t.Fatalf("rope=%v threads=%d: out[%d] = %v, ForwardTrain %v", rope, threads, i, got[i], want[i])
			}
		}
	}
}

// BenchmarkAttentionBlocked: one sequence's 8 heads of 64 at T = 916 (the
// Maze/ARC shape) through the reference head (whole T×T scores, copies)
// and through headBlocked on Forward's rotated qkv, alternately in one
// loop on one thread; x_ref is the reference time over the blocked one.
//
//	go test -run '^$' -bench AttentionBlocked -benchtime 20x ./models/nn
func BenchmarkAttentionBlocked(b *testing.B) {
	const T, heads, hd, hidden = 916, 8, 64, 512
	r := rand.New(rand.NewPCG(1, 1))
	w := heads * hd
	a := NewAttention(randSlice(r, 3*w*hidden, 0.05), randSlice(r, hidden*w, 0.05), hidden, heads, hd, NewRoPE(T, hd, 10000))
	qkv := randSlice(r, T*3*w, 1)
	rotated := append([]float32(nil), qkv...)
	a.Rope.ApplyQK(rotated, 0, T, heads)
	out := make([]float32, T*w)
	ref := make([]float32, 4*T*hd+T*T)
	buf := make([]float32, a.blockedScratch(T))
	defer SetThreads(SetThreads(1))
	var s side2
	for b.Loop() {
		s.run(1,
			func() {
				for h := 0; h < heads; h++ {
					a.head(out, qkv, 0, h, T, ref)
				}
			},
			func() {
				for h := 0; h < heads; h++ {
					a.headBlocked(out, rotated, 0, h, T, true, buf)
				}
			})
	}
	s.report(b, "x_ref")
}
