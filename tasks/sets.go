package tasks

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"arceval/internal/jsontok"
	"arceval/internal/userfile"
)

// Format is the on-disk format of a set.
type Format int

const (
	FormatARCDir    Format = iota + 1 // a folder of per-task ARC JSON files
	FormatKaggle                      // *_challenges.json (+ *_solutions.json)
	FormatSudokuCSV                   // source,question,answer,rating with 81-cell boards
	FormatMazeCSV                     // source,question,answer,rating with square "# SGo" boards
	FormatBuilt                       // an official built-dataset split folder (dataset.json + all__*.npy)
	FormatARCFile                     // one per-task ARC JSON file
)

func (f Format) String() string {
	return [...]string{"?", "arc-json-dir", "kaggle-json", "sudoku-csv", "maze-csv", "built-npy", "arc-json-file"}[f]
}

// SetSpec describes a named set: where it lives under the data root.
type SetSpec struct {
	Name   string
	Kind   Kind
	Format Format
	// Paths are candidate locations relative to the data root; the first
	// that exists is used (e.g. an official CSV before our reconstruction).
	Paths []string
	Desc  string
}

// kaggle names the challenges file of a TRM Kaggle-format subset.
func kaggle(subset string) string {
	return "trm-kaggle-combined/arc-agi_" + subset + "_challenges.json"
}

// knownSets lists every named set, in the order `data ls` prints them.
var knownSets = []SetSpec{
	{"arc-agi-1/training", ARC, FormatARCDir, []string{"arc-agi-1/training"}, "ARC-AGI-1 public training, 400 tasks"},
	{"arc-agi-1/evaluation", ARC, FormatARCDir, []string{"arc-agi-1/evaluation"}, "ARC-AGI-1 public evaluation, 400 tasks / 419 test inputs"},
	{"arc-agi-2/training", ARC, FormatARCDir, []string{"arc-agi-2/training"}, "ARC-AGI-2 public training, 1000 tasks"},
	{"arc-agi-2/evaluation", ARC, FormatARCDir, []string{"arc-agi-2/evaluation"}, "ARC-AGI-2 public evaluation (current repository), 120 tasks / 167 test inputs"},
	{"concept-arc", ARC, FormatARCDir, []string{"concept-arc/corpus"}, "ConceptARC corpus, 160 tasks (TRM's extra training data)"},
	{"concept-arc/minimal", ARC, FormatARCDir, []string{"concept-arc/MinimalTasks"}, "ConceptARC minimal tasks, 16"},
	{"trm-kaggle/training", ARC, FormatKaggle, []string{kaggle("training")}, "TRM's Kaggle-format copy of ARC-AGI-1 training"},
	{"trm-kaggle/evaluation", ARC, FormatKaggle, []string{kaggle("evaluation")}, "TRM's Kaggle-format copy of ARC-AGI-1 evaluation"},
	{"trm-kaggle/training2", ARC, FormatKaggle, []string{kaggle("training2")}, "TRM's Kaggle-format copy of ARC-AGI-2 training"},
	{"trm-kaggle/evaluation2", ARC, FormatKaggle, []string{kaggle("evaluation2")}, "TRM's older copy of ARC-AGI-2 evaluation, 120 tasks / 172 test inputs (to reproduce TRM)"},
	{"trm-kaggle/concept", ARC, FormatKaggle, []string{kaggle("concept")}, "TRM's Kaggle-format copy of ConceptARC"},
	{"sudoku-extreme/test", Sudoku, FormatSudokuCSV, []string{"sudoku/sudoku-extreme/test.csv"}, "Sudoku-Extreme full test set, 422,786 puzzles (data fetch)"},
	{"sudoku-extreme/train", Sudoku, FormatSudokuCSV, []string{"sudoku/sudoku-extreme/train.csv"}, "Sudoku-Extreme full train set, 3,831,994 puzzles (data fetch)"},
	{"sudoku-extreme/test-sample-1200", Sudoku, FormatSudokuCSV, []string{"sudoku/sudoku-extreme-test-sample-1200/test_sample_1200.csv"}, "genuine test puzzles, 200 per rating bucket (stratified)"},
	{"sudoku-extreme/train-sample-1k", Sudoku, FormatSudokuCSV, []string{"sudoku/sudoku-extreme-train-sample-1k/train_sample_1k.csv"}, "genuine train puzzles, a 1000-puzzle subsample"},
	{"sudoku-tdoku/17-clue", Sudoku, FormatSudokuCSV, []string{"sudoku/tdoku_sources_solved/puzzles2_17_clue.csv"}, "tdoku source list (solved), 49,158 puzzles"},
	{"sudoku-tdoku/magictour-top1465", Sudoku, FormatSudokuCSV, []string{"sudoku/tdoku_sources_solved/puzzles3_magictour_top1465.csv"}, "tdoku source list (solved), 1,465 puzzles"},
	{"sudoku-tdoku/forum-hardest-1905-11plus", Sudoku, FormatSudokuCSV, []string{"sudoku/tdoku_sources_solved/puzzles5_forum_hardest_1905_11+.csv"}, "tdoku source list (solved), 48,766 puzzles"},
	{"sudoku-tdoku/forum-hardest-1106", Sudoku, FormatSudokuCSV, []string{"sudoku/tdoku_sources_solved/puzzles6_forum_hardest_1106.csv"}, "tdoku source list (solved), 375 puzzles"},
	{"maze-hard/train", Maze, FormatMazeCSV, []string{"maze-30x30-hard-1k/train.csv", "maze-30x30-hard-1k/train_reconstructed.csv"}, "Maze-Hard 30×30 train, 1000 mazes"},
	{"maze-hard/test", Maze, FormatMazeCSV, []string{"maze-30x30-hard-1k/test.csv", "maze-30x30-hard-1k/test_reconstructed.csv"}, "Maze-Hard 30×30 test, 1000 mazes"},
}

// KnownSets returns the named sets.
func KnownSets() []SetSpec { return append([]SetSpec(nil), knownSets...) }

// LookupSet finds a named set.
func LookupSet(name string) (SetSpec, bool) {
	for _, s := range knownSets {
		if s.Name == name {
			return s, true
		}
	}
	return SetSpec{}, false
}

// Locate returns the first candidate path of the set that exists under root.
func (s SetSpec) Locate(root string) (string, bool) {
	for _, p := range s.Paths {
		full := filepath.Join(root, p)
		if _, err := os.Stat(full); err == nil {
			return full, true
		}
	}
	return "", false
}

// DataRoot resolves the data root: the flag value, else $ARCEVAL_DATA, else
// ./data.
func DataRoot(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("ARCEVAL_DATA"); env != "" {
		return env
	}
	return "data"
}

// LoadSet loads a set by canonical name from root, or, when name is not a
// known set but a path to a file or folder, by detecting its format.
func LoadSet(root, name string) (*Set, error) {
	spec, ok := LookupSet(name)
	if !ok {
		if _, err := os.Stat(name); err == nil {
			return LoadPath(name)
		}
		return nil, fmt.Errorf("unknown set %q (known: %s; or give a path to a task folder, Kaggle challenges file, CSV or built dataset split)", name, strings.Join(setNames(), ", "))
	}
	path, ok := spec.Locate(root)
	if !ok {
		return nil, fmt.Errorf("set %s not found under data root %q (looked for %s); run `arceval data fetch` or pass --data", name, root, strings.Join(spec.Paths, ", "))
	}
	set, err := loadFormat(path, spec.Format, spec.Kind)
	if err != nil {
		return nil, err
	}
	set.Name = spec.Name
	return set, nil
}

func setNames() []string {
	names := make([]string, len(knownSets))
	for i, s := range knownSets {
		names[i] = s.Name
	}
	return names
}

// LoadPath loads a set from a path, detecting the format: a built-dataset
// split folder (dataset.json), a folder of ARC JSON files, a Kaggle
// *_challenges.json (solutions beside it are used when present), or a
// Sudoku/Maze CSV (told apart by the characters of the first board).
func LoadPath(path string) (*Set, error) {
	format, kind, err := DetectFormat(path)
	if err != nil {
		return nil, err
	}
	set, err := loadFormat(path, format, kind)
	if err != nil {
		return nil, err
	}
	set.Name = path
	return set, nil
}

// DetectFormat guesses the format and kind of a file or folder.
func DetectFormat(path string) (Format, Kind, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, 0, err
	}
	if st.IsDir() {
		if fileExists(filepath.Join(path, "dataset.json")) {
			meta, err := ReadBuiltMeta(path)
			if err != nil {
				return 0, 0, err
			}
			return FormatBuilt, meta.GuessKind(), nil
		}
		if fileExists(filepath.Join(path, "train", "dataset.json")) {
			return 0, 0, fmt.Errorf("%s: a built dataset; name one split, e.g. %s", path, filepath.Join(path, "test"))
		}
		return FormatARCDir, ARC, nil
	}
	switch {
	case strings.HasSuffix(path, "_challenges.json"):
		return FormatKaggle, ARC, nil
	case strings.HasSuffix(path, ".json"):
		if isTaskFile(path) {
			return FormatARCFile, ARC, nil
		}
		return FormatKaggle, ARC, nil
	case strings.HasSuffix(path, ".csv"):
		kind, err := sniffCSV(path)
		if err != nil {
			return 0, 0, err
		}
		if kind == Sudoku {
			return FormatSudokuCSV, Sudoku, nil
		}
		return FormatMazeCSV, Maze, nil
	}
	return 0, 0, fmt.Errorf("%s: cannot tell the format (want a folder, .json or .csv)", path)
}

// isTaskFile reports whether a JSON file is one ARC task (top-level "train"
// or "test" keys) rather than a Kaggle map of tasks, from its first keys: a
// task's members are lists or scalars (ConceptARC's "name"), a Kaggle
// file's are task objects. Only the values before the deciding key are
// read.
func isTaskFile(path string) bool {
	f, _, err := openJSON(path)
	if err != nil {
		return false
	}
	defer f.Close()
	in := jsontok.NewReader(f)
	if t, ok := in.Next(); !ok || !jsontok.IsDelim(t, '{') {
		return false
	}
	for in.More() {
		key, ok := in.Next()
		if !ok {
			return false
		}
		if key == "train" || key == "test" {
			return true
		}
		v, ok := in.Next()
		if !ok || jsontok.IsDelim(v, '{') {
			return false
		}
		if !in.Skip(v, nil) {
			return false
		}
	}
	return false
}

// sniffCSV tells a Sudoku CSV from a Maze CSV by what the boards are
// written with (both have the header source,question,answer,rating): the
// first data row's question is a Sudoku board when it holds only digits and
// '.', a maze when it holds only "# SGo". Lengths decide nothing: a 9×9
// maze has 81 characters, as a Sudoku board.
func sniffCSV(path string) (Kind, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	kind := Kind(0)
	var problem error
	err = csvRows(path, f, func(line int, rec []string) bool {
		switch q := rec[1]; {
		case q == "":
			problem = fmt.Errorf("%s: line %d: question is empty: cannot tell a Sudoku CSV from a Maze CSV", path, line)
		case strings.Trim(q, "0123456789.") == "":
			kind = Sudoku
		case strings.Trim(q, MazeCharset) == "":
			kind = Maze
		default:
			problem = fmt.Errorf("%s: line %d: question %q is neither a Sudoku board (digits and '.') nor a maze (%q)", path, line, truncate(q, 40), MazeCharset[:4])
		}
		return false
	})
	if err != nil {
		return 0, err
	}
	if problem != nil {
		return 0, problem
	}
	if kind == 0 {
		return 0, fmt.Errorf("%s: no data rows", path)
	}
	return kind, nil
}

// ReadBoardCSV reads a Sudoku or Maze CSV of a known kind from r; path
// names it in messages. `data gen` checks the file it is writing with it
// before the file takes its name.
func ReadBoardCSV(path string, r io.Reader, kind Kind) ([]*Task, error) {
	switch kind {
	case Sudoku:
		return readSudokuCSV(path, r)
	case Maze:
		return readMazeCSV(path, r)
	}
	return nil, fmt.Errorf("%s: %s is not a board kind (sudoku or maze)", path, kind)
}

// loadFormat loads path in the given format.
func loadFormat(path string, format Format, kind Kind) (*Set, error) {
	var (
		list []*Task
		err  error
	)
	switch format {
	case FormatARCDir:
		list, err = LoadARCDir(path)
	case FormatKaggle:
		sol := strings.TrimSuffix(path, "_challenges.json") + "_solutions.json"
		if !strings.HasSuffix(path, "_challenges.json") || !fileExists(sol) {
			sol = ""
		}
		list, err = LoadKaggle(path, sol)
	case FormatSudokuCSV:
		list, err = LoadSudokuCSV(path)
	case FormatMazeCSV:
		list, err = LoadMazeCSV(path)
	case FormatBuilt:
		list, err = LoadBuiltTasks(path, kind)
	case FormatARCFile:
		var t *Task
		if t, err = LoadARCFile(path); err == nil {
			list = []*Task{t}
		}
	default:
		err = fmt.Errorf("%s: unknown format", path)
	}
	if err != nil {
		return nil, err
	}
	return &Set{Name: path, Kind: kind, Path: path, Tasks: list}, nil
}

// SortedIDs returns the task ids of a set, sorted.
func (s *Set) SortedIDs() []string {
	ids := make([]string, len(s.Tasks))
	for i, t := range s.Tasks {
		ids[i] = t.ID
	}
	sort.Strings(ids)
	return ids
}
