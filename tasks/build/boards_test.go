package build

import (
	"path/filepath"
	"slices"
	"testing"

	"arceval/internal/testenv"
	"arceval/tasks"
)

// The shared data holds the exact output of the official builders for the
// Maze-Hard train/test splits (aug off) and the Sudoku train sample
// (num_aug 0); rebuilding from the CSVs must give the same arrays.
func TestBuildBoardsMatchOfficial(t *testing.T) {
	root := testenv.DataRoot(t)
	load := func(name string) []*tasks.Task {
		s, err := tasks.LoadSet(root, name)
		if err != nil {
			t.Fatal(err)
		}
		return s.Tasks
	}
	cases := []struct {
		name       string
		build      func(BoardConfig) error
		train      string
		test       string
		official   string
		splits     []string
		wantVocab  int
		wantSeqLen int
	}{
		{"maze", BuildMaze, "maze-hard/train", "maze-hard/test", "maze-30x30-hard-1k/hrm_processed", []string{"train", "test"}, 6, 900},
		{"sudoku", BuildSudoku, "sudoku-extreme/train-sample-1k", "sudoku-extreme/test-sample-1200", "sudoku/sudoku-extreme-train-sample-1k/hrm_processed", []string{"train"}, 11, 81},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), tc.name)
			if err := tc.build(BoardConfig{Train: load(tc.train), Test: load(tc.test), Out: out}); err != nil {
				t.Fatal(err)
			}
			for _, split := range tc.splits {
				got, err := tasks.OpenBuilt(filepath.Join(out, split))
				if err != nil {
					t.Fatal(err)
				}
				want, err := tasks.OpenBuilt(filepath.Join(root, tc.official, split))
				if err != nil {
					t.Fatal(err)
				}
				if got.Meta.VocabSize != tc.wantVocab || got.Meta.SeqLen != tc.wantSeqLen {
					t.Errorf("%s: vocab %d seq_len %d, want %d %d", split, got.Meta.VocabSize, got.Meta.SeqLen, tc.wantVocab, tc.wantSeqLen)
				}
				for _, a := range []struct {
					name      string
					got, want []uint8
				}{{"inputs", got.Inputs, want.Inputs}, {"labels", got.Labels, want.Labels}} {
					if !slices.Equal(a.got, a.want) {
						t.Errorf("%s/%s differ from the official build", split, a.name)
					}
				}
				for _, a := range []struct {
					name      string
					got, want []int32
				}{{"puzzle_identifiers", got.PuzzleIdentifiers, want.PuzzleIdentifiers}, {"puzzle_indices", got.PuzzleIndices, want.PuzzleIndices}, {"group_indices", got.GroupIndices, want.GroupIndices}} {
					if !slices.Equal(a.got, a.want) {
						t.Errorf("%s/%s differ from the official build", split, a.name)
					}
				}
			}
		})
	}
}

// Augmented builds keep every puzzle valid: Sudoku copies stay solved,
// consistent pairs; maze copies keep a shortest path. Sudoku train arrays
// are int64 as numpy's promotion makes them.
func TestBuildBoardsAugmented(t *testing.T) {
	root := testenv.DataRoot(t)
	for _, tc := range []struct {
		kind         tasks.Kind
		build        func(BoardConfig) error
		train, test  string
		numAug, want int
	}{
		{tasks.Sudoku, BuildSudoku, "sudoku-extreme/test-sample-1200", "sudoku-extreme/test-sample-1200", 5, 30 * 6},
		{tasks.Maze, BuildMaze, "maze-hard/test", "maze-hard/test", 1, 30 * 8},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			set, err := tasks.LoadSet(root, tc.train)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "b")
			cfg := BoardConfig{Train: set.Tasks[:30], Test: set.Tasks[:2], NumAug: tc.numAug, Seed: 7, Out: out}
			if err := tc.build(cfg); err != nil {
				t.Fatal(err)
			}
			list, err := tasks.LoadBuiltTasks(filepath.Join(out, "train"), tc.kind)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != tc.want {
				t.Errorf("%d train puzzles, want %d", len(list), tc.want)
			}
			b, err := tasks.OpenBuilt(filepath.Join(out, "train"))
			if err != nil {
				t.Fatal(err)
			}
			if b.Groups() != 30 {
				t.Errorf("%d groups, want 30", b.Groups())
			}
		})
	}
}
