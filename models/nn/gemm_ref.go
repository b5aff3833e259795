package nn

// Reference GEMMs: the plain loops every fast kernel must reproduce (up to
// float32 rounding of a different but fixed summation order). They also serve
// as the implementation until a faster kernel is selected.

// packT stores B = Wᵀ as a plain row-major (k, n) matrix.
func packT(w []float32, n, k int) *Packed {
	data := make([]float32, k*n)
	for j := 0; j < n; j++ {
		for p := 0; p < k; p++ {
			data[p*n+j] = w[j*k+p]
		}
	}
	return &Packed{K: k, N: n, data: data}
}

// matMulPacked: c[i][j] (+)= Σ_p a[i][p]·B[p][j].
func matMulPacked(c, a []float32, m int, b *Packed, accumulate bool) {
	k, n := b.K, b.N
	for i := 0; i < m; i++ {
		row := c[i*n : (i+1)*n]
		if !accumulate {
			clear(row)
		}
		for p := 0; p < k; p++ {
			av := a[i*k+p]
			bp := b.data[p*n : (p+1)*n]
			for j := range row {
				row[j] += av * bp[j]
			}
		}
	}
}

// matMulNT: c[i][j] = Σ_p a[i][p]·b[j][p].
func matMulNT(c, a, b []float32, m, n, k int) {
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

// matMulNN: c[i][j] = Σ_p a[i][p]·b[p][j].
func matMulNN(c, a, b []float32, m, n, k int) {
	for i := 0; i < m; i++ {
		row := c[i*n : (i+1)*n]
		clear(row)
		for p := 0; p < k; p++ {
			av := a[i*k+p]
			bp := b[p*n : (p+1)*n]
			for j := range row {
				row[j] += av * bp[j]
			}
		}
	}
}
