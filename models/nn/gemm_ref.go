package nn

// Reference GEMMs: the plain loops every kernel must reproduce up to float32
// rounding (the kernels sum each element in the same increasing-p order, but
// with fused multiply-adds). B is a plain row-major (k, n) matrix here. The
// conformance tests use them, beside a float64 product, as the oracle.

// refMatMul: c[i][j] (+)= Σ_p a[i][p]·b[p][j] for A (m, k), B (k, n).
func refMatMul(c, a, b []float32, m, n, k int, accumulate bool) {
	for i := 0; i < m; i++ {
		row := c[i*n : (i+1)*n]
		if !accumulate {
			clear(row)
		}
		for p := 0; p < k; p++ {
			av := a[i*k+p]
			bp := b[p*n : (p+1)*n]
			for j := range row {
				row[j] += av * bp[j]
			}
		}
	}
}

// refMatMulNT: c[i][j] = Σ_p a[i][p]·b[j][p] for A (m, k), B (n, k).
func refMatMulNT(c, a, b []float32, m, n, k int) {
	for i := 0; i < m; i++ {
		ai := a[i*k : (i+1)*k]
		for j := 0; j < n; j++ {
			bj := b[j*k : (j+1)*k]
			var s float32
			for p := range ai {
				s += ai[p] * bj[p]
			}
			c[i*n+j] = s
		}
	}
}

// refMatMulTN: c[i][j] (+)= Σ_p a[p][i]·b[p][j] for A (k, m), B (k, n).
func refMatMulTN(c, a, b []float32, m, n, k int, accumulate bool) {
	for i := 0; i < m; i++ {
		row := c[i*n : (i+1)*n]
		if !accumulate {
			clear(row)
		}
		for p := 0; p < k; p++ {
			av := a[p*m+i]
			bp := b[p*n : (p+1)*n]
			for j := range row {
				row[j] += av * bp[j]
			}
		}
	}
}
