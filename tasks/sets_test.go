package tasks

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"arceval/internal/testenv"
)

// realSets caches the real sets loaded by tests; tests must not modify them.
var realSets = struct {
	sync.Mutex
	m map[string]*Set
}{m: map[string]*Set{}}

// realSet loads a named set under root once per test binary.
func realSet(t *testing.T, root, name string) *Set {
	t.Helper()
	realSets.Lock()
	defer realSets.Unlock()
	key := root + "\x00" + name
	if s, ok := realSets.m[key]; ok {
		return s
	}
	s, err := LoadSet(root, name)
	if err != nil {
		t.Fatal(err)
	}
	realSets.m[key] = s
	return s
}

// checkSetInvariants checks what every loaded task must satisfy.
func checkSetInvariants(t *testing.T, s *Set) {
	t.Helper()
	for _, tk := range s.Tasks {
		if tk.Kind != s.Kind {
			t.Fatalf("%s: task %s has kind %v", s.Name, tk.ID, tk.Kind)
		}
		switch s.Kind {
		case ARC:
			if err := ValidateARCTask(s.Path, tk); err != nil {
				t.Fatal(err)
			}
		case Sudoku:
			p := tk.Test[0]
			pl := &problemList{file: s.Path}
			checkSudoku(p.Input, p.Output, pl, tk.ID)
			if err := pl.err(); err != nil {
				t.Fatal(err)
			}
		case Maze:
			if msg := MazeProblem(tk.Test[0].Input, tk.Test[0].Output); msg != "" {
				t.Fatalf("%s: maze %s: %s", s.Name, tk.ID, msg)
			}
		}
	}
}

func TestRealSetCounts(t *testing.T) {
	root := testenv.DataRoot(t)
	tests := []struct {
		set        string
		kind       Kind
		tasks      int
		testInputs int // 0: not checked
	}{
		{"arc-agi-1/training", ARC, 400, 416},
		{"arc-agi-1/evaluation", ARC, 400, 419},
		{"arc-agi-2/evaluation", ARC, 120, 167},
		{"concept-arc", ARC, 160, 480},
		{"trm-kaggle/training", ARC, 400, 416},
		{"trm-kaggle/evaluation", ARC, 400, 419},
		{"trm-kaggle/evaluation2", ARC, 120, 172},
		{"trm-kaggle/concept", ARC, 160, 480},
		{"maze-hard/test", Maze, 1000, 1000},
		{"maze-hard/train", Maze, 1000, 1000},
		{"sudoku-extreme/test-sample-1200", Sudoku, 1200, 1200},
		{"sudoku-extreme/train-sample-1k", Sudoku, 1000, 1000},
	}
	for _, tc := range tests {
		t.Run(tc.set, func(t *testing.T) {
			s := realSet(t, root, tc.set)
			if s.Name != tc.set || s.Kind != tc.kind {
				t.Errorf("set %q kind %v, want %q %v", s.Name, s.Kind, tc.set, tc.kind)
			}
			if len(s.Tasks) != tc.tasks {
				t.Errorf("%d tasks, want %d", len(s.Tasks), tc.tasks)
			}
			if tc.testInputs > 0 && s.TestInputs() != tc.testInputs {
				t.Errorf("%d test inputs, want %d", s.TestInputs(), tc.testInputs)
			}
			checkSetInvariants(t, s)
			ids := map[string]bool{}
			for _, tk := range s.Tasks {
				if ids[tk.ID] {
					t.Fatalf("task id %s twice", tk.ID)
				}
				ids[tk.ID] = true
			}
		})
	}
}

// TestRealSudokuRatingBuckets: the stratified sample holds 200 puzzles per
// rating bucket.
func TestRealSudokuRatingBuckets(t *testing.T) {
	root := testenv.DataRoot(t)
	st := Stats(realSet(t, root, "sudoku-extreme/test-sample-1200"))
	for _, b := range RatingBuckets {
		if st.Ratings[b.Name] != 200 {
			t.Errorf("bucket %s: %d puzzles, want 200", b.Name, st.Ratings[b.Name])
		}
	}
}

func TestRealTestFirst(t *testing.T) {
	root := testenv.DataRoot(t)
	tests := []struct {
		set  string
		want bool
	}{
		{"trm-kaggle/training", true},
		{"trm-kaggle/evaluation", true},
		{"trm-kaggle/concept", false},
		{"trm-kaggle/evaluation2", false},
		{"concept-arc", false},
	}
	for _, tc := range tests {
		t.Run(tc.set, func(t *testing.T) {
			s := realSet(t, root, tc.set)
			for _, tk := range s.Tasks {
				if tk.TestFirst != tc.want {
					t.Fatalf("task %s: TestFirst %v, want %v", tk.ID, tk.TestFirst, tc.want)
				}
			}
		})
	}
}

// TestRealKaggleMatchesJSONDir: TRM's Kaggle copy of ARC-AGI-1 evaluation
// holds the same grids as the official per-task files.
func TestRealKaggleMatchesJSONDir(t *testing.T) {
	root := testenv.DataRoot(t)
	dirSet := realSet(t, root, "arc-agi-1/evaluation")
	kSet := realSet(t, root, "trm-kaggle/evaluation")
	for _, kt := range kSet.Tasks {
		dt, ok := dirSet.Find(kt.ID)
		if !ok {
			t.Fatalf("task %s not in the JSON folder", kt.ID)
		}
		if !kt.HasSolutions || len(kt.Test) != len(dt.Test) || len(kt.Train) != len(dt.Train) {
			t.Fatalf("task %s: shapes differ", kt.ID)
		}
		for i := range kt.Test {
			if !kt.Test[i].Input.Equal(dt.Test[i].Input) || !kt.Test[i].Output.Equal(dt.Test[i].Output) {
				t.Fatalf("task %s: test[%d] differs", kt.ID, i)
			}
		}
	}
}

func TestRealLoadPath(t *testing.T) {
	root := testenv.DataRoot(t)
	tests := []struct {
		name   string
		path   string
		format Format
		kind   Kind
		tasks  int
	}{
		{"json-folder", "arc-agi-1/evaluation", FormatARCDir, ARC, 400},
		{"json-folder-nested", "concept-arc/corpus", FormatARCDir, ARC, 160},
		{"kaggle", "trm-kaggle-combined/arc-agi_evaluation2_challenges.json", FormatKaggle, ARC, 120},
		{"kaggle-no-solutions", "trm-kaggle-combined/arc-agi_concept_challenges.json", FormatKaggle, ARC, 160},
		{"sudoku-csv", "sudoku/sudoku-extreme-test-sample-1200/test_sample_1200.csv", FormatSudokuCSV, Sudoku, 1200},
		{"maze-csv", "maze-30x30-hard-1k/test_reconstructed.csv", FormatMazeCSV, Maze, 1000},
		{"built-maze", "maze-30x30-hard-1k/hrm_processed/test", FormatBuilt, Maze, 1000},
		{"built-sudoku", "sudoku/sudoku-extreme-train-sample-1k/hrm_processed/train", FormatBuilt, Sudoku, 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(root, tc.path)
			format, kind, err := DetectFormat(p)
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.format || kind != tc.kind {
				t.Errorf("DetectFormat = %v, %v; want %v, %v", format, kind, tc.format, tc.kind)
			}
			s, err := LoadPath(p)
			if err != nil {
				t.Fatal(err)
			}
			if s.Kind != tc.kind || len(s.Tasks) != tc.tasks || s.Name != p || s.Path != p {
				t.Errorf("LoadPath: %q kind %v, %d tasks", s.Name, s.Kind, len(s.Tasks))
			}
			checkSetInvariants(t, s)
		})
	}
	t.Run("built-equals-csv", func(t *testing.T) {
		built, err := LoadPath(filepath.Join(root, "maze-30x30-hard-1k/hrm_processed/test"))
		if err != nil {
			t.Fatal(err)
		}
		csv := realSet(t, root, "maze-hard/test")
		for i := range csv.Tasks {
			if !built.Tasks[i].Test[0].Input.Equal(csv.Tasks[i].Test[0].Input) || !built.Tasks[i].Test[0].Output.Equal(csv.Tasks[i].Test[0].Output) {
				t.Fatalf("maze %d: built split and CSV differ", i)
			}
		}
	})
	t.Run("built-root", func(t *testing.T) {
		p := filepath.Join(root, "maze-30x30-hard-1k/hrm_processed")
		_, _, err := DetectFormat(p)
		if want := p + ": a built dataset; name one split, e.g. " + filepath.Join(p, "test"); err == nil || err.Error() != want {
			t.Errorf("error %v, want %s", err, want)
		}
	})
}

func TestLoadPathTestdata(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		format Format
		kind   Kind
		tasks  int
		inputs int
	}{
		{"json-folder", "testdata/arc_tiny", FormatARCDir, ARC, 2, 3},
		{"kaggle", "testdata/kaggle_tiny/arc-agi_tiny_challenges.json", FormatKaggle, ARC, 2, 3},
		{"sudoku-csv", "testdata/sudoku_tiny.csv", FormatSudokuCSV, Sudoku, 2, 2},
		{"maze-csv", "testdata/maze_tiny.csv", FormatMazeCSV, Maze, 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			format, kind, err := DetectFormat(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.format || kind != tc.kind {
				t.Errorf("DetectFormat = %v, %v; want %v, %v", format, kind, tc.format, tc.kind)
			}
			s, err := LoadPath(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Tasks) != tc.tasks || s.TestInputs() != tc.inputs {
				t.Errorf("%d tasks, %d test inputs; want %d, %d", len(s.Tasks), s.TestInputs(), tc.tasks, tc.inputs)
			}
			checkSetInvariants(t, s)
			// A path given as a set name loads the same way.
			s2, err := LoadSet("/nonexistent-root", tc.path)
			if err != nil || len(s2.Tasks) != len(s.Tasks) || s2.Name != tc.path {
				t.Errorf("LoadSet(path): %v", err)
			}
		})
	}
	t.Run("kaggle-solutions-beside", func(t *testing.T) {
		s, err := LoadPath("testdata/kaggle_tiny/arc-agi_tiny_challenges.json")
		if err != nil {
			t.Fatal(err)
		}
		if !s.Tasks[0].HasSolutions {
			t.Error("the solutions file beside the challenges was not used")
		}
	})
}

func TestDetectFormatErrors(t *testing.T) {
	dir := t.TempDir()
	txt := writeFile(t, dir, "notes.txt", []byte("hello"))
	emptyCSV := writeFile(t, dir, "empty.csv", []byte(csvHeader))
	badCSV := writeFile(t, dir, "bad.csv", []byte("a,b\n"))
	tests := []struct {
		name, path, want string
	}{
		{"unknown-extension", txt, txt + ": cannot tell the format (want a folder, .json or .csv)"},
		{"csv-without-rows", emptyCSV, emptyCSV + ": no data rows"},
		{"csv-bad-header", badCSV, badCSV + `: line 1: header "a,b", want columns source,question,answer,rating`},
		{"missing", filepath.Join(dir, "nope"), "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := DetectFormat(tc.path)
			wantErr(t, err, tc.want)
			if _, err := LoadPath(tc.path); err == nil {
				t.Error("LoadPath succeeded")
			}
		})
	}
}

func TestSetRegistry(t *testing.T) {
	names := map[string]bool{}
	for _, s := range KnownSets() {
		if names[s.Name] {
			t.Errorf("set %s listed twice", s.Name)
		}
		names[s.Name] = true
		if len(s.Paths) == 0 || s.Desc == "" {
			t.Errorf("set %s has no path or description", s.Name)
		}
		got, ok := LookupSet(s.Name)
		if !ok || got.Name != s.Name {
			t.Errorf("LookupSet(%q) failed", s.Name)
		}
	}
	if _, ok := LookupSet("arc-agi-3/evaluation"); ok {
		t.Error("LookupSet found an unknown set")
	}
	tests := []struct {
		name string
		set  string
		want string
	}{
		{"unknown", "arc-agi-3/evaluation", `unknown set "arc-agi-3/evaluation" (known: arc-agi-1/training, `},
		{"absent", "arc-agi-1/evaluation", `set arc-agi-1/evaluation not found under data root "/nonexistent-root" (looked for arc-agi-1/evaluation)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadSet("/nonexistent-root", tc.set)
			wantErr(t, err, tc.want)
		})
	}
	t.Run("fallback-path", func(t *testing.T) {
		// maze-hard/test prefers the official CSV and falls back to the
		// reconstruction.
		root := t.TempDir()
		data, err := os.ReadFile("testdata/maze_tiny.csv")
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, root, "maze-30x30-hard-1k/test_reconstructed.csv", data)
		s, err := LoadSet(root, "maze-hard/test")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(s.Path, "test_reconstructed.csv") || s.Name != "maze-hard/test" {
			t.Errorf("loaded %s as %s", s.Path, s.Name)
		}
		writeFile(t, root, "maze-30x30-hard-1k/test.csv", data[:len(data)/2])
		if _, err := LoadSet(root, "maze-hard/test"); err == nil {
			t.Error("the official CSV (truncated here) was not preferred")
		}
	})
}

func TestDataRoot(t *testing.T) {
	t.Setenv("ARCEVAL_DATA", "/env/data")
	if got := DataRoot("/flag"); got != "/flag" {
		t.Errorf("flag: %s", got)
	}
	if got := DataRoot(""); got != "/env/data" {
		t.Errorf("env: %s", got)
	}
	t.Setenv("ARCEVAL_DATA", "")
	if got := DataRoot(""); got != "data" {
		t.Errorf("default: %s", got)
	}
}

func TestSortedIDsAndFind(t *testing.T) {
	s := &Set{Tasks: []*Task{{ID: "b"}, {ID: "a"}, {ID: "c"}}}
	if got := strings.Join(s.SortedIDs(), ","); got != "a,b,c" {
		t.Errorf("SortedIDs = %s", got)
	}
	if tk, ok := s.Find("c"); !ok || tk.ID != "c" {
		t.Error("Find(c) failed")
	}
	if _, ok := s.Find("z"); ok {
		t.Error("Find(z) succeeded")
	}
}
