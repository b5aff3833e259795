//go:build amd64 && !purego

package nn

// ropeAVX512 rotates n vectors of 2·half values (half a multiple of 16);
// see rope_amd64.s and ropeGo.
//
//go:noescape
func ropeAVX512(dst, src *float32, n, ldd, lds int, cos, sin *float32, half int)

// ropeAsm is the AVX-512 rope kernel: the assembly when a half-vector is a
// whole number of 16-lane registers (head dims 32, 64, 128), else ropeGo.
//
// Shapes: Maze/ARC/Sudoku heads of 64: one position's 16 Q and K heads of a
// qkv row (n = 16, ldd = lds = 64) or one head vector (n = 1).
func ropeAsm(dst, src []float32, n, ldd, lds int, cos, sin []float32) {
	dim := len(cos)
	if n == 0 || dim == 0 {
		return
	}
	if dim%32 != 0 || len(sin) != dim {
		ropeGo(dst, src, n, ldd, lds, cos, sin)
		return
	}
	_, _ = dst[(n-1)*ldd+dim-1], src[(n-1)*lds+dim-1] // bounds, once
	ropeAVX512(&dst[0], &src[0], n, ldd, lds, &cos[0], &sin[0], dim/2)
}
