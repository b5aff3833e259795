package gen

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sync"
)

// Shape is a Sudoku board geometry: boxes of BoxRows×BoxCols cells, so the
// board is N×N with N = BoxRows·BoxCols, N boxes, and digits 1..N. Grids
// are []uint8 of N·N cells, row-major, 0 = blank. Classic 9×9 is
// Shape{3, 3}; quickstart sizes are e.g. Shape{2, 2} (4×4) and Shape{2, 3}
// (6×6: 2-row, 3-column boxes).
type Shape struct{ BoxRows, BoxCols int }

// Classic is the standard 9×9 Sudoku shape.
var Classic = Shape{3, 3}

// maxSide bounds N so candidate sets fit comfortably in a uint32.
const maxSide = 16

// N returns the side length (and number of digits) of the board.
func (s Shape) N() int { return s.BoxRows * s.BoxCols }

// Cells returns the number of cells, N·N.
func (s Shape) Cells() int { return s.N() * s.N() }

// Validate reports whether s describes a supported board (1 ≤ N ≤ 16).
func (s Shape) Validate() error {
	if s.BoxRows < 1 || s.BoxCols < 1 || s.N() > maxSide {
		return fmt.Errorf("gen: unsupported Sudoku shape %d×%d boxes (need side 1..%d)", s.BoxRows, s.BoxCols, maxSide)
	}
	return nil
}

// geom holds the precomputed constraint structure of one Shape.
type geom struct {
	n, cells int
	all      uint32    // candidate mask with all N digits
	units    [][]int32 // rows, columns, boxes
	peers    [][]int32 // cells sharing a unit, per cell
	// Segments are the box∩line intersections (a row or column of one box)
	// used for locked candidates (pointing/claiming). Each lists its cells,
	// the other segments of its line and of its box in the same direction,
	// and the cells of those (the rest of the line / box).
	segs []segment
}

type segment struct {
	cells, restLine, restBox []int32
	lineSibs, boxSibs        []int32 // indices into geom.segs
}

var geoms sync.Map // Shape → *geom

func geomFor(s Shape) *geom {
	if g, ok := geoms.Load(s); ok {
		return g.(*geom)
	}
	g, _ := geoms.LoadOrStore(s, buildGeom(s))
	return g.(*geom)
}

func buildGeom(s Shape) *geom {
	n := s.N()
	g := &geom{n: n, cells: n * n, all: 1<<n - 1}
	box := func(c int) int { return (c/n/s.BoxRows)*s.BoxRows + (c%n)/s.BoxCols }
	rows, cols, boxes := make([][]int32, n), make([][]int32, n), make([][]int32, n)
	for c := range g.cells {
		rows[c/n] = append(rows[c/n], int32(c))
		cols[c%n] = append(cols[c%n], int32(c))
		boxes[box(c)] = append(boxes[box(c)], int32(c))
	}
	g.units = append(append(append(g.units, rows...), cols...), boxes...)
	for c := range g.cells {
		var ps []int32
		for p := range g.cells {
			if p != c && (p/n == c/n || p%n == c%n || box(p) == box(c)) {
				ps = append(ps, int32(p))
			}
		}
		g.peers = append(g.peers, ps)
	}
	// Row segments have BoxCols cells, column segments BoxRows cells.
	// Segment k's line is line(k) and its box is box(first cell).
	type key struct{ dir, line, box int }
	var keys []key
	for dir, lines := range [][][]int32{rows, cols} {
		for li, line := range lines {
			for _, c := range line {
				k := key{dir, li, box(int(c))}
				if len(keys) == 0 || keys[len(keys)-1] != k {
					keys = append(keys, k)
					g.segs = append(g.segs, segment{})
				}
				g.segs[len(g.segs)-1].cells = append(g.segs[len(g.segs)-1].cells, c)
			}
		}
	}
	for i, ki := range keys {
		sg := &g.segs[i]
		for j, kj := range keys {
			if i == j || ki.dir != kj.dir {
				continue
			}
			if ki.line == kj.line {
				sg.lineSibs = append(sg.lineSibs, int32(j))
				sg.restLine = append(sg.restLine, g.segs[j].cells...)
			}
			if ki.box == kj.box {
				sg.boxSibs = append(sg.boxSibs, int32(j))
				sg.restBox = append(sg.restBox, g.segs[j].cells...)
			}
		}
	}
	// Lines lying inside one box, or boxes inside one line, allow nothing.
	g.segs = slices.DeleteFunc(g.segs, func(sg segment) bool {
		return len(sg.lineSibs) == 0 || len(sg.boxSibs) == 0
	})
	return g
}

// solvedBit flags a cell whose digit is placed and propagated; the low N
// bits of a state word are the cell's candidate digits (bit d-1 = digit d).
const solvedBit = 1 << 31

// solver is a DPLL-style Sudoku search: constraint propagation to a fixed
// point, then binary branching on the unsolved cell with fewest candidates.
type solver struct {
	g         *geom
	limit     int
	solutions int
	guesses   int // guesses so far
	first     []uint8
	rng       *rand.Rand // if non-nil, branch on a random candidate digit
	stack     [][]uint32 // per-depth state buffers
	segMasks  []uint32   // scratch: candidate union per segment
	singles   []int32    // cells reduced to one candidate, to be placed
}

func newSolver(g *geom, limit int, rng *rand.Rand) *solver {
	return &solver{g: g, limit: max(limit, 1), rng: rng,
		first: make([]uint8, g.cells), segMasks: make([]uint32, len(g.segs))}
}

// assign places digit bit d in cell c and removes it from c's peers,
// queueing peers left with a single candidate.
func (s *solver) assign(st []uint32, c int, d uint32) bool {
	if st[c]&d == 0 {
		return false
	}
	st[c] = d | solvedBit
	for _, p := range s.g.peers[c] {
		m := st[p]
		if m&d != 0 {
			if m&solvedBit != 0 {
				return false
			}
			m &^= d
			if m == 0 {
				return false
			}
			st[p] = m
			if m&(m-1) == 0 {
				s.singles = append(s.singles, p)
			}
		}
	}
	return true
}

// placeSingles assigns queued and (with scan) all other naked singles.
func (s *solver) placeSingles(st []uint32, scan bool) bool {
	if scan {
		for c, m := range st {
			if m&solvedBit == 0 && m&(m-1) == 0 {
				s.singles = append(s.singles, int32(c))
			}
		}
	}
	for len(s.singles) > 0 {
		c := s.singles[len(s.singles)-1]
		s.singles = s.singles[:len(s.singles)-1]
		if m := st[c]; m&solvedBit == 0 && !s.assign(st, int(c), m) {
			return false
		}
	}
	return true
}

// propagate applies, to a fixed point: naked singles (a cell with one
// candidate), hidden singles (a digit with one place in a unit) and locked
// candidates (a digit confined to one box∩line intersection within the box
// or within the line is removed from the rest of the other). It returns
// false on a contradiction.
func (s *solver) propagate(st []uint32) bool {
	g := s.g
	s.singles = s.singles[:0]
	scan := true // look for singles not made by assign (start, eliminate)
	for {
		if !s.placeSingles(st, scan) {
			return false
		}
		scan = false
		progress := false
		for _, u := range g.units {
			var once, twice, placed uint32
			for _, c := range u {
				m := st[c]
				placed |= m & uint32(int32(m)>>31) // m if solved, else 0
				m &^= solvedBit
				twice |= once & m
				once |= m
			}
			if once != g.all {
				return false // some digit has no place left in this unit
			}
			for hidden := once &^ twice &^ placed; hidden != 0; hidden &= hidden - 1 {
				d := hidden & -hidden
				cell := -1
				for _, c := range u {
					if st[c]&d != 0 {
						cell = int(c)
						break
					}
				}
				if cell < 0 {
					return false // d lost its only place
				}
				if st[cell]&solvedBit != 0 {
					continue // placed meanwhile by a chain of singles
				}
				if !s.assign(st, cell, d) || !s.placeSingles(st, false) {
					return false
				}
				progress = true
			}
		}
		if progress {
			continue
		}
		masks := s.segMasks
		for k, sg := range g.segs {
			var m uint32
			for _, c := range sg.cells {
				m |= st[c]
			}
			masks[k] = m &^ solvedBit
		}
		for k, sg := range g.segs {
			var line, box uint32
			for _, j := range sg.lineSibs {
				line |= masks[j]
			}
			for _, j := range sg.boxSibs {
				box |= masks[j]
			}
			if e := masks[k] &^ box & line; e != 0 { // pointing: box digit only on this line
				if !eliminate(st, sg.restLine, e) {
					return false
				}
				progress = true
			}
			if e := masks[k] &^ line & box; e != 0 { // claiming: line digit only in this box
				if !eliminate(st, sg.restBox, e) {
					return false
				}
				progress = true
			}
		}
		if !progress {
			return true
		}
		scan = true
	}
}

// eliminate removes digits e from the cells, failing if a placed digit or
// a cell's last candidate would be removed.
func eliminate(st []uint32, cells []int32, e uint32) bool {
	for _, c := range cells {
		m := st[c]
		if m&e == 0 {
			continue
		}
		if m&solvedBit != 0 {
			return false
		}
		m &^= e
		if m == 0 {
			return false
		}
		st[c] = m
	}
	return true
}

// buf returns the state buffer for a search depth.
func (s *solver) buf(depth int) []uint32 {
	for len(s.stack) <= depth {
		s.stack = append(s.stack, make([]uint32, s.g.cells))
	}
	return s.stack[depth]
}

// search counts solutions of st (up to limit). At each node it propagates,
// picks the unsolved cell with fewest candidates (lowest index on ties) and
// a digit d of it (lowest, or random with rng), counts one guess, and
// explores "cell = d" on a copy; it then continues with d removed from the
// cell ("cell ≠ d", which is forced and not counted as a guess).
func (s *solver) search(st []uint32, depth int) {
	for {
		if !s.propagate(st) {
			return
		}
		best, bestK := -1, 99
		for c, m := range st {
			if m&solvedBit == 0 {
				if k := bits.OnesCount32(m); k < bestK {
					best, bestK = c, k
					if k == 2 {
						break
					}
				}
			}
		}
		if best < 0 {
			s.solutions++
			if s.solutions == 1 {
				for c, m := range st {
					s.first[c] = uint8(bits.TrailingZeros32(m) + 1)
				}
			}
			return
		}
		m := st[best]
		d := m & -m
		if s.rng != nil {
			for k := s.rng.IntN(bestK); k > 0; k-- {
				m &= m - 1
			}
			d = m & -m
		}
		s.guesses++
		child := s.buf(depth + 1)
		copy(child, st)
		if s.assign(child, best, d) {
			s.search(child, depth+1)
		}
		if s.solutions >= s.limit {
			return
		}
		st[best] &^= d
	}
}

// run solves puzzle p (validated: len cells, digits ≤ N).
func (s *solver) run(p []uint8) {
	s.solutions, s.guesses = 0, 0
	st := s.buf(0)
	for c := range st {
		st[c] = s.g.all
	}
	for c, v := range p {
		if v != 0 && !s.assign(st, c, 1<<(v-1)) {
			return
		}
	}
	s.search(st, 0)
}

func checkGrid(shape Shape, p []uint8) error {
	if err := shape.Validate(); err != nil {
		return err
	}
	if len(p) != shape.Cells() {
		return fmt.Errorf("gen: grid has %d cells, want %d", len(p), shape.Cells())
	}
	for i, v := range p {
		if int(v) > shape.N() {
			return fmt.Errorf("gen: cell %d holds %d > %d", i, v, shape.N())
		}
	}
	return nil
}

// SolveGrid counts the solutions of puzzle p (row-major N·N, 0 = blank) up
// to limit (values < 1 mean 1) and returns the first solution found (nil if
// none) and a difficulty rating.
//
// guesses counts backtracking guesses, in the spirit of tdoku's num_guesses
// (which rates Sudoku-Extreme). The solver propagates naked singles, hidden
// singles and locked candidates (pointing/claiming) to a fixed point, then
// branches on the unsolved cell with fewest candidates (lowest index on
// ties): it tries the cell's lowest candidate digit (one guess) and, after
// that subtree, removes the digit from the cell and propagates again (not a
// guess, the alternative is forced). guesses is the number of such trials in
// the whole search, which stops once limit solutions are found. So:
//   - 0 means solved (or refuted) by propagation alone, for any limit;
//   - limit 1 counts guesses until the first solution, like tdoku's rating;
//   - limit ≥ 2 on a unique puzzle counts the guesses to exhaust the search
//     tree, which does not depend on where the solution lies and tracks
//     difficulty better; this is the rating GenerateGrid reports.
//
// A puzzle whose givens conflict has 0 solutions and 0 guesses.
func SolveGrid(shape Shape, p []uint8, limit int) (solutions int, first []uint8, guesses int, err error) {
	if err := checkGrid(shape, p); err != nil {
		return 0, nil, 0, err
	}
	s := newSolver(geomFor(shape), limit, nil)
	s.run(p)
	if s.solutions > 0 {
		first = s.first
	}
	return s.solutions, first, s.guesses, nil
}

// SolveSudoku is SolveGrid for a classic 9×9 puzzle ([81]uint8 row-major,
// 0 = blank, 1..9 digits). Cells above 9 make the puzzle unsolvable
// (0 solutions). first is all zeros when there is no solution.
func SolveSudoku(p [81]uint8, limit int) (solutions int, first [81]uint8, guesses int) {
	sols, f, g, err := SolveGrid(Classic, p[:], limit)
	if err != nil {
		return 0, first, 0
	}
	copy(first[:], f)
	return sols, first, g
}

// PropagationOnly, as SudokuOptions.MaxRating, asks for puzzles of rating
// 0 (solvable by the solver's propagation without guessing).
const PropagationOnly = -1

// SudokuOptions configures GenerateGrid and GenerateSudoku. The zero value
// asks for minimal puzzles of any rating.
type SudokuOptions struct {
	// Clues is the exact number of givens wanted; 0 means minimal: remove
	// clues until none can be removed without losing uniqueness (a minimal
	// 9×9 puzzle typically has 22–26 givens). With a target, removal stops
	// when it is reached; an attempt whose removal order gets stuck above
	// it is discarded.
	Clues int
	// MinRating and MaxRating bound the rating (inclusive; see GenerateGrid).
	// MaxRating 0 means no upper bound; PropagationOnly means rating 0.
	MinRating, MaxRating int
	// MaxAttempts bounds how many full grids are tried (default 1000).
	MaxAttempts int
}

// ErrNoPuzzle is returned (wrapped) when generation exhausts its attempts.
var ErrNoPuzzle = errors.New("gen: no puzzle met the options")

// GenerateGrid returns a random puzzle with exactly one solution, that
// solution and the puzzle's rating: SolveGrid's guesses with limit 2, i.e.
// the guesses needed to solve it and prove uniqueness. Each attempt draws a
// random full grid (the solver on an empty board, branching on random
// digits), then visits the cells in a random order and blanks each one if
// the puzzle keeps a unique solution, stopping at opt.Clues givens if set.
// Attempts repeat until the rating is in range; after opt.MaxAttempts the
// error wraps ErrNoPuzzle. The output is a deterministic function of the
// rng state.
func GenerateGrid(rng *rand.Rand, shape Shape, opt SudokuOptions) (puzzle, solution []uint8, rating int, err error) {
	if err := shape.Validate(); err != nil {
		return nil, nil, 0, err
	}
	cells := shape.Cells()
	if opt.Clues < 0 || opt.Clues > cells {
		return nil, nil, 0, fmt.Errorf("gen: Clues %d outside 0..%d", opt.Clues, cells)
	}
	maxRating := opt.MaxRating
	switch {
	case maxRating == PropagationOnly:
		maxRating = 0
	case maxRating == 0:
		maxRating = int(^uint(0) >> 1)
	case maxRating < 0:
		return nil, nil, 0, fmt.Errorf("gen: MaxRating %d invalid", maxRating)
	}
	if opt.MinRating > maxRating {
		return nil, nil, 0, fmt.Errorf("gen: empty rating range [%d, %d]", opt.MinRating, maxRating)
	}
	attempts := opt.MaxAttempts
	if attempts <= 0 {
		attempts = 1000
	}
	g := geomFor(shape)
	filler := newSolver(g, 1, rng)
	checker := newSolver(g, 2, nil)
	empty := make([]uint8, cells)
	for range attempts {
		filler.run(empty)
		if filler.solutions != 1 {
			panic("gen: empty board has no solution")
		}
		solution = append([]uint8(nil), filler.first...)
		puzzle = append([]uint8(nil), solution...)
		clues, rating := cells, 0
		for _, c := range rng.Perm(cells) {
			if clues == opt.Clues {
				break
			}
			v := puzzle[c]
			puzzle[c] = 0
			checker.run(puzzle)
			if checker.solutions == 1 {
				clues, rating = clues-1, checker.guesses
			} else {
				puzzle[c] = v
			}
		}
		if opt.Clues > 0 && clues != opt.Clues {
			continue
		}
		if rating >= opt.MinRating && rating <= maxRating {
			return puzzle, solution, rating, nil
		}
	}
	return nil, nil, 0, fmt.Errorf("%w: %d×%d, clues %d, rating [%d, %d], %d attempts",
		ErrNoPuzzle, shape.N(), shape.N(), opt.Clues, opt.MinRating, opt.MaxRating, attempts)
}

// GenerateSudoku is GenerateGrid for classic 9×9 Sudoku.
func GenerateSudoku(rng *rand.Rand, opt SudokuOptions) (puzzle, solution [81]uint8, rating int, err error) {
	p, s, r, err := GenerateGrid(rng, Classic, opt)
	if err != nil {
		return puzzle, solution, 0, err
	}
	copy(puzzle[:], p)
	copy(solution[:], s)
	return puzzle, solution, r, nil
}

// ValidGridSolution reports whether g is a completely filled, valid board:
// every row, column and box holds each digit 1..N exactly once.
func ValidGridSolution(shape Shape, g []uint8) bool {
	if shape.Validate() != nil || len(g) != shape.Cells() {
		return false
	}
	geo := geomFor(shape)
	for _, u := range geo.units {
		var seen uint32
		for _, c := range u {
			v := g[c]
			if v == 0 || int(v) > geo.n || seen&(1<<(v-1)) != 0 {
				return false
			}
			seen |= 1 << (v - 1)
		}
	}
	return true
}

// GridGivensConsistent reports whether every given (non-zero cell) of
// puzzle is a digit 1..N equal to the same cell of solution. It does not
// check that solution is valid; combine with ValidGridSolution.
func GridGivensConsistent(shape Shape, puzzle, solution []uint8) bool {
	if shape.Validate() != nil || len(puzzle) != shape.Cells() || len(solution) != shape.Cells() {
		return false
	}
	for i, v := range puzzle {
		if v != 0 && (int(v) > shape.N() || v != solution[i]) {
			return false
		}
	}
	return true
}

// ValidSudokuSolution is ValidGridSolution for a classic 9×9 grid.
func ValidSudokuSolution(g [81]uint8) bool { return ValidGridSolution(Classic, g[:]) }

// SudokuGivensConsistent is GridGivensConsistent for classic 9×9 grids.
func SudokuGivensConsistent(puzzle, solution [81]uint8) bool {
	return GridGivensConsistent(Classic, puzzle[:], solution[:])
}

// ParseSudoku reads an 81-character row-major 9×9 grid as used by the
// Sudoku-Extreme CSV: '1'..'9' digits, '.' or '0' blank.
func ParseSudoku(s string) (g [81]uint8, err error) {
	if len(s) != 81 {
		return g, fmt.Errorf("gen: sudoku string has %d chars, want 81", len(s))
	}
	for i := range 81 {
		switch ch := s[i]; {
		case ch == '.' || ch == '0':
		case ch >= '1' && ch <= '9':
			g[i] = ch - '0'
		default:
			return g, fmt.Errorf("gen: sudoku char %q at %d", ch, i)
		}
	}
	return g, nil
}

// FormatSudoku writes g as 81 characters, '.' for blanks (the inverse of
// ParseSudoku).
func FormatSudoku(g [81]uint8) string {
	b := make([]byte, 81)
	for i, v := range g {
		b[i] = '.'
		if v != 0 {
			b[i] = '0' + v
		}
	}
	return string(b)
}
