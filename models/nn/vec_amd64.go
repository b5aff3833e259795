//go:build amd64 && !purego

package nn

import "golang.org/x/sys/cpu"

// Assembly vector kernels (vec_amd64.s); n > 0 elements unless stated.

//go:noescape
func expAVX512(dst, x *float32, n int)

//go:noescape
func siluMulAVX512(dst, x, u *float32, n int)

//go:noescape
func scaleAVX512(x *float32, n int, s float32)

//go:noescape
func addAVX512(dst, a, b *float32, n int)

//go:noescape
func expAVX2(dst, x *float32, n int)

//go:noescape
func siluMulAVX2(dst, x, u *float32, n int)

//go:noescape
func scaleAVX2(x *float32, n int, s float32)

//go:noescape
func addAVX2(dst, a, b *float32, n int)

//go:noescape
func rmsNormAVX512(x *float32, rows, dim int, eps float32)

//go:noescape
func softmaxAVX512(x *float32, rows, n int)

//go:noescape
func rmsNormAVX2(x *float32, rows, dim int, eps float32)

//go:noescape
func softmaxAVX2(x *float32, rows, n int)

//go:noescape
func onlineSoftmaxAVX512(x *float32, rows, n int, scale float32, mprev, mnew, sum *float32)

// transposeAVX transposes a rows×cols block (both multiples of 8, > 0).
//
//go:noescape
func transposeAVX(dst *float32, ldd int, src *float32, lds int, rows, cols int)

// transposeAsm does the multiple-of-8 part of the block with transposeAVX
// and the edges in Go.
func transposeAsm(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	r8, c8 := rows&^7, cols&^7
	if r8 > 0 && c8 > 0 {
		// Bounds: the last element read and written.
		_ = src[(r8-1)*lds+c8-1]
		_ = dst[(c8-1)*ldd+r8-1]
		transposeAVX(&dst[0], ldd, &src[0], lds, r8, c8)
	}
	if c8 < cols {
		transposeGo(dst[c8*ldd:], ldd, src[c8:], lds, r8, cols-c8)
	}
	if r8 < rows {
		transposeGo(dst[r8:], ldd, src[r8*lds:], lds, rows-r8, cols)
	}
}

var vecAVX512 = &vecKernel{
	name:      "avx512",
	exp:       func(dst, x []float32) { expAVX512(&dst[0], &x[0], len(dst)) },
	siluMul:   func(dst, g, u []float32) { siluMulAVX512(&dst[0], &g[0], &u[0], len(dst)) },
	scale:     func(x []float32, s float32) { scaleAVX512(&x[0], len(x), s) },
	addInto:   func(dst, src []float32) { addAVX512(&dst[0], &dst[0], &src[0], len(dst)) },
	add:       func(dst, a, b []float32) { addAVX512(&dst[0], &a[0], &b[0], len(dst)) },
	transpose: transposeAsm,
	rmsNorm:   func(x []float32, rows, dim int, eps float32) { rmsNormAVX512(&x[0], rows, dim, eps) },
	softmax:   func(x []float32, rows, n int) { softmaxAVX512(&x[0], rows, n) },
	onlineSoftmax: func(x []float32, rows, n int, scale float32, mprev, mnew, sum []float32) {
		_, _, _, _ = x[rows*n-1], mprev[rows-1], mnew[rows-1], sum[rows-1]
		onlineSoftmaxAVX512(&x[0], rows, n, scale, &mprev[0], &mnew[0], &sum[0])
	},
	rope: ropeAsm,
}

var vecAVX2 = &vecKernel{
	name:      "avx2",
	exp:       func(dst, x []float32) { expAVX2(&dst[0], &x[0], len(dst)) },
	siluMul:   func(dst, g, u []float32) { siluMulAVX2(&dst[0], &g[0], &u[0], len(dst)) },
	scale:     func(x []float32, s float32) { scaleAVX2(&x[0], len(x), s) },
	addInto:   func(dst, src []float32) { addAVX2(&dst[0], &dst[0], &src[0], len(dst)) },
	add:       func(dst, a, b []float32) { addAVX2(&dst[0], &a[0], &b[0], len(dst)) },
	transpose: transposeAsm,
	rmsNorm:   func(x []float32, rows, dim int, eps float32) { rmsNormAVX2(&x[0], rows, dim, eps) },
	softmax:   func(x []float32, rows, n int) { softmaxAVX2(&x[0], rows, n) },
	// No AVX2 twins yet: the Go ones give the same bits.
	onlineSoftmax: onlineSoftmaxGo,
	rope:          ropeGo,
}

// asmVecKernels lists the assembly implementations this CPU can run,
// fastest first. Neither uses FMA (see vec_go.go), so AVX2 alone suffices
// for the 8-lane one.
func asmVecKernels() []*vecKernel {
	var ks []*vecKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, vecAVX512)
	}
	if cpu.X86.HasAVX2 {
		ks = append(ks, vecAVX2)
	}
	return ks
}
