package gen

import (
	"arceval/internal/testenv"
	"arceval/tasks"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// grid joins rows into a row-major maze.
func grid(rows ...string) []byte { return []byte(strings.Join(rows, "")) }

func TestShortestPathTable(t *testing.T) {
	tests := []struct {
		name string
		q    []byte
		n    int
		want []int // nil = no path
	}{
		{"open 3x3, ties go down/left/right/up", grid("S  ", "   ", "  G"), 3, []int{0, 3, 6, 7, 8}},
		{"ties from the right side", grid("  S", "   ", "G  "), 3, []int{2, 5, 8, 7, 6}},
		{"up when needed", grid("G  ", "   ", "  S"), 3, []int{8, 7, 6, 3, 0}},
		{"adjacent", grid("SG", "  "), 2, []int{0, 1}},
		{"detour", grid("S# ", " # ", "  G"), 3, []int{0, 3, 6, 7, 8}},
		{"walled off", grid("S# ", "## ", "  G"), 3, nil},
		{"no goal", grid("S ", "  "), 2, nil},
		{"two starts", grid("SS", " G"), 2, nil},
		{"wrong length", grid("S G"), 2, nil},
		{"marks are passable", grid("So", "#G"), 2, []int{0, 1, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path, ok := ShortestPath(tc.q, tc.n)
			if ok != (tc.want != nil) || !slices.Equal(path, tc.want) {
				t.Fatalf("ShortestPath = %v, %v; want %v", path, ok, tc.want)
			}
		})
	}
}

func TestCheckMazeTable(t *testing.T) {
	q := grid(
		"S   ",
		"### ",
		"    ",
		"G## ")
	good := grid(
		"Sooo",
		"###o",
		"oooo",
		"G## ")
	// Same length (8 moves) but along a different route? None exists here,
	// so build a second maze with two shortest paths.
	q2 := grid("S  ", "   ", "  G")
	alt := grid("So ", " oo", "  G") // right, down, right, down: also 4 moves
	tests := []struct {
		name    string
		q, a    []byte
		n       int
		wantErr error // nil, errBad or errNotShortest
	}{
		{"valid", q, good, 4, nil},
		{"other shortest path", q2, alt, 3, nil},
		{"ShortestPath's own", q2, grid("Soo", "  o", "  G"), 3, nil},
		{"longer simple path", q2, grid("S  ", "o  ", "ooG"), 3, nil}, // 4 moves: shortest
		{"staircase is shortest", grid("S   ", "    ", "   G", "    "),
			grid("S   ", "oooo", "   G", "    "), 4, nil},
		{"detour not shortest", grid("S  #", "   #", " G #", "####"),
			grid("Soo#", "  o#", " Go#", "####"), 4, errNotShortest},
		{"self-touching detour", grid("S    ", "     ", "     ", "     ", "    G"),
			grid("So   ", "oo   ", "ooooo", "    o", "    G"), 5, errBad},
		{"wrong sizes", q, good[:15], 4, errBad},
		{"no marks", q, q, 4, errBad},
		{"mark on wall", q, grid("Sooo", "##oo", "oooo", "G## "), 4, errBad},
		{"branch", q, grid("Sooo", "###o", "oooo", "Goo "), 4, errBad},
		{"detached mark", q, grid("Sooo", "###o", "oooo", "G##o"), 4, errBad},
		{"gap", q, grid("So o", "###o", "oooo", "G## "), 4, errBad},
		{"S changed", q, grid("oooo", "###o", "oooo", "G## "), 4, errBad},
		{"bad question byte", grid("S  ", " x ", "  G"), grid("S  ", " x ", "  G"), 3, errBad},
		{"two goals", grid("S G", "   ", "  G"), grid("SoG", "   ", "  G"), 3, errBad},
		{"bad answer byte", q2, grid("So.", "  o", "  G"), 3, errBad},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkMaze(tc.q, tc.a, tc.n)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
		})
	}
	// A U-shaped detour is a valid simple path but not a shortest one.
	qd := grid("S   G", "     ", "     ", "     ", "     ")
	ad := grid("S   G", "o   o", "ooooo", "     ", "     ")
	if err := checkMaze(qd, ad, 5); !errors.Is(err, errNotShortest) || errors.Is(err, errBad) {
		t.Fatalf("U detour: err = %v, want errNotShortest only", err)
	}
}

func TestMazeHardRealData(t *testing.T) {
	f, err := os.Open(filepath.Join(testenv.DataRoot(t), "maze-30x30-hard-1k", "test_reconstructed.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"source", "question", "answer", "rating"}; !slices.Equal(recs[0], want) {
		t.Fatalf("header %v", recs[0])
	}
	if len(recs) != 1001 {
		t.Fatalf("%d mazes, want 1000", len(recs)-1)
	}
	same := 0
	for i, r := range recs[1:] {
		q, a := []byte(r[1]), []byte(r[2])
		if err := checkMaze(q, a, 30); err != nil {
			t.Fatalf("maze %d: %v", i, err)
		}
		path, ok := ShortestPath(q, 30)
		if !ok || strconv.Itoa(len(path)-1) != r[3] {
			t.Fatalf("maze %d: shortest %d moves, rating column %s", i, len(path)-1, r[3])
		}
		mine := slices.Clone(q)
		for _, c := range path[1 : len(path)-1] {
			mine[c] = Mark
		}
		if err := checkMaze(q, mine, 30); err != nil {
			t.Fatalf("maze %d: our own answer: %v", i, err)
		}
		if bytes.Equal(mine, a) {
			same++
		}
		// Perturb the real label: dropping one mark must fail.
		broken := slices.Clone(a)
		broken[bytes.IndexByte(broken, Mark)] = Open
		if err := checkMaze(q, broken, 30); !errors.Is(err, errBad) {
			t.Fatalf("maze %d: broken label accepted: %v", i, err)
		}
	}
	if same != 1000 {
		t.Errorf("ShortestPath's tie-breaking reproduces only %d/1000 labels", same)
	}
}

func TestGenerateMazeProperties(t *testing.T) {
	tests := []struct {
		name string
		opt  MazeOptions
		n    int
	}{
		{"default 30x30", MazeOptions{}, 5},
		{"8x8 quickstart", MazeOptions{N: 8, MinPathLen: 10}, 30},
		{"15x15 path ≥ 40", MazeOptions{N: 15, MinPathLen: 40}, 10},
		{"fixed density", MazeOptions{N: 12, WallDensity: 0.25, MinPathLen: 15, Candidates: 1}, 10},
		{"Maze-Hard 30x30 ≥ 110", MazeOptions{N: 30, MinPathLen: 110}, 3},
		{"2x2", MazeOptions{N: 2, WallDensity: 0.01}, 5},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(i), 99))
			n := cmp(tc.opt.N, DefaultMazeN)
			for range tc.n {
				q, a, l, err := GenerateMaze(rng, tc.opt)
				if err != nil {
					t.Fatal(err)
				}
				if len(q) != n*n || bytes.Count(q, []byte{Start}) != 1 || bytes.Count(q, []byte{Goal}) != 1 {
					t.Fatalf("bad question %q", q)
				}
				if bytes.ContainsAny(q, "o") || strings.Trim(string(q), MazeCharset[:4]) != "" {
					t.Fatalf("question uses bytes outside %q", MazeCharset[:4])
				}
				if err := checkMaze(q, a, n); err != nil {
					t.Fatal(err)
				}
				path, _ := ShortestPath(q, n)
				if l != len(path)-1 || l < max(tc.opt.MinPathLen, 1) {
					t.Fatalf("pathLen %d, BFS %d, min %d", l, len(path)-1, tc.opt.MinPathLen)
				}
				if bytes.Count(a, []byte{Mark}) != l-1 {
					t.Fatalf("%d marks for %d moves", bytes.Count(a, []byte{Mark}), l)
				}
			}
		})
	}
}

func cmp(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func TestGenerateMazeDeterminism(t *testing.T) {
	gen := func(seed uint64) (out [][]byte) {
		rng := rand.New(rand.NewPCG(seed, 5))
		for range 3 {
			q, a, _, err := GenerateMaze(rng, MazeOptions{N: 16, MinPathLen: 30})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, q, a)
		}
		return out
	}
	eq := func(x, y [][]byte) bool { return slices.EqualFunc(x, y, bytes.Equal) }
	a, b, c := gen(1), gen(1), gen(2)
	if !eq(a, b) {
		t.Fatal("same seed gave different mazes")
	}
	if eq(a, c) {
		t.Fatal("different seeds gave identical mazes")
	}
}

func TestGenerateMazeErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		name string
		opt  MazeOptions
	}{
		{"too small", MazeOptions{N: 1}},
		{"negative size", MazeOptions{N: -3}},
		{"density 1", MazeOptions{WallDensity: 1}},
		{"negative density", MazeOptions{WallDensity: -0.1}},
		{"path longer than cells", MazeOptions{N: 5, MinPathLen: 25}},
		{"unreachable in budget", MazeOptions{N: 6, MinPathLen: 30, MaxAttempts: 2000}},
	}
	for _, tc := range tests {
		if _, _, _, err := GenerateMaze(rng, tc.opt); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func BenchmarkGenerateMaze30(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for b.Loop() {
		if _, _, _, err := GenerateMaze(rng, MazeOptions{N: 30, MinPathLen: 110}); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	errBad         = errors.New("invalid maze answer")
	errNotShortest = errors.New("maze path is not a shortest path")
)

// checkMaze validates an answer with the project's maze validator
// (tasks.ParseMaze / tasks.MazeProblem), classifying its verdict.
func checkMaze(q, a []byte, n int) error {
	if len(q) != n*n {
		return fmt.Errorf("%w: question has %d cells, want %d", errBad, len(q), n*n)
	}
	_, _, err := tasks.ParseMaze(string(q), string(a))
	switch {
	case err == nil:
		return nil
	case strings.Contains(err.Error(), "the shortest S→G path has"):
		return fmt.Errorf("%w: %v", errNotShortest, err)
	default:
		return fmt.Errorf("%w: %v", errBad, err)
	}
}
