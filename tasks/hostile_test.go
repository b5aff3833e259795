package tasks

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

// hostileHeap is the most a reader may hold for any hostile file (the
// issue's bound; what they really hold is logged, and is a few MB).
const hostileHeap = 300 << 20

// writeHostile writes a generated file into t's temporary folder through a
// buffer, so that the test itself never holds it.
func writeHostile(t *testing.T, name string, fill func(w *bufio.Writer)) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fill(w)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// repeat writes s n times.
func repeat(w *bufio.Writer, s string, n int) {
	chunk := strings.Repeat(s, 4096)
	for ; n >= 4096; n -= 4096 {
		w.WriteString(chunk)
	}
	w.WriteString(strings.Repeat(s, n))
}

// wantFileErr checks that err names path and contains every fragment.
func wantFileErr(t *testing.T, err error, path string, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", path)
	}
	if !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("error does not start with the file name %s:\n%v", path, err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error lacks %q:\n%v", f, err)
		}
	}
}

// An ARC row of 50 M cells (100 MB) is refused while it is read, at a
// bounded count, naming the grid and the row; the old reader decoded every
// cell first (gigabytes).
func TestHostileARCRow(t *testing.T) {
	path := writeHostile(t, "row.json", func(w *bufio.Writer) {
		w.WriteString(`{"train": [{"input": [[`)
		repeat(w, "0,", 50_000_000-1)
		w.WriteString(`0]], "output": [[1]]}], "test": [{"input": [[1]], "output": [[1]]}]}`)
	})
	var err error
	testenv.MaxHeap(t, hostileHeap, path, func() { _, err = LoadARCFile(path) })
	wantFileErr(t, err, path, "train[0].input: row 0 has more than 65536 cells; stopped reading")
}

// A Kaggle file with millions of invalid cells keeps the first maxKept
// problems and counts the rest; the old reader kept a record per cell
// (2.3 GB for 20 MB).
func TestHostileKaggleCells(t *testing.T) {
	const tasks, side = 1400, 30 // 1.26 M cells of colour 10 (the old reader: ~350 bytes each)
	row := "[" + strings.TrimSuffix(strings.Repeat("10,", side), ",") + "]"
	grid := "[" + strings.TrimSuffix(strings.Repeat(row+",", side), ",") + "]"
	path := writeHostile(t, "bad_challenges.json", func(w *bufio.Writer) {
		w.WriteString("{")
		for i := range tasks {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString(`"t` + strings.Repeat("x", 3) + strconv.Itoa(i) + `": {"train": [{"input": ` + grid + `, "output": [[1]]}], "test": [{"input": [[1]]}]}`)
		}
		w.WriteString("}")
	})
	var err error
	testenv.MaxHeap(t, hostileHeap, path, func() { _, err = LoadKaggle(path, "") })
	wantFileErr(t, err, path, "1260000 problems:", "txxx0: train[0].input: row 0, column 0: value 10 is not an integer in 0..9", "… and 1259950 more")
	var fe *FileError
	if !errors.As(err, &fe) || len(fe.Problems) != maxKept || fe.Count() != tasks*side*side {
		t.Errorf("kept %d problems of %d, want %d of %d", len(fe.Problems), fe.Count(), maxKept, tasks*side*side)
	}
}

// A 10000×10000 grid (200 MB of JSON) is refused before anything is read:
// the file is larger than any ARC file may be.
func TestHostileARCGridFile(t *testing.T) {
	path := writeHostile(t, "big_solutions.json", func(w *bufio.Writer) {
		row := "[" + strings.TrimSuffix(strings.Repeat("0,", 10_000), ",") + "]"
		w.WriteString(`{"t": [[`)
		for r := range 10_000 {
			if r > 0 {
				w.WriteString(",")
			}
			w.WriteString(row)
		}
		w.WriteString("]]}")
	})
	ch := writeHostile(t, "big_challenges.json", func(w *bufio.Writer) {
		w.WriteString(`{"t": {"train": [{"input": [[1]], "output": [[1]]}], "test": [{"input": [[1]]}]}}`)
	})
	var err error
	testenv.MaxHeap(t, hostileHeap, path, func() { _, err = LoadKaggle(ch, path) })
	wantFileErr(t, err, path, "more than the 134217728 this file may have")
}

// A huge grid inside the size limit (1000 rows of 3000 cells) is refused
// while read: its first row is counted, then reading stops at a bounded
// count.
func TestHostileARCGrid(t *testing.T) {
	path := writeHostile(t, "grid.json", func(w *bufio.Writer) {
		row := "[" + strings.TrimSuffix(strings.Repeat("0,", 3000), ",") + "]"
		w.WriteString(`{"train": [{"input": [[1]], "output": [`)
		for r := range 1000 {
			if r > 0 {
				w.WriteString(",")
			}
			w.WriteString(row)
		}
		w.WriteString(`]}], "test": [{"input": [[1]], "output": [[1]]}]}`)
	})
	var err error
	testenv.MaxHeap(t, hostileHeap, path, func() { _, err = LoadARCFile(path) })
	wantFileErr(t, err, path, "train[0].output: row 0 has 3000 cells, at most 30 allowed", "train[0].output: row 21 has more than 65536 cells; stopped reading")
}

// Over-long strings and literals are refused by the guard at their place,
// before the decoder buffers them.
func TestHostileARCLiterals(t *testing.T) {
	for _, tc := range []struct {
		name, data, want string
	}{
		{"task-id", "{\n\"" + strings.Repeat("a", 1<<20) + `": {}}`, "line 2, column 1: a string longer than 65536 bytes"},
		{"number", `{"train": [{"input": [[` + strings.Repeat("1", 1<<20) + `]]}]}`, "line 1, column 24: a number or literal longer than 1024 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeHostile(t, "x_challenges.json", func(w *bufio.Writer) { w.WriteString(tc.data) })
			_, err := LoadKaggle(path, "")
			wantFileErr(t, err, path, tc.want)
		})
	}
}

// A CSV line of 64 MB is refused at a bounded length, naming the line; the
// old reader read it whole, twice (the line and the record).
func TestHostileCSVLine(t *testing.T) {
	for _, kind := range []string{"sudoku", "maze"} {
		t.Run(kind, func(t *testing.T) {
			path := writeHostile(t, kind+".csv", func(w *bufio.Writer) {
				w.WriteString(csvHeader)
				w.WriteString("s,")
				repeat(w, "#", 64<<20)
				w.WriteString(",x,1\n")
			})
			load := LoadSudokuCSV
			if kind == "maze" {
				load = LoadMazeCSV
			}
			var err error
			// Tighter than the bound: the old reader held twice the
			// line.
			testenv.MaxHeap(t, 32<<20, path, func() { _, err = load(path) })
			wantFileErr(t, err, path, "line 2: a record longer than "+strconv.Itoa(maxCSVRecord)+" bytes")
		})
	}
	// A quoted field cannot hide a long record behind newlines.
	path := writeHostile(t, "quoted.csv", func(w *bufio.Writer) {
		w.WriteString(csvHeader + "s,\"")
		repeat(w, "#\n", 1<<20)
		w.WriteString("\",x,1\n")
	})
	_, err := LoadMazeCSV(path)
	wantFileErr(t, err, path, "line 2: a record longer than "+strconv.Itoa(maxCSVRecord)+" bytes")
}

// The kind of a board CSV comes from its characters, never its lengths: a
// 9×9 maze has 81 characters, as a Sudoku board (data gen maze --size 9
// wrote files arceval then read as Sudoku).
func TestSniffCSVByContent(t *testing.T) {
	q := "S       G" + strings.Repeat("#", 72)
	a := "SoooooooG" + strings.Repeat("#", 72)
	sq, sa := sudokuRow()
	for _, tc := range []struct {
		name, data string
		kind       Kind
		want       string
	}{
		{"maze-9x9", csvHeader + "m," + q + "," + a + ",8\n", Maze, ""},
		{"sudoku", csvHeader + "s," + sq + "," + sa + ",1\n", Sudoku, ""},
		{"neither", csvHeader + "s,abc,abc,1\n", 0, `line 2: question "abc" is neither a Sudoku board`},
		{"empty-question", csvHeader + "s,,abc,1\n", 0, "line 2: question is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeHostile(t, "set.csv", func(w *bufio.Writer) { w.WriteString(tc.data) })
			set, err := LoadPath(path)
			if tc.want != "" {
				wantFileErr(t, err, path, tc.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if set.Kind != tc.kind || len(set.Tasks) != 1 {
				t.Fatalf("loaded as %s with %d tasks, want %s", set.Kind, len(set.Tasks), tc.kind)
			}
		})
	}
}

// An identifiers.json is checked for size against the names it may hold
// before it is parsed, and for count and name length while it is read; the
// old readers read up to 1 GB and parsed it whole.
func TestHostileIdentifiers(t *testing.T) {
	const maxCount = 1000
	for _, tc := range []struct {
		name string
		fill func(w *bufio.Writer)
		want string
	}{
		{"too-large", func(w *bufio.Writer) { w.WriteString("["); repeat(w, `"abc", `, 1_000_000); w.WriteString(`"x"]`) },
			"bytes, more than a list of 1000 puzzle names (test) can take"},
		{"too-many", func(w *bufio.Writer) { w.WriteString("["); repeat(w, `"a",`, maxCount); w.WriteString(`"b"]`) },
			"more than 1000 puzzle names (test)"},
		{"long-name", func(w *bufio.Writer) { w.WriteString(`["` + strings.Repeat("n", 2000) + `"]`) },
			"element 0: a puzzle name of 2000 bytes, more than 1024"},
		{"not-a-name", func(w *bufio.Writer) { w.WriteString(`["a", 7]`) }, "element 1: 7 is not a puzzle name"},
		{"syntax", func(w *bufio.Writer) { w.WriteString("[\"a\",\n]") }, "invalid JSON at line 2, column 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeHostile(t, "identifiers.json", tc.fill)
			var err error
			testenv.MaxHeap(t, hostileHeap, path, func() { _, err = ReadIdentifiers(path, maxCount, "test") })
			wantFileErr(t, err, path, tc.want)
		})
	}
	path := writeHostile(t, "identifiers.json", func(w *bufio.Writer) { w.WriteString(`["<blank>", "a|||t0", "b"]`) })
	if names, err := ReadIdentifiers(path, 3, "test"); err != nil || strings.Join(names, ",") != "<blank>,a|||t0,b" {
		t.Errorf("valid list: %q, %v", names, err)
	}
}

// A CSV of many bad rows keeps the first problems and no rows: the file is
// an error, so memory does not grow with it (a task was kept per row).
func TestHostileCSVManyBadRows(t *testing.T) {
	const rows = 300_000
	path := writeHostile(t, "bad.csv", func(w *bufio.Writer) {
		w.WriteString(csvHeader)
		repeat(w, "s,1,1,1\n", rows)
	})
	var err error
	testenv.MaxHeap(t, 16<<20, path, func() { _, err = LoadSudokuCSV(path) })
	wantFileErr(t, err, path, strconv.Itoa(2*rows)+" problems:", "line 2: question: 1 characters, want 81")
}
