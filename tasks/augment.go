package tasks

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// hrmName matches HRM's augmented names: id, transform, colour map.
var hrmName = regexp.MustCompile(`^(.+)_t([0-7])_([0-9]{10})$`)

// ARCNameSeparator separates the task id, transform and colour map in the
// official augmented puzzle names ("<id>|||t<trans>|||<10 digits>").
const ARCNameSeparator = "|||"

// ColourMap maps each ARC colour to a new one. The official augmentation
// fixes colour 0 (black) and permutes 1..9.
type ColourMap [10]uint8

// IdentityColours is the colour map that changes nothing.
var IdentityColours = ColourMap{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}

// Inverse returns the map that undoes m (numpy's argsort of a permutation).
func (m ColourMap) Inverse() ColourMap {
	var inv ColourMap
	for from, to := range m {
		inv[to] = uint8(from)
	}
	return inv
}

// Valid reports whether m is a permutation of 0..9.
func (m ColourMap) Valid() bool {
	var seen [10]bool
	for _, v := range m {
		if v > 9 || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

// Apply returns a new grid with every colour c replaced by m[c].
func (m ColourMap) Apply(g Grid) Grid {
	out := Grid{H: g.H, W: g.W, Cells: make([]uint8, len(g.Cells))}
	for i, v := range g.Cells {
		out.Cells[i] = m[v]
	}
	return out
}

// ARCAug is one official ARC augmentation: a colour map applied first, then
// a dihedral transform.
type ARCAug struct {
	Trans   int // dihedral id 0..7
	Colours ColourMap
}

// IdentityARCAug is the canonical view.
var IdentityARCAug = ARCAug{Trans: 0, Colours: IdentityColours}

// Apply maps a grid into the augmented view: dihedral(colours[g], trans).
func (a ARCAug) Apply(g Grid) Grid { return a.ApplyTo(nil, g) }

// ApplyTo is Apply writing into buf's storage, allocating only when buf is
// too small; the result aliases buf. Loops over many grids (the ARC build)
// reuse one buffer.
func (a ARCAug) ApplyTo(buf []uint8, g Grid) Grid {
	if cap(buf) < len(g.Cells) {
		buf = make([]uint8, len(g.Cells))
	}
	return dihedralInto(buf[:len(g.Cells)], g, a.Trans, &a.Colours)
}

// Dims returns the height and width an h×w grid has in the augmented view
// (the transforms 1, 3, 6 and 7 swap the axes), without building it.
func (a ARCAug) Dims(h, w int) (int, int) {
	if dihedralSwapsAxes(a.Trans) {
		return w, h
	}
	return h, w
}

// Invert maps a grid of the augmented view back: geometry undone first, then
// colours (the official inverse_aug).
func (a ARCAug) Invert(g Grid) Grid {
	return a.Colours.Inverse().Apply(Dihedral(g, InverseDihedral(a.Trans)))
}

// IsIdentity reports whether the augmentation changes nothing.
func (a ARCAug) IsIdentity() bool { return a == IdentityARCAug }

// Name is the official augmented puzzle name of task id under a.
func (a ARCAug) Name(id string) string {
	var b strings.Builder
	b.Grow(len(id) + 17)
	b.WriteString(id)
	b.WriteString(ARCNameSeparator)
	b.WriteByte('t')
	b.WriteString(strconv.Itoa(a.Trans))
	b.WriteString(ARCNameSeparator)
	for _, v := range a.Colours {
		b.WriteByte('0' + v)
	}
	return b.String()
}

// ParseARCName splits an official puzzle name into the task id and its
// augmentation; names without the separator are originals (identity). HRM's
// builder wrote "<id>_t<trans>_<10 digits>"; those names are accepted too.
func ParseARCName(name string) (id string, aug ARCAug, err error) {
	parts := strings.Split(name, ARCNameSeparator)
	if len(parts) == 1 {
		if m := hrmName.FindStringSubmatch(name); m != nil {
			return ParseARCName(m[1] + ARCNameSeparator + "t" + m[2] + ARCNameSeparator + m[3])
		}
		return name, IdentityARCAug, nil
	}
	if len(parts) != 3 {
		return "", aug, fmt.Errorf("puzzle name %q: want <id>|||t<0-7>|||<10 digits>", name)
	}
	t, err := strconv.Atoi(strings.TrimPrefix(parts[1], "t"))
	if !strings.HasPrefix(parts[1], "t") || err != nil || t < 0 || t >= NumDihedral {
		return "", aug, fmt.Errorf("puzzle name %q: transform %q, want t0..t7", name, parts[1])
	}
	if len(parts[2]) != 10 {
		return "", aug, fmt.Errorf("puzzle name %q: colour map %q, want 10 digits", name, parts[2])
	}
	aug.Trans = t
	for i := 0; i < 10; i++ {
		aug.Colours[i] = parts[2][i] - '0'
	}
	if !aug.Colours.Valid() {
		return "", aug, fmt.Errorf("puzzle name %q: colour map %q is not a permutation of 0-9", name, parts[2])
	}
	return parts[0], aug, nil
}

// SudokuAug is the official Sudoku-Extreme augmentation (shuffle_sudoku):
// optional transpose, then new[r][c] = old[RowPerm[r]][ColPerm[c]], then
// digits relabelled through Digits (0 = blank stays 0). Row and column
// permutations permute bands/stacks and the lines inside each, so validity
// is preserved.
type SudokuAug struct {
	Digits    [10]uint8
	Transpose bool
	RowPerm   [9]int
	ColPerm   [9]int
}

// Apply returns the augmented board.
func (a SudokuAug) Apply(g Grid) Grid {
	out := NewGrid(SudokuSide, SudokuSide)
	for r := 0; r < 9; r++ {
		for c := 0; c < 9; c++ {
			sr, sc := a.RowPerm[r], a.ColPerm[c]
			if a.Transpose {
				sr, sc = sc, sr
			}
			out.Cells[r*9+c] = a.Digits[g.Cells[sr*9+sc]]
		}
	}
	return out
}

// Invert undoes Apply.
func (a SudokuAug) Invert(g Grid) Grid {
	var inv [10]uint8
	for from, to := range a.Digits {
		inv[to] = uint8(from)
	}
	out := NewGrid(SudokuSide, SudokuSide)
	for r := 0; r < 9; r++ {
		for c := 0; c < 9; c++ {
			sr, sc := a.RowPerm[r], a.ColPerm[c]
			if a.Transpose {
				sr, sc = sc, sr
			}
			out.Cells[sr*9+sc] = inv[g.Cells[r*9+c]]
		}
	}
	return out
}

// Shuffler is the random source of the Sudoku augmentation: a permutation of
// 0..n-1 and a uniform float in [0, 1), called in numpy's order. The
// internal/nprand RandomState satisfies it, so a seeded build draws exactly
// what numpy would.
type Shuffler interface {
	Permutation(n int) []int
	Rand() float64
}

// RandomSudokuAug draws an augmentation in the official order: digit map,
// transpose flag, band order, rows inside each band, stack order, columns
// inside each stack.
func RandomSudokuAug(rng Shuffler) SudokuAug {
	var a SudokuAug
	for i, p := range rng.Permutation(9) {
		a.Digits[i+1] = uint8(p + 1)
	}
	a.Transpose = rng.Rand() < 0.5
	lines := func(dst *[9]int) {
		for k, b := range rng.Permutation(3) {
			for j, p := range rng.Permutation(3) {
				dst[k*3+j] = b*3 + p
			}
		}
	}
	lines(&a.RowPerm)
	lines(&a.ColPerm)
	return a
}
