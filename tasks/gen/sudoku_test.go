package gen

import (
	"arceval/internal/testenv"
	"encoding/csv"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// extremeRow is one puzzle of the Sudoku-Extreme test sample.
type extremeRow struct {
	q, a   [81]uint8
	rating int
	bucket string
}

func loadExtreme(tb testing.TB) []extremeRow {
	tb.Helper()
	f, err := os.Open(filepath.Join(testenv.DataRoot(tb), "sudoku", "sudoku-extreme-test-sample-1200", "test_sample_1200.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	if want := []string{"source", "question", "answer", "rating", "bucket", "idx_in_bucket"}; !slices.Equal(recs[0], want) {
		tb.Fatalf("header %v, want %v", recs[0], want)
	}
	var rows []extremeRow
	for _, r := range recs[1:] {
		var x extremeRow
		if x.q, err = ParseSudoku(r[1]); err != nil {
			tb.Fatal(err)
		}
		if x.a, err = ParseSudoku(r[2]); err != nil {
			tb.Fatal(err)
		}
		if x.rating, err = strconv.Atoi(r[3]); err != nil {
			tb.Fatal(err)
		}
		x.bucket = r[4]
		rows = append(rows, x)
	}
	return rows
}

// TestSolveSudokuExtremeSample solves the 1200-puzzle Sudoku-Extreme test
// sample (200 per tdoku rating bucket) and logs how our guess counts relate
// to tdoku's rating; it asserts only correctness.
func TestSolveSudokuExtremeSample(t *testing.T) {
	rows := loadExtreme(t)
	if len(rows) != 1200 {
		t.Fatalf("%d rows, want 1200", len(rows))
	}
	type agg struct {
		n, zero        int
		theirs, g1, g2 float64
		max2           int
	}
	buckets := map[string]*agg{}
	var order []string
	var tx, y1, y2 []float64
	for i, r := range rows {
		sols, first, g2 := SolveSudoku(r.q, 2)
		if sols != 1 || first != r.a {
			t.Fatalf("row %d: %d solutions, first %s; want 1, %s", i, sols, FormatSudoku(first), FormatSudoku(r.a))
		}
		if !ValidSudokuSolution(first) || !SudokuGivensConsistent(r.q, first) {
			t.Fatalf("row %d: solution fails the validators", i)
		}
		sols1, first1, g1 := SolveSudoku(r.q, 1)
		if sols1 != 1 || first1 != r.a || g1 > g2 {
			t.Fatalf("row %d: limit 1 gave %d solutions, %d guesses (limit 2: %d)", i, sols1, g1, g2)
		}
		b := buckets[r.bucket]
		if b == nil {
			b = &agg{}
			buckets[r.bucket] = b
			order = append(order, r.bucket)
		}
		b.n++
		b.theirs += float64(r.rating)
		b.g1 += float64(g1)
		b.g2 += float64(g2)
		b.max2 = max(b.max2, g2)
		if g2 == 0 {
			b.zero++
		}
		tx, y1, y2 = append(tx, float64(r.rating)), append(y1, float64(g1)), append(y2, float64(g2))
	}
	t.Logf("%-9s %4s %11s %15s %15s %8s %6s", "bucket", "n", "tdoku mean", "ours limit=1", "ours limit=2", "max(2)", "ours=0")
	for _, k := range order {
		b := buckets[k]
		n := float64(b.n)
		t.Logf("%-9s %4d %11.2f %15.2f %15.2f %8d %6d", k, b.n, b.theirs/n, b.g1/n, b.g2/n, b.max2, b.zero)
	}
	t.Logf("vs tdoku rating: limit=1 Pearson %.3f Spearman %.3f; limit=2 Pearson %.3f Spearman %.3f",
		pearson(tx, y1), pearson(ranks(tx), ranks(y1)), pearson(tx, y2), pearson(ranks(tx), ranks(y2)))
}

func pearson(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var sxy, sxx, syy float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
		syy += (y[i] - my) * (y[i] - my)
	}
	return sxy / (sqrt(sxx) * sqrt(syy))
}

func sqrt(v float64) float64 {
	z := v
	for range 60 {
		if z == 0 {
			return 0
		}
		z = (z + v/z) / 2
	}
	return z
}

// ranks returns average ranks (ties share the mean rank).
func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case x[a] < x[b]:
			return -1
		case x[a] > x[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && x[idx[j]] == x[idx[i]] {
			j++
		}
		for k := i; k < j; k++ {
			r[idx[k]] = float64(i+j-1)/2 + 1
		}
		i = j
	}
	return r
}

// A Sudoku-Extreme r0 puzzle and its answer (first row of the sample).
const (
	easyQ = ".5..3...........5.....4.8.25...81.7.2.......96.12........8....3.18.7..2..6..93..."
	easyA = "857932641924618357136745892549381276283467519671259438795824163318576924462193785"
)

func mustParse(t testing.TB, s string) [81]uint8 {
	t.Helper()
	g, err := ParseSudoku(s)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestSolveSudokuTable(t *testing.T) {
	solved := mustParse(t, easyA)
	conflict := mustParse(t, easyQ)
	conflict[0] = 5 // a second 5 in row 0
	badDigit := mustParse(t, easyQ)
	badDigit[0] = 10
	// Blanking every 1 and 2 leaves at least two solutions (swap them).
	twoSols := solved
	for i, v := range twoSols {
		if v == 1 || v == 2 {
			twoSols[i] = 0
		}
	}
	tests := []struct {
		name      string
		p         [81]uint8
		limit     int
		wantSols  int
		wantFirst string // "" = don't check
		zeroGuess bool
	}{
		{"easy r0 puzzle", mustParse(t, easyQ), 2, 1, easyA, true},
		{"already solved", solved, 2, 1, easyA, true},
		{"empty grid limit 1", [81]uint8{}, 1, 1, "", false},
		{"empty grid limit 5", [81]uint8{}, 5, 5, "", false},
		{"limit 0 means 1", [81]uint8{}, 0, 1, "", false},
		{"conflicting givens", conflict, 2, 0, "", true},
		{"digit out of range", badDigit, 2, 0, "", true},
		{"all 1s and 2s blanked", twoSols, 3, 2, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sols, first, guesses := SolveSudoku(tc.p, tc.limit)
			if sols != tc.wantSols {
				t.Fatalf("solutions = %d, want %d", sols, tc.wantSols)
			}
			if tc.wantFirst != "" && FormatSudoku(first) != tc.wantFirst {
				t.Errorf("first = %s, want %s", FormatSudoku(first), tc.wantFirst)
			}
			if sols > 0 && (!ValidSudokuSolution(first) || !SudokuGivensConsistent(tc.p, first)) {
				t.Errorf("first %s is not a valid completion", FormatSudoku(first))
			}
			if sols == 0 && first != ([81]uint8{}) {
				t.Errorf("first should be zero without solutions")
			}
			if tc.zeroGuess && guesses != 0 {
				t.Errorf("guesses = %d, want 0", guesses)
			}
		})
	}
}

func TestSolveGridShapes(t *testing.T) {
	tests := []struct {
		shape Shape
		p     []uint8
		sols  int
		err   bool
	}{
		{Shape{1, 1}, []uint8{0}, 1, false},
		{Shape{2, 2}, []uint8{1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1}, 2, false},
		{Shape{2, 2}, []uint8{1, 2, 3, 4, 3, 4, 1, 2, 2, 1, 4, 3, 4, 3, 2, 0}, 1, false},
		{Shape{2, 2}, []uint8{1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, false},
		{Shape{2, 3}, make([]uint8, 36), 2, false},
		{Shape{2, 2}, make([]uint8, 15), 0, true},                                       // wrong length
		{Shape{2, 2}, []uint8{5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, true}, // digit > N
		{Shape{0, 3}, nil, 0, true},
		{Shape{4, 5}, make([]uint8, 400), 0, true}, // N = 20 > 16
	}
	for _, tc := range tests {
		sols, first, _, err := SolveGrid(tc.shape, tc.p, 2)
		if (err != nil) != tc.err {
			t.Errorf("%v %v: err = %v, want error %v", tc.shape, tc.p, err, tc.err)
			continue
		}
		if sols != tc.sols {
			t.Errorf("%v %v: %d solutions, want %d", tc.shape, tc.p, sols, tc.sols)
		}
		if sols > 0 && (!ValidGridSolution(tc.shape, first) || !GridGivensConsistent(tc.shape, tc.p, first)) {
			t.Errorf("%v: invalid first solution %v", tc.shape, first)
		}
	}
}

func TestValidators(t *testing.T) {
	sol := mustParse(t, easyA)
	puz := mustParse(t, easyQ)
	if !ValidSudokuSolution(sol) || ValidSudokuSolution(puz) {
		t.Fatal("ValidSudokuSolution wrong on solution/puzzle")
	}
	bad := sol
	bad[0], bad[1] = bad[1], bad[0] // breaks columns
	if ValidSudokuSolution(bad) {
		t.Error("swapped cells accepted")
	}
	if !SudokuGivensConsistent(puz, sol) || SudokuGivensConsistent(puz, bad) {
		t.Error("SudokuGivensConsistent wrong")
	}
	if ValidGridSolution(Shape{2, 2}, []uint8{1, 2, 3, 4}) {
		t.Error("short grid accepted")
	}
	if s := FormatSudoku(puz); s != easyQ {
		t.Errorf("FormatSudoku round trip: %s", s)
	}
	if _, err := ParseSudoku(easyQ[:80]); err == nil {
		t.Error("short string parsed")
	}
	if _, err := ParseSudoku("x" + easyQ[1:]); err == nil {
		t.Error("bad char parsed")
	}
	if z, _ := ParseSudoku("0" + easyQ[1:]); z != puz {
		t.Error("'0' should parse as blank")
	}
}

// checkGenerated asserts the GenerateGrid contract for one output.
func checkGenerated(t *testing.T, shape Shape, opt SudokuOptions, p, s []uint8, rating int) {
	t.Helper()
	if !ValidGridSolution(shape, s) || !GridGivensConsistent(shape, p, s) {
		t.Fatalf("invalid solution or inconsistent givens: %v / %v", p, s)
	}
	sols, first, g, err := SolveGrid(shape, p, 2)
	if err != nil || sols != 1 || !slices.Equal(first, s) {
		t.Fatalf("puzzle has %d solutions (err %v)", sols, err)
	}
	if g != rating {
		t.Errorf("rating %d, SolveGrid(limit 2) says %d", rating, g)
	}
	maxR := opt.MaxRating
	if maxR == PropagationOnly {
		maxR = 0
	} else if maxR == 0 {
		maxR = 1 << 30
	}
	if rating < opt.MinRating || rating > maxR {
		t.Errorf("rating %d outside [%d, %d]", rating, opt.MinRating, maxR)
	}
	clues := 0
	for _, v := range p {
		if v != 0 {
			clues++
		}
	}
	if opt.Clues > 0 && clues != opt.Clues {
		t.Errorf("%d clues, want %d", clues, opt.Clues)
	}
	if opt.Clues == 0 { // minimal: every clue is needed
		q := slices.Clone(p)
		for c, v := range q {
			if v == 0 {
				continue
			}
			q[c] = 0
			if n, _, _, _ := SolveGrid(shape, q, 2); n != 2 {
				t.Fatalf("removing clue %d leaves %d solutions; puzzle not minimal", c, n)
			}
			q[c] = v
		}
	}
}

func TestGenerateGridProperties(t *testing.T) {
	tests := []struct {
		name  string
		shape Shape
		opt   SudokuOptions
		n     int
	}{
		{"4x4 minimal", Shape{2, 2}, SudokuOptions{}, 20},
		{"4x4 8 clues", Shape{2, 2}, SudokuOptions{Clues: 8}, 20},
		{"6x6 minimal", Shape{2, 3}, SudokuOptions{}, 20},
		{"6x6 3x2 boxes", Shape{3, 2}, SudokuOptions{}, 10},
		{"8x8 2x4 boxes", Shape{2, 4}, SudokuOptions{}, 5},
		{"9x9 minimal", Classic, SudokuOptions{}, 20},
		{"9x9 40 clues", Classic, SudokuOptions{Clues: 40}, 10},
		{"9x9 propagation only", Classic, SudokuOptions{MaxRating: PropagationOnly}, 10},
		{"9x9 rating 1..5", Classic, SudokuOptions{MinRating: 1, MaxRating: 5}, 5},
		{"9x9 rating ≥ 10", Classic, SudokuOptions{MinRating: 10}, 2},
		{"12x12 3x4 boxes 100 clues", Shape{3, 4}, SudokuOptions{Clues: 100}, 1},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 42))
			for range tc.n {
				p, s, r, err := GenerateGrid(rng, tc.shape, tc.opt)
				if err != nil {
					t.Fatal(err)
				}
				checkGenerated(t, tc.shape, tc.opt, p, s, r)
			}
		})
	}
}

func TestGenerateSudokuDeterminism(t *testing.T) {
	gen := func(seed uint64) (out []string) {
		rng := rand.New(rand.NewPCG(seed, 7))
		for range 3 {
			p, s, r, err := GenerateSudoku(rng, SudokuOptions{})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, FormatSudoku(p), FormatSudoku(s), strconv.Itoa(r))
		}
		return out
	}
	a, b, c := gen(1), gen(1), gen(2)
	if !slices.Equal(a, b) {
		t.Fatal("same seed gave different puzzles")
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds gave identical puzzles")
	}
	// The 9×9 API is the Shape{3,3} path of GenerateGrid.
	rng := rand.New(rand.NewPCG(1, 7))
	p, s, r, err := GenerateGrid(rng, Classic, SudokuOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var p81, s81 [81]uint8
	copy(p81[:], p)
	copy(s81[:], s)
	if FormatSudoku(p81) != a[0] || FormatSudoku(s81) != a[1] || strconv.Itoa(r) != a[2] {
		t.Fatal("GenerateSudoku differs from GenerateGrid(Classic)")
	}
}

func TestGenerateGridErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	tests := []struct {
		name    string
		shape   Shape
		opt     SudokuOptions
		noTries bool // error must wrap ErrNoPuzzle
	}{
		{"bad shape", Shape{0, 2}, SudokuOptions{}, false},
		{"too many clues", Shape{2, 2}, SudokuOptions{Clues: 17}, false},
		{"empty rating range", Classic, SudokuOptions{MinRating: 5, MaxRating: 2}, false},
		{"invalid MaxRating", Classic, SudokuOptions{MaxRating: -7}, false},
		{"unreachable rating", Shape{2, 2}, SudokuOptions{MinRating: 1000, MaxAttempts: 20}, true},
		{"unreachable clue count", Shape{2, 2}, SudokuOptions{Clues: 1, MaxAttempts: 20}, true},
	}
	for _, tc := range tests {
		_, _, _, err := GenerateGrid(rng, tc.shape, tc.opt)
		if err == nil || errors.Is(err, ErrNoPuzzle) != tc.noTries {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
}

func BenchmarkSolveSudoku(b *testing.B) {
	var hard [][81]uint8
	for _, r := range loadExtreme(b) {
		if r.bucket == "r100_plus" {
			hard = append(hard, r.q)
		}
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if n, _, _ := SolveSudoku(hard[i%len(hard)], 2); n != 1 {
			b.Fatal("not unique")
		}
		i++
	}
}

func BenchmarkGenerateSudoku(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for b.Loop() {
		if _, _, _, err := GenerateSudoku(rng, SudokuOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
