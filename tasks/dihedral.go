package tasks

// The 8 dihedral transforms of the official builders (numpy semantics, rot90
// counter-clockwise), by id:
//
//	0 identity            out[i][j] = A[i][j]
//	1 rot90               out[i][j] = A[j][w-1-i]       (out is w×h)
//	2 rot180              out[i][j] = A[h-1-i][w-1-j]
//	3 rot270              out[i][j] = A[h-1-j][i]       (out is w×h)
//	4 fliplr              out[i][j] = A[i][w-1-j]
//	5 flipud              out[i][j] = A[h-1-i][j]
//	6 transpose           out[i][j] = A[j][i]           (out is w×h)
//	7 anti-transpose      out[i][j] = A[h-1-j][w-1-i]   (out is w×h)
const NumDihedral = 8

// dihedralInverse[t] undoes transform t.
var dihedralInverse = [NumDihedral]int{0, 3, 2, 1, 4, 5, 6, 7}

// InverseDihedral returns the id of the transform that undoes t.
func InverseDihedral(t int) int { return dihedralInverse[t] }

// dihedralSwapsAxes reports whether transform t turns an h×w grid into w×h.
func dihedralSwapsAxes(t int) bool { return t == 1 || t == 3 || t == 6 || t == 7 }

// dihedralSource returns the source cell (row, col) in an h×w grid of output
// cell (i, j) under transform t.
func dihedralSource(t, h, w, i, j int) (int, int) {
	switch t {
	case 1:
		return j, w - 1 - i
	case 2:
		return h - 1 - i, w - 1 - j
	case 3:
		return h - 1 - j, i
	case 4:
		return i, w - 1 - j
	case 5:
		return h - 1 - i, j
	case 6:
		return j, i
	case 7:
		return h - 1 - j, w - 1 - i
	}
	return i, j
}

// Dihedral returns a new grid: g under transform t (0..7).
func Dihedral(g Grid, t int) Grid {
	return dihedralInto(make([]uint8, len(g.Cells)), g, t, nil)
}

// dihedralInto writes g under transform t into dst (len(g.Cells) cells),
// mapping every cell through colours when it is non-nil, and returns dst as
// the transformed grid.
func dihedralInto(dst []uint8, g Grid, t int, colours *ColourMap) Grid {
	oh, ow := g.H, g.W
	if dihedralSwapsAxes(t) {
		oh, ow = g.W, g.H
	}
	out := Grid{H: oh, W: ow, Cells: dst}
	for i := 0; i < oh; i++ {
		for j := 0; j < ow; j++ {
			r, c := dihedralSource(t, g.H, g.W, i, j)
			v := g.Cells[r*g.W+c]
			if colours != nil {
				v = colours[v]
			}
			out.Cells[i*ow+j] = v
		}
	}
	return out
}
