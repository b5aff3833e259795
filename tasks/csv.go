package tasks

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"arceval/internal/userfile"
)

// MazeCharset maps maze cell values to the characters of the Maze-Hard CSV:
// 0 '#' wall, 1 ' ' open, 2 'S' start, 3 'G' goal, 4 'o' path (answers only).
const MazeCharset = "# SGo"

// Maze cell values.
const (
	MazeWall uint8 = iota
	MazeOpen
	MazeStart
	MazeGoal
	MazePath
)

// SudokuSide is the side of a Sudoku-Extreme board.
const SudokuSide = 9

// maxMazeSide bounds maze boards read from CSV (Maze-Hard is 30×30).
const maxMazeSide = 64

// maxCSVRecord bounds one record of a benchmark CSV: two boards of at most
// 64×64 cells plus the source, rating and extra columns. A longer record is
// refused as it is read, never buffered whole.
const maxCSVRecord = 2*maxMazeSide*maxMazeSide + 8<<10

// recordLimiter passes a CSV stream through, failing at the first record
// (a line, or several when a quoted field holds newlines) longer than
// limit bytes. Quotes toggle the quoted state ("" toggles twice), so a
// newline ends a record exactly when the CSV reader would end it.
type recordLimiter struct {
	r        io.Reader
	limit    int
	n        int // bytes of the current record
	line     int // physical line of the current record's start (1-based)
	lines    int // physical lines read so far (newlines seen)
	inQuotes bool
	err      error
}

// recordTooLong is the refusal of an over-long record.
type recordTooLong struct{ line, limit int }

func (e *recordTooLong) Error() string {
	return fmt.Sprintf("line %d: a record longer than %d bytes (a board has at most %d×%d cells)", e.line, e.limit, maxMazeSide, maxMazeSide)
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		l.n++
		switch {
		case c == '"':
			l.inQuotes = !l.inQuotes
		case c == '\n':
			l.lines++
			if !l.inQuotes {
				l.n, l.line = 0, l.lines+1
			}
		}
		if l.n > l.limit {
			l.err = &recordTooLong{l.line, l.limit}
			return i, l.err
		}
	}
	return n, err
}

// csvRows reads a benchmark CSV with a header row and the positional columns
// source, question, answer, rating (extra columns are ignored), calling fn for
// each data row with its line number until fn returns false. It stops at the
// first structural error.
func csvRows(path string, r io.Reader, fn func(line int, rec []string) bool) error {
	cr := csv.NewReader(&recordLimiter{r: r, limit: maxCSVRecord, line: 1})
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return fmt.Errorf("%s: empty file (want a header row source,question,answer,rating)", path)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(header) < 4 || strings.TrimSpace(strings.TrimPrefix(header[1], "\ufeff")) != "question" {
		return fmt.Errorf("%s: line 1: header %q, want columns source,question,answer,rating", path, strings.Join(header, ","))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s: line %d, column %d: %v", path, pe.Line, pe.Column, pe.Err)
			}
			return fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < 4 {
			return fmt.Errorf("%s: line %d: %d columns, want at least 4 (source,question,answer,rating)", path, line, len(rec))
		}
		if !fn(line, rec) {
			return nil
		}
	}
}

// parseRating reads the rating column; empty means unknown (-1).
func parseRating(s string, pl *problemList, item string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return -1
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		pl.add(item, "rating", "%q is not a non-negative integer", s)
		return -1
	}
	return v
}

// LoadSudokuCSV loads a Sudoku-Extreme CSV (source,question,answer,rating;
// '.' or '0' = blank). Every row is validated: 81 cells, givens consistent
// with the answer, the answer a valid solution. All problems are listed.
func LoadSudokuCSV(path string) ([]*Task, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readSudokuCSV(path, f)
}

func readSudokuCSV(path string, r io.Reader) ([]*Task, error) {
	pl := &problemList{file: path}
	var out []*Task
	rows := 0
	err := csvRows(path, r, func(line int, rec []string) bool {
		item := fmt.Sprintf("line %d", line)
		q, okQ := parseSudokuCells(rec[1], pl, item, "question", true)
		a, okA := parseSudokuCells(rec[2], pl, item, "answer", false)
		rating := parseRating(rec[3], pl, item)
		if okQ && okA {
			checkSudoku(q, a, pl, item)
		}
		out = keepTask(out, pl, &Task{
			ID: fmt.Sprintf("%d", rows), Kind: Sudoku, Source: rec[0], Rating: rating, HasSolutions: true,
			Test: []Pair{{Input: q, Output: a}},
		})
		rows++
		return true
	})
	if err != nil {
		return nil, err
	}
	if rows == 0 {
		return nil, fmt.Errorf("%s: no puzzles after the header", path)
	}
	if err := pl.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// keepTask appends t while the file has no problem; after the first one the
// file is an error, so its rows are checked but no longer kept (a file of
// millions of bad rows costs the problem list, not a task per row).
func keepTask(out []*Task, pl *problemList, t *Task) []*Task {
	if pl.count() > 0 {
		return nil
	}
	return append(out, t)
}

// parseSudokuCells reads an 81-character row-major board.
func parseSudokuCells(s string, pl *problemList, item, field string, blanks bool) (Grid, bool) {
	if len(s) != SudokuSide*SudokuSide {
		pl.add(item, field, "%d characters, want %d", len(s), SudokuSide*SudokuSide)
		return Grid{}, false
	}
	g := NewGrid(SudokuSide, SudokuSide)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= '1' && ch <= '9':
			g.Cells[i] = ch - '0'
		case blanks && (ch == '.' || ch == '0'):
			g.Cells[i] = 0
		default:
			want := "a digit 1-9"
			if blanks {
				want = "a digit 1-9 or '.'"
			}
			pl.add(item, field, "cell %d (row %d, column %d) is %q, want %s", i, i/9+1, i%9+1, ch, want)
			return Grid{}, false
		}
	}
	return g, true
}

// checkSudoku records problems when the answer is not a valid solution or
// disagrees with a given of the question.
func checkSudoku(q, a Grid, pl *problemList, item string) {
	if msg := SudokuSolutionProblem(a); msg != "" {
		pl.add(item, "answer", "%s", msg)
	}
	for i, v := range q.Cells {
		if v != 0 && v != a.Cells[i] {
			pl.add(item, "question", "given %d at row %d, column %d disagrees with the answer's %d", v, i/9+1, i%9+1, a.Cells[i])
			return
		}
	}
}

// SudokuSolutionProblem returns "" when g is a solved 9×9 Sudoku, else what
// is wrong (the first repeated digit in a row, column or box).
func SudokuSolutionProblem(g Grid) string {
	if g.H != SudokuSide || g.W != SudokuSide {
		return fmt.Sprintf("board is %d×%d, want 9×9", g.H, g.W)
	}
	for unit := 0; unit < 27; unit++ {
		var seen [10]bool
		for k := 0; k < 9; k++ {
			r, c := sudokuUnitCell(unit, k)
			v := g.At(r, c)
			if v < 1 || v > 9 {
				return fmt.Sprintf("row %d, column %d is %d, want a digit 1-9", r+1, c+1, v)
			}
			if seen[v] {
				return fmt.Sprintf("digit %d repeated in %s", v, sudokuUnitName(unit))
			}
			seen[v] = true
		}
	}
	return ""
}

// sudokuUnitCell returns cell k of unit u: units 0–8 rows, 9–17 columns,
// 18–26 boxes.
func sudokuUnitCell(u, k int) (int, int) {
	switch {
	case u < 9:
		return u, k
	case u < 18:
		return k, u - 9
	default:
		b := u - 18
		return b/3*3 + k/3, b%3*3 + k%3
	}
}

func sudokuUnitName(u int) string {
	switch {
	case u < 9:
		return fmt.Sprintf("row %d", u+1)
	case u < 18:
		return fmt.Sprintf("column %d", u-8)
	default:
		return fmt.Sprintf("box %d", u-17)
	}
}

// LoadMazeCSV loads a Maze-Hard CSV (source,question,answer,rating; square
// boards as row-major strings over "# SGo"). Every row is validated: one S,
// one G, the answer equal to the question except for path cells, the path a
// connected shortest S→G path over open cells. All problems are listed.
func LoadMazeCSV(path string) ([]*Task, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readMazeCSV(path, f)
}

func readMazeCSV(path string, r io.Reader) ([]*Task, error) {
	pl := &problemList{file: path}
	var out []*Task
	rows, side := 0, 0
	err := csvRows(path, r, func(line int, rec []string) bool {
		item := fmt.Sprintf("line %d", line)
		n := intSqrt(len(rec[1]))
		if n*n != len(rec[1]) || n < 2 || n > maxMazeSide {
			pl.add(item, "question", "%d characters is not a square board of side 2..%d", len(rec[1]), maxMazeSide)
			return true
		}
		if side == 0 {
			side = n
		} else if n != side {
			pl.add(item, "question", "board side %d, earlier rows have %d", n, side)
			return true
		}
		q, okQ := parseMazeCells(rec[1], n, pl, item, "question", false)
		a, okA := parseMazeCells(rec[2], n, pl, item, "answer", true)
		rating := parseRating(rec[3], pl, item)
		if okQ && okA {
			if msg := MazeProblem(q, a); msg != "" {
				pl.add(item, "answer", "%s", msg)
			}
		}
		out = keepTask(out, pl, &Task{
			ID: fmt.Sprintf("%d", rows), Kind: Maze, Source: rec[0], Rating: rating, HasSolutions: true,
			Test: []Pair{{Input: q, Output: a}},
		})
		rows++
		return true
	})
	if err != nil {
		return nil, err
	}
	if err := pl.err(); err != nil {
		return nil, err
	}
	if rows == 0 {
		return nil, fmt.Errorf("%s: no mazes after the header", path)
	}
	return out, nil
}

// ParseMaze reads a question and an answer given as row-major strings over
// "# SGo" (a square board) and checks the answer with MazeProblem.
func ParseMaze(question, answer string) (q, a Grid, err error) {
	pl := &problemList{file: "maze"}
	n := intSqrt(len(question))
	if n*n != len(question) || n < 1 {
		return q, a, fmt.Errorf("maze: question of %d characters is not a square board", len(question))
	}
	q, okQ := parseMazeCells(question, n, pl, "", "question", false)
	a, okA := parseMazeCells(answer, n, pl, "", "answer", true)
	if okQ && okA {
		if msg := MazeProblem(q, a); msg != "" {
			pl.add("", "answer", "%s", msg)
		}
	}
	return q, a, pl.err()
}

func parseMazeCells(s string, n int, pl *problemList, item, field string, pathAllowed bool) (Grid, bool) {
	if len(s) != n*n {
		pl.add(item, field, "%d characters, the question has %d", len(s), n*n)
		return Grid{}, false
	}
	g := NewGrid(n, n)
	for i := 0; i < len(s); i++ {
		v := strings.IndexByte(MazeCharset, s[i])
		if v < 0 || (!pathAllowed && uint8(v) == MazePath) {
			allowed := MazeCharset[:4]
			if pathAllowed {
				allowed = MazeCharset
			}
			pl.add(item, field, "cell %d (row %d, column %d) is %q, want one of %q", i, i/n+1, i%n+1, s[i], allowed)
			return Grid{}, false
		}
		g.Cells[i] = uint8(v)
	}
	return g, true
}

func intSqrt(n int) int {
	r := 0
	for (r+1)*(r+1) <= n {
		r++
	}
	return r
}
