package nn

// Elementwise passes of the bf16 forward pass, rows in parallel (as
// epilogue.go): each rounds to bf16 exactly where PyTorch's bfloat16 forward
// stores a bf16 tensor, computing in float32 in between (PyTorch's "opmath"
// for bf16 elementwise ops). Rows are independent, so the bits depend on
// neither threads nor batch; every kernel (assembly or Go) gives the same
// bits.

// RoundBF16Rows rounds x (rows, dim) to bf16 values in place, rows in
// parallel: the bf16 output of a GEMM that accumulated in float32.
func RoundBF16Rows(x []float32, rows, dim int) {
	if rows <= 0 || dim <= 0 {
		return
	}
	j := newRowJob(roundRows, dim, x[:rows*dim], nil, nil, nil)
	parallelRows(rows, addRMSNormMinRows, j)
	j.free()
}

func roundRows(j *rowJob, lo, hi int) { roundBF16(j.a[lo*j.n : hi*j.n]) }

// AddRMSNormBF16 is the bf16 post-norm residual of the official block:
// h (rows, dim) = bf16(RMSNorm(bf16(h + x))), h and x holding bf16 values
// (the add is a bf16 tensor op; rms_norm computes in float32 and casts
// back).
//
// Shapes: Sudoku h (8·97, 512), Maze/ARC h (B·916, 512).
func AddRMSNormBF16(h, x []float32, rows, dim int, eps float32) {
	if rows <= 0 || dim <= 0 {
		return
	}
	j := newRowJob(addRMSNormBF16Rows, dim, h[:rows*dim], x[:rows*dim], nil, nil)
	j.eps = eps
	parallelRows(rows, addRMSNormMinRows, j)
	j.free()
}

func addRMSNormBF16Rows(j *rowJob, lo, hi int) {
	dim := j.n
	k := vecImpl
	row, x := j.a[lo*dim:hi*dim], j.b[lo*dim:hi*dim]
	k.addInto(row, x)
	roundBF16(row)
	k.rmsNorm(row, hi-lo, dim, j.eps)
	roundBF16(row)
}

// AddBF16 sets dst = bf16(a + b) for a and b holding bf16 values: the
// bf16 sums of the recursion (z_H + x, z_L + injection).
func AddBF16(dst, a, b []float32) {
	if len(dst) == 0 {
		return
	}
	vecImpl.add(dst, a[:len(dst)], b[:len(dst)])
	roundBF16(dst)
}

// SwiGLUGateBF16 writes h (rows, inter) = bf16(bf16(silu(g))·u) from the
// bf16 gate_up output gu (rows, 2·inter), each row [g | u]: F.silu on a bf16
// tensor rounds its float32 result, and the product of two bf16 tensors is
// rounded again.
//
// Shapes: Sudoku gu (8·97, 2·1536), mlp_t gu (8·512, 2·512), Maze/ARC gu
// (B·916, 2·1536).
func SwiGLUGateBF16(h, gu []float32, rows, inter int) {
	if rows <= 0 || inter <= 0 {
		return
	}
	j := newRowJob(gateBF16Rows, inter, h[:rows*inter], gu[:rows*2*inter], nil, nil)
	parallelRows(rows, 16, j)
	j.free()
}

func gateBF16Rows(j *rowJob, lo, hi int) {
	I := j.n
	k := roundImpl
	for r := lo; r < hi; r++ {
		k.gate(j.a[r*I:(r+1)*I], j.b[2*r*I:(2*r+1)*I], j.b[(2*r+1)*I:(2*r+2)*I])
	}
}
