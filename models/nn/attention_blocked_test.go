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
					for b := 0; b < B; b++ {
						for h := 0; h < tc.heads; h++ {
							a.head(want, qkv, b, h, tc.T, ref)
							a.headBlocked(got, qkv, b, h, tc.T, buf)
						}
					}
					if i := sameBits(got[:len(want)], want); i >= 0 {
						t.Fatalf("heads[%d] = %v, reference %v", i, got[i], want[i])
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
