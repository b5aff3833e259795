package nn

// Fused elementwise kernels for the block's epilogues: each does in one pass
// over a row, with the rows split over the GEMM threads, what the layers do
// today as separate whole-matrix passes on one goroutine. They perform the
// same float32 operations per element in the same order (the vector kernels
// of vec.go), so their results have the same bits as the unfused sequence
// on every vector kernel; only memory traffic and threads change.

// addRMSNormMinRows is the fewest rows worth a thread of AddRMSNorm (a row
// of 512 costs about 0.1 µs).
const addRMSNormMinRows = 64

// AddRMSNorm is the post-norm residual: h (rows, dim) = RMSNorm(h + x) for x
// (rows, dim), without a learned scale. Same bits as AddInto(h, x) followed
// by RMSNorm(h, rows, dim, eps); each row is added and normalised while it
// is in L1, rows in parallel.
//
// Shapes: Sudoku h (8·97, 512), Maze/ARC h (B·916, 512).
func AddRMSNorm(h, x []float32, rows, dim int, eps float32) {
	if rows <= 0 || dim <= 0 {
		return
	}
	j := newRowJob(addRMSNormRows, dim, h[:rows*dim], x[:rows*dim], nil, nil)
	j.eps = eps
	parallelRows(rows, addRMSNormMinRows, j)
	j.free()
}

// addRMSNormRows is AddRMSNorm on rows [lo, hi): a = h, b = x, n = dim.
func addRMSNormRows(j *rowJob, lo, hi int) {
	dim := j.n
	k := vecImpl
	for r := lo; r < hi; r++ {
		row := j.a[r*dim : (r+1)*dim]
		k.addInto(row, j.b[r*dim:(r+1)*dim])
		k.rmsNorm(row, 1, dim, j.eps)
	}
}

// SwiGLUGate writes h (rows, inter) = silu(g)·u from the gate_up output gu
// (rows, 2·inter), each row [g | u] as the official SwiGLU splits it. Same
// bits as SiLUMul on each row (the gate of SwiGLU.Forward); rows in
// parallel.
//
// Shapes: Sudoku gu (8·97, 2·1536), mlp_t gu (8·512, 2·512), Maze/ARC gu
// (B·916, 2·1536).
func SwiGLUGate(h, gu []float32, rows, inter int) {
	if rows <= 0 || inter <= 0 {
		return
	}
	j := newRowJob(gateRows, inter, h[:rows*inter], gu[:rows*2*inter], nil, nil)
	parallelRows(rows, 16, j)
	j.free()
}
