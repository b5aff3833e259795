//go:build amd64 && !purego

package nn

import "golang.org/x/sys/cpu"

// sgemmKernelAVX512 computes a 6×64 tile of C; see gemm_amd64.s.
//
//go:noescape
func sgemmKernelAVX512(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load bool)

// sgemmKernelAVX512x48 computes a 6×48 tile of C (a narrow last panel).
//
//go:noescape
func sgemmKernelAVX512x48(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load bool)

// sgemmKernelAVX2 computes a 6×16 tile of C; see gemm_amd64.s.
//
//go:noescape
func sgemmKernelAVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load bool)

var kernelAVX512 = &gemmKernel{
	name: "avx512", mr: 6, nr: 64, kc: 512, mc: 96, nc: 256,
	micro: func(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, load bool) {
		sgemmKernelAVX512(k, &a[0], lda, &b[0], ldb, &c[0], ldc, load)
	},
	nrTail: 48,
	microTail: func(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, load bool) {
		sgemmKernelAVX512x48(k, &a[0], lda, &b[0], ldb, &c[0], ldc, load)
	},
}

var kernelAVX2 = &gemmKernel{
	name: "avx2", mr: 6, nr: 16, kc: 512, mc: 96, nc: 256,
	micro: func(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, load bool) {
		sgemmKernelAVX2(k, &a[0], lda, &b[0], ldb, &c[0], ldc, load)
	},
}

// asmKernels lists the assembly kernels this CPU can run, fastest first.
func asmKernels() []*gemmKernel {
	var ks []*gemmKernel
	if cpu.X86.HasAVX512F {
		ks = append(ks, kernelAVX512)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, kernelAVX2)
	}
	return ks
}
