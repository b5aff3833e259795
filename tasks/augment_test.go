package tasks

import (
	"fmt"
	"strings"
	"testing"

	"arceval/internal/nprand"
	"arceval/internal/testenv"
)

func TestColourMap(t *testing.T) {
	r := newRand(5)
	for iter := 0; iter < 200; iter++ {
		m := randColourMap(r)
		if !m.Valid() || m[0] != 0 {
			t.Fatalf("randColourMap gave %v", m)
		}
		inv := m.Inverse()
		for c := 0; c < 10; c++ {
			if inv[m[c]] != uint8(c) || m[inv[c]] != uint8(c) {
				t.Fatalf("%v: Inverse %v is not the inverse", m, inv)
			}
		}
	}
	invalid := []struct {
		name string
		m    ColourMap
	}{
		{"repeat", ColourMap{0, 1, 1, 3, 4, 5, 6, 7, 8, 9}},
		{"out-of-range", ColourMap{0, 1, 2, 3, 4, 5, 6, 7, 8, 10}},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			if tc.m.Valid() {
				t.Errorf("%v reported valid", tc.m)
			}
		})
	}
}

func TestARCAugInvertProperty(t *testing.T) {
	r := newRand(6)
	var buf []uint8
	for iter := 0; iter < 3000; iter++ {
		aug := ARCAug{Trans: r.IntN(NumDihedral), Colours: randColourMap(r)}
		g := randGrid(r, 1+r.IntN(30), 1+r.IntN(30), 9)
		v := aug.Apply(g)
		// ApplyTo into a reused buffer (of whatever earlier size) agrees.
		if w := aug.ApplyTo(buf, g); !w.Equal(v) {
			t.Fatalf("iter %d: ApplyTo differs from Apply for %+v", iter, aug)
		} else {
			buf = w.Cells
		}
		if back := aug.Invert(v); !back.Equal(g) {
			t.Fatalf("iter %d: Invert(Apply(g)) != g for %+v", iter, aug)
		}
		// Apply is colours first, then geometry, as the builder does; the two
		// commute, so the view equals colours applied after the transform too.
		if alt := aug.Colours.Apply(Dihedral(g, aug.Trans)); !alt.Equal(v) {
			t.Fatalf("iter %d: colour map and transform do not commute", iter)
		}
		// The official inverse: inv_perm[dihedral(v, inverse[t])].
		inv := aug.Colours.Inverse()
		d := Dihedral(v, InverseDihedral(aug.Trans))
		for i, c := range d.Cells {
			d.Cells[i] = inv[c]
		}
		if !d.Equal(g) {
			t.Fatalf("iter %d: spec inverse differs", iter)
		}
		// Colour 0 (black) is fixed: the view has as many 0 cells.
		if countZero(v.Cells) != countZero(g.Cells) {
			t.Fatalf("iter %d: %+v changed the number of black cells", iter, aug)
		}
	}
	if !IdentityARCAug.IsIdentity() || (ARCAug{Trans: 1, Colours: IdentityColours}).IsIdentity() {
		t.Error("IsIdentity is wrong")
	}
}

func TestARCAugName(t *testing.T) {
	tests := []struct {
		name string
		id   string
		aug  ARCAug
		want string
	}{
		{"identity", "007bbfb7", IdentityARCAug, "007bbfb7|||t0|||0123456789"},
		{"official", "0a1d4ef5", ARCAug{Trans: 7, Colours: ColourMap{0, 3, 9, 1, 2, 8, 7, 4, 6, 5}}, "0a1d4ef5|||t7|||0391287465"},
		{"concept", "AboveBelow1", ARCAug{Trans: 3, Colours: ColourMap{0, 9, 8, 7, 6, 5, 4, 3, 2, 1}}, "AboveBelow1|||t3|||0987654321"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.aug.Name(tc.id); got != tc.want {
				t.Errorf("Name = %q, want %q", got, tc.want)
			}
			id, aug, err := ParseARCName(tc.want)
			if err != nil || id != tc.id || aug != tc.aug {
				t.Errorf("ParseARCName(%q) = %q, %+v, %v", tc.want, id, aug, err)
			}
		})
	}
}

func TestParseARCNameRoundTrip(t *testing.T) {
	r := newRand(7)
	const alphabet = "0123456789abcdefABCXYZ_-."
	for iter := 0; iter < 5000; iter++ {
		b := make([]byte, 1+r.IntN(16))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		id := string(b)
		aug := ARCAug{Trans: r.IntN(NumDihedral), Colours: randColourMap(r)}
		if iter%5 == 0 {
			aug.Colours = ColourMap(IdentityColours)
			r.Shuffle(10, func(i, j int) { aug.Colours[i], aug.Colours[j] = aug.Colours[j], aug.Colours[i] })
		}
		gotID, gotAug, err := ParseARCName(aug.Name(id))
		if err != nil || gotID != id || gotAug != aug {
			t.Fatalf("ParseARCName(%q) = %q, %+v, %v; want %q, %+v", aug.Name(id), gotID, gotAug, err, id, aug)
		}
		// A plain id is the original: identity.
		gotID, gotAug, err = ParseARCName(id)
		if err != nil || gotID != id || !gotAug.IsIdentity() {
			t.Fatalf("ParseARCName(%q) = %q, %+v, %v; want the identity", id, gotID, gotAug, err)
		}
	}
}

func TestParseARCNameErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"transform-8", "abc|||t8|||0123456789", `transform "t8", want t0..t7`},
		{"transform-negative", "abc|||t-1|||0123456789", `transform "t-1"`},
		{"no-t", "abc|||3|||0123456789", `transform "3"`},
		{"transform-letters", "abc|||tx|||0123456789", `transform "tx"`},
		{"short-map", "abc|||t1|||012345678", `colour map "012345678", want 10 digits`},
		{"long-map", "abc|||t1|||01234567890", `colour map "01234567890", want 10 digits`},
		{"repeated-colour", "abc|||t1|||0123456788", `colour map "0123456788" is not a permutation of 0-9`},
		{"letter-in-map", "abc|||t1|||012345678a", `is not a permutation of 0-9`},
		{"two-parts", "abc|||t1", `want <id>|||t<0-7>|||<10 digits>`},
		{"four-parts", "abc|||t1|||0123456789|||x", `want <id>|||t<0-7>|||<10 digits>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseARCName(tc.in)
			wantErr(t, err, fmt.Sprintf("puzzle name %q", tc.in), tc.want)
		})
	}
}

// validSudoku returns a solved board by the classic shifted pattern.
func validSudoku() Grid {
	g := NewGrid(9, 9)
	for r := 0; r < 9; r++ {
		for c := 0; c < 9; c++ {
			g.Set(r, c, uint8((r*3+r/3+c)%9+1))
		}
	}
	return g
}

// puzzleOf blanks the cells of a solution where keep is false.
func puzzleOf(sol Grid, keep func(i int) bool) Grid {
	q := sol.Clone()
	for i := range q.Cells {
		if !keep(i) {
			q.Cells[i] = 0
		}
	}
	return q
}

// checkSudokuPair fails unless a is a valid solution and q's givens agree.
func checkSudokuPair(t *testing.T, what string, q, a Grid) {
	t.Helper()
	pl := &problemList{file: what}
	checkSudoku(q, a, pl, "")
	if err := pl.err(); err != nil {
		t.Fatal(err)
	}
}

func TestRandomSudokuAugStructure(t *testing.T) {
	for seed := uint32(0); seed < 200; seed++ {
		a := RandomSudokuAug(nprand.New(seed))
		if a.Digits[0] != 0 {
			t.Fatalf("seed %d: blank maps to %d", seed, a.Digits[0])
		}
		var seen [10]bool
		for _, d := range a.Digits[1:] {
			if d < 1 || d > 9 || seen[d] {
				t.Fatalf("seed %d: digit map %v is not a permutation of 1..9", seed, a.Digits)
			}
			seen[d] = true
		}
		for _, perm := range [][9]int{a.RowPerm, a.ColPerm} {
			var used [9]bool
			for k := 0; k < 3; k++ {
				band := perm[3*k] / 3
				for j := 0; j < 3; j++ {
					v := perm[3*k+j]
					if v/3 != band || used[v] {
						t.Fatalf("seed %d: line permutation %v does not permute whole bands", seed, perm)
					}
					used[v] = true
				}
			}
		}
	}
	// Same seed, same augmentation: the draw is deterministic.
	first, second := RandomSudokuAug(nprand.New(42)), RandomSudokuAug(nprand.New(42))
	if first != second {
		t.Error("RandomSudokuAug is not deterministic for a fixed seed")
	}
}

func TestSudokuAugHandMade(t *testing.T) {
	sol := validSudoku()
	q := puzzleOf(sol, func(i int) bool { return i%3 == 0 })
	checkSudokuPair(t, "pattern", q, sol)
	transposeOnly := SudokuAug{Digits: [10]uint8{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Transpose: true,
		RowPerm: [9]int{0, 1, 2, 3, 4, 5, 6, 7, 8}, ColPerm: [9]int{0, 1, 2, 3, 4, 5, 6, 7, 8}}
	tests := []struct {
		name string
		aug  SudokuAug
	}{
		{"transpose", transposeOnly},
		{"seed0", RandomSudokuAug(nprand.New(0))},
		{"seed1", RandomSudokuAug(nprand.New(1))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			qa, sa := tc.aug.Apply(q), tc.aug.Apply(sol)
			checkSudokuPair(t, tc.name, qa, sa)
			if !tc.aug.Invert(qa).Equal(q) || !tc.aug.Invert(sa).Equal(sol) {
				t.Error("Invert(Apply(x)) != x")
			}
		})
	}
	if got := transposeOnly.Apply(sol); !got.Equal(Dihedral(sol, 6)) {
		t.Error("transpose-only augmentation differs from the dihedral transpose")
	}
}

func TestSudokuAugRealPairs(t *testing.T) {
	root := testenv.DataRoot(t)
	set := realSet(t, root, "sudoku-extreme/test-sample-1200")
	for i, task := range set.Tasks {
		p := task.Test[0]
		for k := 0; k < 4; k++ {
			seed := uint32(i*4 + k)
			aug := RandomSudokuAug(nprand.New(seed))
			qa, sa := aug.Apply(p.Input), aug.Apply(p.Output)
			if msg := SudokuSolutionProblem(sa); msg != "" {
				t.Fatalf("task %s, seed %d: augmented answer invalid: %s", task.ID, seed, msg)
			}
			checkSudokuPair(t, fmt.Sprintf("task %s seed %d", task.ID, seed), qa, sa)
			if !aug.Invert(qa).Equal(p.Input) || !aug.Invert(sa).Equal(p.Output) {
				t.Fatalf("task %s, seed %d: Invert(Apply(x)) != x", task.ID, seed)
			}
			// Givens stay givens: the blank count is unchanged.
			if strings.Count(sudokuString(qa), ".") != strings.Count(sudokuString(p.Input), ".") {
				t.Fatalf("task %s, seed %d: blank count changed", task.ID, seed)
			}
		}
	}
}

func countZero(cells []uint8) int {
	n := 0
	for _, c := range cells {
		if c == 0 {
			n++
		}
	}
	return n
}
