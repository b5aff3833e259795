//go:build amd64 && !purego

package nn

import "golang.org/x/sys/cpu"

// bf16GemmAVX512 computes a 12×32 tile of the bf16 GEMM (gemm_bf16_amd64.s):
// np pairs, A rows at a (stride lda bf16 values), the panel at b (128 bytes a
// pair), C at c (stride ldc floats).
//
//go:noescape
func bf16GemmAVX512(np int, a *uint16, lda int, b *uint16, c *float32, ldc int, load bool)

// bf16GemmAVX512x16 computes a 12×16 tile (a narrow last panel, 64 bytes a
// pair).
//
//go:noescape
func bf16GemmAVX512x16(np int, a *uint16, lda int, b *uint16, c *float32, ldc int, load bool)

// toBF16AVX512 rounds n floats (a multiple of 16) to bf16 as ToBF16.
//
//go:noescape
func toBF16AVX512(dst *uint16, src *float32, n int)

// pairBF16AVX512 interleaves n pairs (a multiple of 16) rounded to bf16:
// dst[2j] = ToBF16(r0[j]), dst[2j+1] = ToBF16(r1[j]).
//
//go:noescape
func pairBF16AVX512(dst *uint16, r0, r1 *float32, n int)

// pairBF16Asm interleaves the multiple-of-16 part in assembly, the rest in
// Go (pairBF16Go).
func pairBF16Asm(dst []uint16, r0, r1 []float32) {
	n := len(r0)
	dst, r1 = dst[:2*n], r1[:n]
	if n16 := n &^ 15; n16 > 0 {
		pairBF16AVX512(&dst[0], &r0[0], &r1[0], n16)
		dst, r0, r1 = dst[2*n16:], r0[n16:], r1[n16:]
	}
	pairBF16Go(dst, r0, r1)
}

// widenBF16AVX512 widens n bf16 values (a multiple of 16) to float32.
//
//go:noescape
func widenBF16AVX512(dst *float32, src *uint16, n int)

// widenBF16Asm widens the multiple-of-16 part in assembly, the rest in Go.
func widenBF16Asm(dst []float32, src []uint16) {
	n := len(src)
	dst = dst[:n]
	if n16 := n &^ 15; n16 > 0 {
		widenBF16AVX512(&dst[0], &src[0], n16)
		dst, src = dst[n16:], src[n16:]
	}
	widenBF16Go(dst, src)
}

// dpbf16PeakZMM runs n iterations of 16 independent VDPBF16PS.
//
//go:noescape
func dpbf16PeakZMM(n int)

// toBF16Asm rounds the multiple-of-16 part in assembly, the rest in Go.
func toBF16Asm(dst []uint16, src []float32) {
	n := len(dst)
	src = src[:n]
	if n16 := n &^ 15; n16 > 0 {
		toBF16AVX512(&dst[0], &src[0], n16)
		dst, src = dst[n16:], src[n16:]
	}
	toBF16Go(dst, src)
}

var bf16KernelAVX512 = &bf16Kernel{
	name: "avx512bf16", mr: 12, nr: 32, kc: 256, mc: 96, nc: 256,
	micro: func(np int, a []uint16, lda int, b []uint16, c []float32, ldc int, load bool) {
		// Bounds: the last A, B and C values the kernel touches.
		_ = a[11*lda+2*np-1]
		_ = b[np*64-1]
		_ = c[11*ldc+31]
		bf16GemmAVX512(np, &a[0], lda, &b[0], &c[0], ldc, load)
	},
	nrTail: 16,
	microTail: func(np int, a []uint16, lda int, b []uint16, c []float32, ldc int, load bool) {
		_ = a[11*lda+2*np-1]
		_ = b[np*32-1]
		_ = c[11*ldc+15]
		bf16GemmAVX512x16(np, &a[0], lda, &b[0], &c[0], ldc, load)
	},
	toBF16:    toBF16Asm,
	widenBF16: widenBF16Asm,
	pairBF16:  pairBF16Asm,
	peak:      dpbf16PeakZMM,
	peakFlops: 16 * 16 * 2 * 2,
	chain:     true,
}

// bf16Why says why there is no assembly bf16 kernel.
func bf16Why() string {
	if !cpu.X86.HasAVX512F {
		return "the CPU lacks AVX-512F"
	}
	return "the CPU lacks AVX512-BF16 (VDPBF16PS)"
}
