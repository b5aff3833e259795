package harness

import (
	"fmt"
	"path/filepath"

	"arceval/tasks"
)

// FromBuilt makes the items of an official built split (e.g. the test split
// of an ARC build), using its exact views and puzzle identifiers. ARC: each
// group is a task, its puzzles are the views (original first; opt.Views > 0
// keeps the first opt.Views of them) and a puzzle's k-th example is test
// input k; names come from identifiers.json beside the split. Sudoku and
// Maze: every example is a puzzle of its own.
func FromBuilt(split *tasks.BuiltSplit, kind tasks.Kind, opt ViewOptions) ([]*Item, error) {
	S := split.Meta.SeqLen
	row := func(a []uint8, e int) []uint8 { return a[e*S : (e+1)*S] }
	if kind != tasks.ARC {
		side := 0
		for side*side < S {
			side++
		}
		if side*side != S {
			return nil, fmt.Errorf("%s: seq_len %d is not a square board", split.Dir, S)
		}
		items := make([]*Item, 0, split.Examples())
		for e := 0; e < split.Examples(); e++ {
			lab, ok := tasks.DecodeBoard(row(split.Labels, e), side, split.Meta.VocabSize)
			if !ok {
				return nil, fmt.Errorf("%s: example %d: labels do not decode to a %d×%d board", split.Dir, e, side, side)
			}
			tok := row(split.Inputs, e)
			it := &Item{TaskID: fmt.Sprint(e), Tests: 1, Kind: kind, Expected: lab, Rating: -1, Task: e, ViewCount: 1}
			it.views = func() ([]View, error) { return []View{{Tokens: tok, Aug: tasks.IdentityARCAug}}, nil }
			items = append(items, it)
		}
		return items, nil
	}
	if S != tasks.ARCSeqLen {
		return nil, fmt.Errorf("%s: seq_len %d, ARC rows are %d tokens", split.Dir, S, tasks.ARCSeqLen)
	}
	if len(split.Identifiers) == 0 {
		return nil, fmt.Errorf("%s: no identifiers.json beside the split; the puzzle names are needed to invert the views", filepath.Dir(split.Dir))
	}
	var items []*Item
	for g := 0; g < split.Groups(); g++ {
		first, last := int(split.GroupIndices[g]), int(split.GroupIndices[g+1])
		if opt.Views > 0 {
			last = min(last, first+opt.Views)
		}
		type member struct {
			puzzle int
			aug    tasks.ARCAug
		}
		var members []member
		taskID, tests := "", -1
		for p := first; p < last; p++ {
			id := split.PuzzleIdentifiers[p]
			name := split.Identifiers[id]
			tid, aug, err := tasks.ParseARCName(name)
			if err != nil {
				return nil, fmt.Errorf("%s: puzzle %d (%q): %v", split.Dir, p, name, err)
			}
			n := int(split.PuzzleIndices[p+1] - split.PuzzleIndices[p])
			if taskID == "" {
				taskID, tests = tid, n
			} else if tid != taskID || n != tests {
				return nil, fmt.Errorf("%s: group %d mixes puzzle %q (%d examples) with task %s (%d examples)", split.Dir, g, name, n, taskID, tests)
			}
			members = append(members, member{p, aug})
		}
		for k := 0; k < tests; k++ {
			m0 := members[0]
			lab := tasks.CropARC(row(split.Labels, int(split.PuzzleIndices[m0.puzzle])+k))
			it := &Item{TaskID: taskID, TestIndex: k, Tests: tests, Kind: tasks.ARC, Expected: m0.aug.Invert(lab), Rating: -1, Task: g, ViewCount: len(members)}
			it.views = func() ([]View, error) {
				rng := taskRNG(opt.Seed, taskID, "ids")
				views := make([]View, len(members))
				for i, m := range members {
					e := int(split.PuzzleIndices[m.puzzle]) + k
					views[i] = View{Tokens: row(split.Inputs, e), Aug: m.aug, PuzzleID: puzzleID(opt, rng, split.PuzzleIdentifiers[m.puzzle])}
				}
				return views, nil
			}
			items = append(items, it)
		}
	}
	return items, nil
}
