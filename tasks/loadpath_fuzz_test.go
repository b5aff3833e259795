package tasks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzFileNames are the names a user file reaches LoadPath under: the
// extension (and a Kaggle suffix) choose how its format is detected.
var fuzzFileNames = []string{"task.json", "x_challenges.json", "boards.csv"}

// FuzzLoadPath: a file given as --set (ARC task, Kaggle challenges, Sudoku
// or Maze CSV, told apart by name and content) loads into a set whose
// puzzles are valid for their kind, or fails with an error naming the
// file; never a panic. Seeds are the tasks testdata files, found by glob.
func FuzzLoadPath(f *testing.F) {
	for _, pattern := range []string{"testdata/*.csv", "testdata/*/*.json", "testdata/*/*/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, p := range files {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			name := 0
			switch {
			case strings.HasSuffix(p, "_challenges.json"):
				name = 1
			case strings.HasSuffix(p, ".csv"):
				name = 2
			}
			f.Add(data, uint8(name))
		}
	}
	f.Add([]byte("source,question,answer,rating\nm,S#G.,SoG.,1\n"), uint8(2))
	f.Add([]byte("{}"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, name uint8) {
		path := filepath.Join(t.TempDir(), fuzzFileNames[int(name)%len(fuzzFileNames)])
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		set, err := LoadPath(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, tk := range set.Tasks {
			if tk.Kind != set.Kind || len(tk.Test) == 0 {
				t.Fatalf("task %s: kind %v in a %v set, %d tests", tk.ID, tk.Kind, set.Kind, len(tk.Test))
			}
			switch set.Kind {
			case ARC:
				if err := ValidateARCTask(path, tk); err != nil {
					t.Fatalf("loaded task is invalid: %v", err)
				}
			case Sudoku:
				if msg := SudokuSolutionProblem(tk.Test[0].Output); msg != "" {
					t.Fatalf("puzzle %s: %s", tk.ID, msg)
				}
			case Maze:
				if msg := MazeProblem(tk.Test[0].Input, tk.Test[0].Output); msg != "" {
					t.Fatalf("maze %s: %s", tk.ID, msg)
				}
			}
		}
	})
}
