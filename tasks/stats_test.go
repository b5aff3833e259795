package tasks

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRatingBucket(t *testing.T) {
	tests := []struct {
		rating int
		want   string
	}{
		{-1, ""}, {0, "r0"}, {1, "r1-4"}, {4, "r1-4"}, {5, "r5-19"}, {19, "r5-19"},
		{20, "r20-49"}, {49, "r20-49"}, {50, "r50-99"}, {99, "r50-99"}, {100, "r100+"}, {1 << 40, "r100+"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := RatingBucket(tc.rating); got != tc.want {
				t.Errorf("RatingBucket(%d) = %q, want %q", tc.rating, got, tc.want)
			}
		})
	}
}

func TestStatsTestdata(t *testing.T) {
	load := func(p string) *Set {
		s, err := LoadPath(p)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	arc := load(filepath.Join("testdata", "arc_tiny"))
	sudoku := load(filepath.Join("testdata", "sudoku_tiny.csv"))
	maze := load(filepath.Join("testdata", "maze_tiny.csv"))
	t.Run("arc", func(t *testing.T) {
		st := Stats(arc)
		if st.Tasks != 2 || st.TestInputs != 3 || st.TrainPairs != 3 || st.TasksWithSeveralTests != 1 || st.Kind != "arc" {
			t.Errorf("stats %+v", st)
		}
		if st.Height.Min != 1 || st.Height.Max != 2 || st.Width.Max != 3 || st.Height.N != 12 {
			t.Errorf("shapes %+v %+v", st.Height, st.Width)
		}
		total := 0
		for _, n := range st.Colours {
			total += n
		}
		if total != 41 || st.Colours[0] != 14 || st.Colours[5] != 5 {
			t.Errorf("colour cells %v (total %d)", st.Colours, total)
		}
		if st.Rating != nil || st.Givens != nil || st.PathLength != nil {
			t.Error("ARC stats carry Sudoku/Maze fields")
		}
	})
	t.Run("sudoku", func(t *testing.T) {
		st := Stats(sudoku)
		if st.Givens == nil || st.Givens.N != 2 || st.Rating.Max != 12 || st.Ratings["r0"] != 1 || st.Ratings["r5-19"] != 1 {
			t.Errorf("stats %+v %+v %v", st.Givens, st.Rating, st.Ratings)
		}
	})
	t.Run("maze", func(t *testing.T) {
		st := Stats(maze)
		if st.PathLength == nil || st.PathLength.Min != 14 || st.PathLength.Max != 14 {
			t.Errorf("path length %+v", st.PathLength)
		}
	})
	t.Run("fingerprint", func(t *testing.T) {
		fp := Fingerprint(arc)
		if len(fp) != 16 || fp != Fingerprint(load(filepath.Join("testdata", "arc_tiny"))) {
			t.Errorf("fingerprint %q not stable", fp)
		}
		seen := map[string]string{fp: "arc"}
		for name, s := range map[string]*Set{"sudoku": sudoku, "maze": maze} {
			if prev, dup := seen[Fingerprint(s)]; dup {
				t.Errorf("%s and %s share a fingerprint", name, prev)
			}
		}
		changed := load(filepath.Join("testdata", "arc_tiny"))
		changed.Tasks[1].Test[1].Output.Cells[0] = 3
		if Fingerprint(changed) == fp {
			t.Error("changing one cell keeps the fingerprint")
		}
		renamed := load(filepath.Join("testdata", "arc_tiny"))
		renamed.Tasks[0].ID = "other"
		if Fingerprint(renamed) == fp {
			t.Error("renaming a task keeps the fingerprint")
		}
	})
}

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name string
		xs   []float64
		want Summary
	}{
		{"none", nil, Summary{}},
		{"one", []float64{9}, Summary{Min: 9, Mean: 9, Max: 9, N: 1}},
		// A running mean gives 13.250000000000002 here and prints "13.3".
		{"exact mean", []float64{15, 14, 4, 6, 20, 14, 29, 4}, Summary{Min: 4, Mean: 13.25, Max: 29, N: 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, summarize(tc.xs)); diff != "" {
				t.Errorf("summarize(%v) (-want +got):\n%s", tc.xs, diff)
			}
		})
	}
}
