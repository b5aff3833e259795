package tasks

import (
	"fmt"
	"iter"
)

// Kind is the benchmark family a task belongs to; it decides validation,
// token encoding and scoring.
type Kind int

const (
	ARC    Kind = iota + 1 // ARC-AGI-1/2, ConceptARC: demonstrations + test inputs, colours 0–9
	Sudoku                 // 9×9 Sudoku: 0 = blank, 1–9 digits
	Maze                   // N×N maze over MazeCharset
)

func (k Kind) String() string {
	switch k {
	case ARC:
		return "arc"
	case Sudoku:
		return "sudoku"
	case Maze:
		return "maze"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for _, k := range []Kind{ARC, Sudoku, Maze} {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown task kind %q (want arc, sudoku or maze)", s)
}

// A Pair is one input grid and its expected output.
type Pair struct {
	Input  Grid `json:"input"`
	Output Grid `json:"output"`
}

// A Task is one puzzle. ARC tasks have demonstrations (Train) and one or more
// test inputs (Test); a Sudoku or Maze puzzle is a task with a single test
// pair (question → answer) and no demonstrations.
type Task struct {
	ID    string
	Kind  Kind
	Train []Pair
	Test  []Pair
	// TestFirst records that the source JSON listed "test" before "train".
	// The official ARC builder keeps the file's key order when it merges both
	// lists into the training split, so a bit-exact rebuild needs it.
	TestFirst bool
	// HasSolutions is false when the test outputs were unknown (a Kaggle
	// challenges file without its solutions file); they are then [[0]].
	HasSolutions bool
	Source       string // Sudoku/Maze CSV "source" column
	Rating       int    // Sudoku tdoku rating, Maze shortest-path length; -1 if unknown
}

// Pairs yields every demonstration pair, then every test pair.
func (t *Task) Pairs() iter.Seq[Pair] {
	return func(yield func(Pair) bool) {
		for _, list := range [][]Pair{t.Train, t.Test} {
			for _, p := range list {
				if !yield(p) {
					return
				}
			}
		}
	}
}

// Set is a named, loaded collection of tasks of one kind.
type Set struct {
	Name  string // canonical name, e.g. "arc-agi-1/evaluation"
	Kind  Kind
	Path  string // file or directory it was loaded from
	Tasks []*Task
}

// TestInputs counts the test inputs over all tasks (the scoring denominator
// of micro accuracy).
func (s *Set) TestInputs() int {
	n := 0
	for _, t := range s.Tasks {
		n += len(t.Test)
	}
	return n
}

// Find returns the task with the given id.
func (s *Set) Find(id string) (*Task, bool) {
	for _, t := range s.Tasks {
		if t.ID == id {
			return t, true
		}
	}
	return nil, false
}
