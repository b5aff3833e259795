package nn

// bf16KernelGo is the pure-Go bf16 kernel: the chain of gemm_bf16.go spelled
// out with dpStep, one element at a time (4×16 tiles). purego builds, other
// architectures and CPUs without AVX512-BF16 run it; the tests hold the
// assembly kernel to its bits.
var bf16KernelGo = &bf16Kernel{
	name: "go", mr: 4, nr: 16, kc: 256, mc: 64, nc: 256,
	micro:     microBF16Go,
	widenBF16: widenBF16Go,
	pairBF16:  pairBF16Go,
	toBF16:    toBF16Go,
	peak:      dpPeakGo,
	peakFlops: 8 * 2,
	chain:     true,
}

// dpPeakGo runs n iterations of 8 independent dpStep chains.
func dpPeakGo(n int) {
	s := [8]float32{0, 1, 2, 3, 4, 5, 6, 7}
	x, y := float32(0.999), float32(1e-3)
	for range n {
		for i := range s {
			s[i] = dpStep(s[i], x, y)
		}
	}
	peakSink = s[0] + s[1] + s[2] + s[3] + s[4] + s[5] + s[6] + s[7]
}

// microBF16Go computes an mr × w tile (mr = 4, w = the panel width = ldb/2
// of the packed layout, 16 here): for each element the chain over np pairs,
// odd product first.
func microBF16Go(np int, a []uint16, lda int, b []uint16, c []float32, ldc int, load bool) {
	const mr, w = 4, 16
	for i := 0; i < mr; i++ {
		ai := a[i*lda : i*lda+2*np]
		ci := c[i*ldc : i*ldc+w]
		for j := range ci {
			var s float32
			if load {
				s = dazF32(ci[j])
			}
			for p := 0; p < np; p++ {
				bp := b[p*2*w+2*j : p*2*w+2*j+2]
				s = dpStep(s, bf16DAZ(ai[2*p+1]), bf16DAZ(bp[1]))
				s = dpStep(s, bf16DAZ(ai[2*p]), bf16DAZ(bp[0]))
			}
			ci[j] = s
		}
	}
}

// refMatMulBF16 is the plain-loop reference of the bf16 GEMM: C (m, n) (+)=
// A (m, k) · Wᵀ for W (n, k), both rounded to bf16 with ToBF16, each element
// the chain of gemm_bf16.go (pairs in increasing p, odd product first, an odd
// k's last pair completed with zeros). The conformance tests hold every
// kernel to its bits.
func refMatMulBF16(c, a []float32, m int, w []float32, n, k int, accumulate bool) {
	at := func(x []float32, i int) float32 { // x[i], zero past the end of the row
		if i >= k {
			return 0
		}
		return bf16DAZ(ToBF16(x[i]))
	}
	for i := 0; i < m; i++ {
		ai := a[i*k : (i+1)*k]
		for j := 0; j < n; j++ {
			wj := w[j*k : (j+1)*k]
			var s float32
			if accumulate {
				s = dazF32(c[i*n+j])
			}
			for p := 0; 2*p < k; p++ {
				s = dpStep(s, at(ai, 2*p+1), at(wj, 2*p+1))
				s = dpStep(s, at(ai, 2*p), at(wj, 2*p))
			}
			c[i*n+j] = s
		}
	}
}
