package tasks

import (
	"fmt"
	"testing"
)

// specDihedral is trm-spec §2.5 written out independently: the output shape
// and the source cell A[r][c] of every output cell (i, j) of transform t.
func specDihedral(t int, a Grid) Grid {
	h, w := a.H, a.W
	type rule struct {
		swap bool
		src  func(i, j int) (int, int)
	}
	rules := [NumDihedral]rule{
		0: {false, func(i, j int) (int, int) { return i, j }},
		1: {true, func(i, j int) (int, int) { return j, w - 1 - i }},
		2: {false, func(i, j int) (int, int) { return h - 1 - i, w - 1 - j }},
		3: {true, func(i, j int) (int, int) { return h - 1 - j, i }},
		4: {false, func(i, j int) (int, int) { return i, w - 1 - j }},
		5: {false, func(i, j int) (int, int) { return h - 1 - i, j }},
		6: {true, func(i, j int) (int, int) { return j, i }},
		7: {true, func(i, j int) (int, int) { return h - 1 - j, w - 1 - i }},
	}
	rl := rules[t]
	oh, ow := h, w
	if rl.swap {
		oh, ow = w, h
	}
	rows := make([][]uint8, oh)
	for i := range rows {
		rows[i] = make([]uint8, ow)
		for j := range rows[i] {
			r, c := rl.src(i, j)
			rows[i][j] = a.Cells[r*w+c]
		}
	}
	out := Grid{H: oh, W: ow}
	for _, row := range rows {
		out.Cells = append(out.Cells, row...)
	}
	return out
}

// Numpy's building blocks, each written as numpy defines it, to compose the
// transforms the way common.py does (np.rot90 is counter-clockwise:
// rot90(m) = flipud(m.T), i.e. flip(swapaxes(m, 0, 1), 0)).
func npTranspose(a [][]uint8) [][]uint8 {
	if len(a) == 0 {
		return nil
	}
	out := make([][]uint8, len(a[0]))
	for j := range out {
		out[j] = make([]uint8, len(a))
		for i := range a {
			out[j][i] = a[i][j]
		}
	}
	return out
}

func npFlipud(a [][]uint8) [][]uint8 {
	out := make([][]uint8, len(a))
	for i := range a {
		out[i] = append([]uint8(nil), a[len(a)-1-i]...)
	}
	return out
}

func npFliplr(a [][]uint8) [][]uint8 {
	out := make([][]uint8, len(a))
	for i, row := range a {
		out[i] = make([]uint8, len(row))
		for j := range row {
			out[i][j] = row[len(row)-1-j]
		}
	}
	return out
}

func npRot90(a [][]uint8) [][]uint8 { return npFlipud(npTranspose(a)) }

func toRows(g Grid) [][]uint8 {
	rows := make([][]uint8, g.H)
	for r := range rows {
		rows[r] = append([]uint8(nil), g.Cells[r*g.W:(r+1)*g.W]...)
	}
	return rows
}

func fromRows(rows [][]uint8) Grid {
	g := Grid{H: len(rows), W: len(rows[0])}
	for _, r := range rows {
		g.Cells = append(g.Cells, r...)
	}
	return g
}

// numpyDihedral is common.py's dihedral_transform composed from numpy calls.
func numpyDihedral(t int, a [][]uint8) [][]uint8 {
	switch t {
	case 1:
		return npRot90(a)
	case 2:
		return npRot90(npRot90(a))
	case 3:
		return npRot90(npRot90(npRot90(a)))
	case 4:
		return npFliplr(a)
	case 5:
		return npFlipud(a)
	case 6:
		return npTranspose(a)
	case 7:
		return npFliplr(npRot90(a))
	}
	return a
}

func TestDihedralInverseProperty(t *testing.T) {
	r := newRand(1)
	for iter := 0; iter < 2000; iter++ {
		h, w := 1+r.IntN(30), 1+r.IntN(30)
		if iter%4 == 0 {
			w = h // square grids too
		}
		g := randGrid(r, h, w, 9)
		for tr := 0; tr < NumDihedral; tr++ {
			d := Dihedral(g, tr)
			if back := Dihedral(d, InverseDihedral(tr)); !back.Equal(g) {
				t.Fatalf("iter %d, %d×%d, t=%d: Dihedral(Dihedral(g,t), inverse) != g", iter, h, w, tr)
			}
			if InverseDihedral(InverseDihedral(tr)) != tr {
				t.Fatalf("inverse of inverse of %d is not %d", tr, tr)
			}
			if len(d.Cells) != h*w {
				t.Fatalf("t=%d: %d cells, want %d", tr, len(d.Cells), h*w)
			}
		}
	}
}

func TestDihedralMatchesSpecFormulas(t *testing.T) {
	shapes := [][2]int{{1, 1}, {1, 7}, {7, 1}, {2, 3}, {3, 2}, {5, 5}, {30, 30}, {30, 1}, {13, 29}}
	r := newRand(2)
	for tr := 0; tr < NumDihedral; tr++ {
		t.Run(fmt.Sprintf("t%d", tr), func(t *testing.T) {
			for iter := 0; iter < 300; iter++ {
				var h, w int
				if iter < len(shapes) {
					h, w = shapes[iter][0], shapes[iter][1]
				} else {
					h, w = 1+r.IntN(30), 1+r.IntN(30)
				}
				g := randGrid(r, h, w, 9)
				got := Dihedral(g, tr)
				if want := specDihedral(tr, g); !got.Equal(want) {
					t.Fatalf("%d×%d: Dihedral differs from the spec formula\ngot\n%v\nwant\n%v", h, w, got, want)
				}
				if want := fromRows(numpyDihedral(tr, toRows(g))); !got.Equal(want) {
					t.Fatalf("%d×%d: Dihedral differs from the numpy composition\ngot\n%v\nwant\n%v", h, w, got, want)
				}
			}
		})
	}
}

// TestDihedralRot90Numpy pins t=1 to np.rot90 on literal arrays: rot90 turns
// counter-clockwise, so the last column becomes the first row.
func TestDihedralRot90Numpy(t *testing.T) {
	tests := []struct {
		name string
		in   Grid
		want Grid
	}{
		// np.rot90([[1,2,3],[4,5,6]]) == [[3,6],[2,5],[1,4]]
		{"2x3", gridOf("123", "456"), gridOf("36", "25", "14")},
		// np.rot90([[1,2],[3,4]]) == [[2,4],[1,3]]
		{"2x2", gridOf("12", "34"), gridOf("24", "13")},
		// np.rot90([[1],[2],[3]]) == [[1,2,3]]
		{"3x1", gridOf("1", "2", "3"), gridOf("123")},
		// np.rot90([[1,2,3]]) == [[3],[2],[1]]
		{"1x3", gridOf("123"), gridOf("3", "2", "1")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Dihedral(tc.in, 1); !got.Equal(tc.want) {
				t.Errorf("Dihedral(t=1)\n%v\nwant np.rot90\n%v", got, tc.want)
			}
		})
	}
}

// TestDihedralGroup checks the compositions common.py implies: t2 = t1∘t1,
// t3 = t1∘t1∘t1, t7 = fliplr∘rot90, and that the 8 transforms differ on an
// asymmetric grid.
func TestDihedralGroup(t *testing.T) {
	r := newRand(3)
	g := randGrid(r, 4, 6, 9)
	g.Cells[0] = 1 // make it asymmetric for sure
	g.Cells[1] = 2
	rot := func(x Grid) Grid { return Dihedral(x, 1) }
	checks := []struct {
		name     string
		got, exp Grid
	}{
		{"t2=rot90^2", Dihedral(g, 2), rot(rot(g))},
		{"t3=rot90^3", Dihedral(g, 3), rot(rot(rot(g)))},
		{"t7=fliplr(rot90)", Dihedral(g, 7), Dihedral(rot(g), 4)},
		{"t6=transpose", Dihedral(g, 6), Dihedral(Dihedral(g, 1), 5)},
		{"rot90^4=id", rot(rot(rot(rot(g)))), g},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.got.Equal(c.exp) {
				t.Errorf("got\n%v\nwant\n%v", c.got, c.exp)
			}
		})
	}
	seen := map[string]int{}
	for tr := 0; tr < NumDihedral; tr++ {
		h := Dihedral(g, tr).Hash()
		if prev, dup := seen[h]; dup {
			t.Errorf("transforms %d and %d agree on an asymmetric grid", prev, tr)
		}
		seen[h] = tr
	}
}
