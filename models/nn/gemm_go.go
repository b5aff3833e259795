package nn

// kernelGo is the pure-Go micro-kernel: used by purego builds, on other
// architectures and on x86 CPUs without AVX2+FMA. Its 4×8 tile is computed in
// 2×4 sub-tiles whose eight sums stay in registers.
var kernelGo = &gemmKernel{
	name: "go", mr: 4, nr: 8, kc: 256, mc: 64, nc: 256,
	micro: microGo4x8,
}

// microGo4x8 computes, for i < 4 and j < 8,
//
//	c[i*ldc+j] = (load ? c[i*ldc+j] : 0) + Σ_{p<k} a[i*lda+p]·b[p*ldb+j]
//
// summing in increasing p.
func microGo4x8(k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, load bool) {
	for i := 0; i < 4; i += 2 {
		a0 := a[i*lda : i*lda+k]
		a1 := a[(i+1)*lda : (i+1)*lda+k]
		c0 := c[i*ldc : i*ldc+8]
		c1 := c[(i+1)*ldc : (i+1)*ldc+8]
		for j := 0; j < 8; j += 4 {
			var s00, s01, s02, s03, s10, s11, s12, s13 float32
			if load {
				s00, s01, s02, s03 = c0[j], c0[j+1], c0[j+2], c0[j+3]
				s10, s11, s12, s13 = c1[j], c1[j+1], c1[j+2], c1[j+3]
			}
			bj := b[j:]
			for p, x0 := range a0 {
				x1 := a1[p]
				bp := bj[p*ldb : p*ldb+4 : p*ldb+4]
				b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
				s00 += x0 * b0
				s01 += x0 * b1
				s02 += x0 * b2
				s03 += x0 * b3
				s10 += x1 * b0
				s11 += x1 * b1
				s12 += x1 * b2
				s13 += x1 * b3
			}
			c0[j], c0[j+1], c0[j+2], c0[j+3] = s00, s01, s02, s03
			c1[j], c1[j+1], c1[j+2], c1[j+3] = s10, s11, s12, s13
		}
	}
}
