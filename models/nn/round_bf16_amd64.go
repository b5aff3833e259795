//go:build amd64 && !purego

package nn

import "golang.org/x/sys/cpu"

// roundBF16AVX512 rounds n floats (a multiple of 16) to bf16 in place.
//
//go:noescape
func roundBF16AVX512(x *float32, n int)

// mulRoundBF16AVX512 sets dst = round(round(a)·b) for n floats (a multiple of
// 16).
//
//go:noescape
func mulRoundBF16AVX512(dst, a, b *float32, n int)

// gateBF16AVX512 sets dst = round(round(silu(g))·u) for n floats (a
// multiple of 16); in vec_amd64.s beside the exp it shares.
//
//go:noescape
func gateBF16AVX512(dst, x, u *float32, n int)

// gateRndTabBF16AVX512 sets dst = round(round(silu(round(g)))·round(u)) for
// n floats (a multiple of 16), round(silu(·)) from tab (siluBF16Table).
//
//go:noescape
func gateRndTabBF16AVX512(dst, x, u *float32, n int, tab *float32)

var roundAVX512 = &bf16Round{
	name: "avx512",
	round: func(x []float32) {
		n16 := len(x) &^ 15
		if n16 > 0 {
			roundBF16AVX512(&x[0], n16)
		}
		RoundBF16All(x[n16:])
	},
	mulRound: vec16x3(mulRoundBF16AVX512, mulRoundBF16Go),
	gate:     vec16x3(gateBF16AVX512, gateBF16Go),
	gateRound: vec16x3(func(dst, g, u *float32, n int) {
		gateRndTabBF16AVX512(dst, g, u, n, &siluBF16Table()[0])
	}, gateRoundBF16Go),
}

// vec16x3 makes a kernel of dst and two inputs (equal lengths) from an
// assembly body over a multiple of 16 values and the Go twin for the rest.
func vec16x3(asm func(dst, a, b *float32, n int), tail func(dst, a, b []float32)) func(dst, a, b []float32) {
	return func(dst, a, b []float32) {
		n := len(dst)
		a, b = a[:n], b[:n]
		n16 := n &^ 15
		if n16 > 0 {
			asm(&dst[0], &a[0], &b[0], n16)
		}
		tail(dst[n16:], a[n16:], b[n16:])
	}
}

// asmRoundKernels lists the assembly rounding kernels this CPU can run.
func asmRoundKernels() []*bf16Round {
	if cpu.X86.HasAVX512F {
		return []*bf16Round{roundAVX512}
	}
	return nil
}
