package nn

// AddSumInto is the TRM latent update's injection: dst (rows, dim) +=
// (a + b), the sum rounded to float32 first, then added — the bits of
// Add(tmp, a, b) followed by AddInto(dst, tmp). tmp (rows, dim) is scratch
// and receives a + b. Each row's sum is added while it is in L1, rows in
// parallel (the unfused pair makes two whole-matrix passes on one
// goroutine).
//
// Shapes: Sudoku (8·97, 512), Maze/ARC (B·916, 512); in TRM dst = z_L,
// a = z_H, b = x.
func AddSumInto(dst, a, b, tmp []float32, rows, dim int) {
	if rows <= 0 || dim <= 0 {
		return
	}
	n := rows * dim
	j := newRowJob(addSumRows, dim, dst[:n], a[:n], b[:n], tmp[:n])
	parallelRows(rows, addRMSNormMinRows, j)
	j.free()
}

// addSumRows is AddSumInto on rows [lo, hi): a = dst, b, c the addends, d
// the scratch, n = dim.
func addSumRows(j *rowJob, lo, hi int) {
	dim := j.n
	k := vecImpl
	for r := lo; r < hi; r++ {
		s := j.d[r*dim : (r+1)*dim]
		k.add(s, j.b[r*dim:(r+1)*dim], j.c[r*dim:(r+1)*dim])
		k.addInto(j.a[r*dim:(r+1)*dim], s)
	}
}
