package tasks

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

// tinyMaze is the first maze of testdata/maze_tiny.csv (10×10, 14 moves).
func tinyMaze(t *testing.T) (q, a Grid) {
	t.Helper()
	list, err := LoadMazeCSV(filepath.Join("testdata", "maze_tiny.csv"))
	if err != nil {
		t.Fatal(err)
	}
	return list[0].Test[0].Input, list[0].Test[0].Output
}

var mazeDirs = [4][2]int{{-1, 0}, {1, 0}, {0, -1}, {0, 1}}

// pathNeighbours counts the path cells (S, G or 'o') next to (r, c) in a.
func pathNeighbours(a Grid, r, c int) int {
	n := 0
	for _, d := range mazeDirs {
		nr, nc := r+d[0], c+d[1]
		if nr >= 0 && nc >= 0 && nr < a.H && nc < a.W && a.At(nr, nc) >= MazeStart {
			n++
		}
	}
	return n
}

// detour lengthens a correct answer by two moves without breaking the path's
// shape: a straight run P1,P2,P3 of path cells is rerouted through the three
// open cells beside it (P1,Q1,Q2,Q3,P3) and P2 is cleared. It returns false
// when the maze has no place for that.
func detour(q, a Grid) (Grid, bool) {
	n := q.W
	for r := 1; r < n-1; r++ {
		for c := 1; c < n-1; c++ {
			for _, dir := range [][2]int{{0, 1}, {1, 0}} { // run direction
				for _, side := range []int{-1, 1} {
					p := [3][2]int{}
					s := [3][2]int{}
					ok := true
					for k := 0; k < 3; k++ {
						p[k] = [2]int{r + k*dir[0], c + k*dir[1]}
						s[k] = [2]int{p[k][0] + side*dir[1], p[k][1] + side*dir[0]}
						for _, x := range [][2]int{p[k], s[k]} {
							if x[0] < 0 || x[1] < 0 || x[0] >= n || x[1] >= n {
								ok = false
							}
						}
					}
					if !ok || a.At(p[1][0], p[1][1]) != MazePath {
						continue
					}
					if a.At(p[0][0], p[0][1]) < MazeStart || a.At(p[2][0], p[2][1]) < MazeStart {
						continue
					}
					b := a.Clone()
					b.Set(p[1][0], p[1][1], MazeOpen)
					for _, x := range s {
						if q.At(x[0], x[1]) != MazeOpen || a.At(x[0], x[1]) != MazeOpen {
							ok = false
							break
						}
						b.Set(x[0], x[1], MazePath)
					}
					if !ok {
						continue
					}
					if msg := MazeProblem(q, b); strings.Contains(msg, "moves, the shortest") {
						return b, true
					}
				}
			}
		}
	}
	return Grid{}, false
}

// addCycle marks a 2×2 block of open cells with no path cell around it: the
// block is a closed loop of path cells off the S→G path.
func addCycle(q, a Grid) (Grid, bool) {
	n := q.W
	for r := 0; r+1 < n; r++ {
		for c := 0; c+1 < n; c++ {
			ok := true
			for _, x := range [][2]int{{r, c}, {r, c + 1}, {r + 1, c}, {r + 1, c + 1}} {
				if a.At(x[0], x[1]) != MazeOpen || pathNeighbours(a, x[0], x[1]) != 0 {
					ok = false
				}
			}
			if !ok {
				continue
			}
			b := a.Clone()
			for _, x := range [][2]int{{r, c}, {r, c + 1}, {r + 1, c}, {r + 1, c + 1}} {
				b.Set(x[0], x[1], MazePath)
			}
			return b, true
		}
	}
	return Grid{}, false
}

// firstPathCell returns the row and column of the first 'o' in a.
func firstPathCell(a Grid) (int, int) {
	for i, v := range a.Cells {
		if v == MazePath {
			return i / a.W, i % a.W
		}
	}
	return -1, -1
}

func TestMazeProblemHandMade(t *testing.T) {
	q, a := tinyMaze(t)
	if msg := MazeProblem(q, a); msg != "" {
		t.Fatalf("testdata maze is not valid: %s", msg)
	}
	long, ok := detour(q, a)
	if !ok {
		t.Fatal("no detour in the hand-made maze")
	}
	cyc, ok := addCycle(q, a)
	if !ok {
		t.Fatal("no room for a cycle in the hand-made maze")
	}
	pr, pc := firstPathCell(a)
	gap := a.Clone()
	gap.Set(pr, pc, MazeOpen)
	wallPath := a.Clone()
	wallPath.Set(0, 0, MazePath)
	opened := a.Clone()
	opened.Set(0, 3, MazeOpen)
	qNoG := q.Clone()
	qTwoS := q.Clone()
	for i, v := range q.Cells {
		if v == MazeGoal {
			qNoG.Cells[i] = MazeOpen
		}
	}
	qTwoS.Set(4, 1, MazeStart)
	tests := []struct {
		name string
		q, a Grid
		want string
	}{
		{"valid", q, a, ""},
		{"detour", q, long, "path has 16 moves, the shortest S→G path has 14"},
		{"cycle", q, cyc, "path cells are not connected: 4 cells off the S→G path"},
		{"gap", q, gap, fmt.Sprintf("path is not a simple S→G path at row %d, column %d (0 path neighbours, want 1)", 2, 2)},
		{"path-on-wall", q, wallPath, `row 1, column 1 is 'o' in the answer but '#' in the question`},
		{"wall-opened", q, opened, `row 1, column 4 is ' ' in the answer but '#' in the question`},
		{"no-goal", qNoG, a, "question has no goal 'G'"},
		{"two-starts", qTwoS, a, "question has two starts 'S' (cells 11 and 41)"},
		{"shape", q, NewGrid(9, 9), "answer is 9×9, question 10×10"},
		{"no-path", q, q, "path is not a simple S→G path at row 2, column 2 (0 path neighbours, want 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := MazeProblem(tc.q, tc.a); got != tc.want {
				t.Errorf("MazeProblem = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMazeProblemOutOfRangeValues: boards decoded from a built folder whose
// vocabulary is larger than the maze charset must give an error, not panic.
func TestMazeProblemOutOfRangeValues(t *testing.T) {
	q, a := tinyMaze(t)
	tests := []struct {
		name string
		q, a Grid
	}{
		{"answer", q, func() Grid { b := a.Clone(); b.Set(0, 0, 7); return b }()},
		{"question", func() Grid { b := q.Clone(); b.Set(0, 0, 200); return b }(), a},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := MazeProblem(tc.q, tc.a)
			if !strings.Contains(msg, "row 1, column 1") || !strings.Contains(msg, "not a maze cell") {
				t.Errorf("MazeProblem = %q", msg)
			}
		})
	}
}

func TestMazeDistances(t *testing.T) {
	q, _ := tinyMaze(t)
	start, goal, msg := mazeEndpoints(q)
	if msg != "" {
		t.Fatal(msg)
	}
	d := MazeDistances(q, start)
	tests := []struct {
		name string
		cell int
		want int
	}{
		{"start", start, 0},
		{"goal", goal, 14},
		{"wall", 0, -1},
		{"room", 6*10 + 3, 21}, // the 2×2 room above the bottom corridor
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d[tc.cell] != tc.want {
				t.Errorf("distance to cell %d = %d, want %d", tc.cell, d[tc.cell], tc.want)
			}
		})
	}
}

// TestMazeDihedralRealPairs: every dihedral view of every Maze-Hard test pair
// is still a maze with a shortest S→G path (what `--aug` builds rely on).
func TestMazeDihedralRealPairs(t *testing.T) {
	root := testenv.DataRoot(t)
	set := realSet(t, root, "maze-hard/test")
	if len(set.Tasks) != 1000 {
		t.Fatalf("%d mazes, want 1000", len(set.Tasks))
	}
	for _, task := range set.Tasks {
		p := task.Test[0]
		for tr := 0; tr < NumDihedral; tr++ {
			q, a := Dihedral(p.Input, tr), Dihedral(p.Output, tr)
			if msg := MazeProblem(q, a); msg != "" {
				t.Fatalf("maze %s, transform %d: %s", task.ID, tr, msg)
			}
			if back := Dihedral(a, InverseDihedral(tr)); !back.Equal(p.Output) {
				t.Fatalf("maze %s, transform %d: inverse does not restore the answer", task.ID, tr)
			}
		}
	}
}

// TestMazeCorruptRealPairs builds wrong answers from real mazes: a detour
// (valid shape, not shortest), a cleared path cell and a disconnected loop.
func TestMazeCorruptRealPairs(t *testing.T) {
	root := testenv.DataRoot(t)
	set := realSet(t, root, "maze-hard/test")
	var detoured, looped int
	for _, task := range set.Tasks {
		q, a := task.Test[0].Input, task.Test[0].Output
		start, goal, _ := mazeEndpoints(q)
		best := MazeDistances(q, start)[goal]
		if long, ok := detour(q, a); ok {
			detoured++
			want := fmt.Sprintf("path has %d moves, the shortest S→G path has %d", best+2, best)
			if msg := MazeProblem(q, long); msg != want {
				t.Fatalf("maze %s detour: %q, want %q", task.ID, msg, want)
			}
		}
		if cyc, ok := addCycle(q, a); ok {
			looped++
			if msg := MazeProblem(q, cyc); msg != "path cells are not connected: 4 cells off the S→G path" {
				t.Fatalf("maze %s loop: %q", task.ID, msg)
			}
		}
		r, c := firstPathCell(a)
		gap := a.Clone()
		gap.Set(r, c, MazeOpen)
		if msg := MazeProblem(q, gap); !strings.HasPrefix(msg, "path is not a simple S→G path at row ") {
			t.Fatalf("maze %s gap at row %d, column %d: %q", task.ID, r+1, c+1, msg)
		}
	}
	if detoured == 0 {
		t.Error("no real maze admitted a detour")
	}
	t.Logf("%d mazes with a detour, %d with a loop", detoured, looped)
}
