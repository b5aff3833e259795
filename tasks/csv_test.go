package tasks

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

const csvHeader = "source,question,answer,rating\n"

// sudokuRow is a valid Sudoku CSV row: the pattern solution with every third
// cell given.
func sudokuRow() (q, a string) {
	sol := validSudoku()
	return sudokuString(puzzleOf(sol, func(i int) bool { return i%3 == 0 })), sudokuString(sol)
}

// replaceAt returns s with the byte at i replaced by c.
func replaceAt(s string, i int, c byte) string {
	b := []byte(s)
	b[i] = c
	return string(b)
}

func TestSudokuCSVValid(t *testing.T) {
	list, err := LoadSudokuCSV(filepath.Join("testdata", "sudoku_tiny.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("%d puzzles, want 2", len(list))
	}
	tests := []struct {
		name   string
		task   *Task
		id     string
		source string
		rating int
	}{
		{"dots", list[0], "0", "hand-pattern", 0},
		{"zeros", list[1], "1", "hand-transposed", 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tk := tc.task
			if tk.ID != tc.id || tk.Kind != Sudoku || tk.Source != tc.source || tk.Rating != tc.rating || !tk.HasSolutions {
				t.Errorf("task %+v", tk)
			}
			if len(tk.Test) != 1 || len(tk.Train) != 0 {
				t.Fatalf("%d test, %d train pairs", len(tk.Test), len(tk.Train))
			}
			checkSudokuPair(t, tc.name, tk.Test[0].Input, tk.Test[0].Output)
		})
	}
	if !list[0].Test[0].Output.Equal(validSudoku()) {
		t.Error("first answer is not the pattern solution")
	}
	if got := list[1].Test[0].Input.At(0, 0); got != 9 {
		t.Errorf("given (1,1) = %d, want 9", got)
	}
	if got := list[1].Test[0].Input.At(0, 1); got != 0 {
		t.Errorf("'0' read as %d, want blank", got)
	}
}

func TestSudokuCSVCorrupt(t *testing.T) {
	q, a := sudokuRow()
	row := func(src, q, a, rating string) string { return src + "," + q + "," + a + "," + rating + "\n" }
	// The answer with (row 1, column 1) duplicated from column 2.
	aRepeat := replaceAt(a, 0, a[1])
	// A question whose given in row 1, column 1 (a '1') contradicts the answer.
	qWrong := replaceAt(q, 0, '5')
	tests := []struct {
		name    string
		data    string
		want    []string
		partial bool // want holds fragments, not the whole message
	}{
		{"question-80-chars", csvHeader + row("s", q[:80], a, "3"),
			[]string{"data/s.csv: line 2: question: 80 characters, want 81"}, false},
		{"answer-82-chars", csvHeader + row("s", q, a+"1", "3"),
			[]string{"data/s.csv: line 2: answer: 82 characters, want 81"}, false},
		{"bad-character", csvHeader + row("s", replaceAt(q, 13, 'x'), a, "3"),
			[]string{`data/s.csv: line 2: question: cell 13 (row 2, column 5) is 'x', want a digit 1-9 or '.'`}, false},
		{"blank-in-answer", csvHeader + row("s", q, replaceAt(a, 80, '.'), "3"),
			[]string{`data/s.csv: line 2: answer: cell 80 (row 9, column 9) is '.', want a digit 1-9`}, false},
		{"given-contradicts", csvHeader + row("s", qWrong, a, "3"),
			[]string{"data/s.csv: line 2: question: given 5 at row 1, column 1 disagrees with the answer's 1"}, false},
		{"answer-repeated-digit", csvHeader + row("s", strings.Repeat(".", 81), aRepeat, "3"),
			[]string{"data/s.csv: line 2: answer: digit 2 repeated in row 1"}, false},
		{"answer-repeated-column", csvHeader + row("s", strings.Repeat(".", 81), a[9:18]+a[9:], "3"),
			[]string{"data/s.csv: line 2: answer: digit 4 repeated in column 1"}, false},
		{"bad-rating", csvHeader + row("s", q, a, "hard"),
			[]string{`data/s.csv: line 2: rating: "hard" is not a non-negative integer`}, false},
		{"negative-rating", csvHeader + row("s", q, a, "-4"),
			[]string{`data/s.csv: line 2: rating: "-4" is not a non-negative integer`}, false},
		{"missing-columns", csvHeader + "s," + q + "," + a + "\n",
			[]string{"data/s.csv: line 2: 3 columns, want at least 4 (source,question,answer,rating)"}, false},
		{"missing-columns-line-3", csvHeader + row("s", q, a, "1") + "s," + q + "\n",
			[]string{"data/s.csv: line 3: 2 columns, want at least 4"}, true},
		{"bad-header", "src,q,a,r\n" + row("s", q, a, "1"),
			[]string{`data/s.csv: line 1: header "src,q,a,r", want columns source,question,answer,rating`}, false},
		{"short-header", "source,question\n" + row("s", q, a, "1"),
			[]string{`data/s.csv: line 1: header "source,question"`}, true},
		{"empty-file", "",
			[]string{"data/s.csv: empty file (want a header row source,question,answer,rating)"}, false},
		{"header-only", csvHeader,
			[]string{"data/s.csv: no puzzles after the header"}, false},
		{"bare-quote", csvHeader + row(`s"x`, q, a, "1"),
			[]string{`data/s.csv: line 2, column 2: bare " in non-quoted-field`}, false},
		{"unterminated-quote", csvHeader + row("s", q, a, "1") + `"s,` + q + "\n",
			[]string{`data/s.csv: line 3, column `, `extraneous or missing " in quoted-field`}, true},
		{"several-rows", csvHeader + row("s", q, a, "1") + row("s", q[:70], a, "1") + row("s", q, a, "x"),
			[]string{"data/s.csv: 2 problems:", "data/s.csv: line 3: question: 70 characters, want 81", `data/s.csv: line 4: rating: "x" is not`}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readSudokuCSV("data/s.csv", strings.NewReader(tc.data))
			wantErr(t, err, tc.want...)
			// A single full message must be the whole error, without noise.
			if !tc.partial && err != nil && err.Error() != tc.want[0] {
				t.Errorf("error\n  %s\nwant exactly\n  %s", err, tc.want[0])
			}
		})
	}
}

func TestMazeCSVValid(t *testing.T) {
	list, err := LoadMazeCSV(filepath.Join("testdata", "maze_tiny.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("%d mazes, want 2", len(list))
	}
	for i, tk := range list {
		if tk.Kind != Maze || tk.Rating != 14 || tk.Test[0].Input.H != 10 {
			t.Errorf("maze %d: %+v", i, tk)
		}
	}
	if !Dihedral(list[0].Test[0].Output, 4).Equal(list[1].Test[0].Output) {
		t.Error("second maze is not the fliplr of the first")
	}
}

// mazeCSV renders boards as a Maze CSV with one row per (question, answer).
func mazeCSV(rows ...[2]string) string {
	var b strings.Builder
	b.WriteString(csvHeader)
	for _, r := range rows {
		b.WriteString("m," + r[0] + "," + r[1] + ",1\n")
	}
	return b.String()
}

func TestMazeCSVCorrupt(t *testing.T) {
	q, a := tinyMaze(t)
	qs, as := mazeString(q), mazeString(a)
	long, _ := detour(q, a)
	cyc, _ := addCycle(q, a)
	gap := a.Clone()
	gap.Set(2, 1, MazeOpen) // the first path cell, next to S
	small := [2]string{"######S G", "######SoG"}
	tests := []struct {
		name string
		data string
		want string
	}{
		{"two-starts", mazeCSV([2]string{replaceAt(qs, 41, 'S'), replaceAt(as, 41, 'S')}),
			"data/m.csv: line 2: answer: question has two starts 'S' (cells 11 and 41)"},
		{"two-goals", mazeCSV([2]string{replaceAt(qs, 41, 'G'), replaceAt(as, 41, 'G')}),
			"data/m.csv: line 2: answer: question has two goals 'G' (cells 41 and 88)"},
		{"no-goal", mazeCSV([2]string{strings.Replace(qs, "G", " ", 1), strings.Replace(as, "G", " ", 1)}),
			"data/m.csv: line 2: answer: question has no goal 'G'"},
		{"no-start", mazeCSV([2]string{strings.Replace(qs, "S", " ", 1), as}),
			"data/m.csv: line 2: answer: question has no start 'S'"},
		{"non-square", mazeCSV([2]string{qs[:99], as[:99]}),
			"data/m.csv: line 2: question: 99 characters is not a square board of side 2..64"},
		{"answer-length", mazeCSV([2]string{qs, as[:90]}),
			"data/m.csv: line 2: answer: 90 characters, the question has 100"},
		{"path-in-question", mazeCSV([2]string{replaceAt(qs, 21, 'o'), as}),
			`data/m.csv: line 2: question: cell 21 (row 3, column 2) is 'o', want one of "# SG"`},
		{"bad-char-answer", mazeCSV([2]string{qs, replaceAt(as, 21, '*')}),
			`data/m.csv: line 2: answer: cell 21 (row 3, column 2) is '*', want one of "# SGo"`},
		{"answer-differs-on-wall", mazeCSV([2]string{qs, replaceAt(as, 30, ' ')}),
			`data/m.csv: line 2: answer: row 4, column 1 is ' ' in the answer but '#' in the question`},
		{"path-through-wall", mazeCSV([2]string{qs, replaceAt(as, 30, 'o')}),
			`data/m.csv: line 2: answer: row 4, column 1 is 'o' in the answer but '#' in the question`},
		{"path-broken", mazeCSV([2]string{qs, mazeString(gap)}),
			"data/m.csv: line 2: answer: path is not a simple S→G path at row 2, column 2 (0 path neighbours, want 1)"},
		{"path-not-connected", mazeCSV([2]string{qs, mazeString(cyc)}),
			"data/m.csv: line 2: answer: path cells are not connected: 4 cells off the S→G path"},
		{"path-not-shortest", mazeCSV([2]string{qs, mazeString(long)}),
			"data/m.csv: line 2: answer: path has 16 moves, the shortest S→G path has 14"},
		{"side-changes", mazeCSV([2]string{qs, as}, small),
			"data/m.csv: line 3: question: board side 3, earlier rows have 10"},
		{"bad-rating", strings.Replace(mazeCSV([2]string{qs, as}), ",1\n", ",1.5\n", 1),
			`data/m.csv: line 2: rating: "1.5" is not a non-negative integer`},
		{"header-only", csvHeader, "data/m.csv: no mazes after the header"},
		{"missing-columns", csvHeader + "m," + qs + "\n",
			"data/m.csv: line 2: 2 columns, want at least 4 (source,question,answer,rating)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readMazeCSV("data/m.csv", strings.NewReader(tc.data))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error\n  %v\nwant\n  %s", err, tc.want)
			}
		})
	}
}

// TestMazeCSVRealCorrupt corrupts a real Maze-Hard row: a detour that keeps
// the path's shape but is two moves longer must be rejected as not shortest.
func TestMazeCSVRealCorrupt(t *testing.T) {
	root := testenv.DataRoot(t)
	set := realSet(t, root, "maze-hard/test")
	for _, tk := range set.Tasks {
		q, a := tk.Test[0].Input, tk.Test[0].Output
		long, ok := detour(q, a)
		if !ok {
			continue
		}
		start, goal, _ := mazeEndpoints(q)
		best := MazeDistances(q, start)[goal]
		data := mazeCSV([2]string{mazeString(q), mazeString(a)}, [2]string{mazeString(q), mazeString(long)})
		_, err := readMazeCSV("maze-30x30-hard-1k/test.csv", strings.NewReader(data))
		want := "maze-30x30-hard-1k/test.csv: line 3: answer: path has " + strconv.Itoa(best+2) + " moves, the shortest S→G path has " + strconv.Itoa(best)
		if err == nil || err.Error() != want {
			t.Fatalf("maze %s: error %v, want %s", tk.ID, err, want)
		}
		if tk.Rating != best {
			t.Errorf("maze %s: rating %d, BFS distance %d", tk.ID, tk.Rating, best)
		}
		return
	}
	t.Fatal("no real maze admitted a detour")
}
