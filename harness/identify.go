package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"arceval/results"
	"arceval/tasks"
)

// SetIdentity is the content identity of a whole evaluation set: its size,
// its digest and the known set it is, if any.
type SetIdentity struct {
	Kind       tasks.Kind
	Tasks      int
	TestInputs int
	Hash       string           // digest (16 hex digits) of the sorted per-test-input keys
	Known      results.KnownSet // zero when the set is not a known one
	Match      string           // results.MatchContent or results.MatchSize; "" when unknown
	NoAnswers  bool             // some test inputs have no known answer (a hidden test set)
}

// Identify computes the identity of a set from its items (all of them:
// before Select and ShardOf), so that the same content gives the same
// digest whether it was read from a task folder, a Kaggle file or an
// official built split:
//
//   - ARC: one key per test input, "task#index/tests:sha256(expected output)"
//     — the task ids, how many test inputs each has (the 167- and 172-input
//     copies of ARC-AGI-2 evaluation share their 120 ids) and the answers.
//     A built split's items carry the task id parsed from the group's puzzle
//     names and the answer inverted to the original frame (FromBuilt). A
//     test input without an answer is keyed by its input grid instead.
//   - Sudoku, Maze: one key per puzzle, sha256 of its input tokens and its
//     solution: row numbers are not content, and a CSV and its built split
//     number the same puzzles alike only by chance.
//
// The digest is sha256 over the kind, the count and the sorted keys, so
// order (a built split's shuffled groups) does not matter.
func Identify(items []*Item) (SetIdentity, error) {
	id := SetIdentity{TestInputs: len(items)}
	if len(items) == 0 {
		return id, fmt.Errorf("identify: the set has no test inputs")
	}
	id.Kind = items[0].Kind
	keys := make([]string, 0, len(items))
	for _, it := range items {
		if it.Kind != id.Kind {
			return id, fmt.Errorf("identify: test input %s is %s in a %s set", it.Key(), it.Kind, id.Kind)
		}
		if id.Kind == tasks.ARC && it.NoAnswer {
			// No answer: the test input stands for it (a hidden test set is
			// identified by what it asks).
			keys = append(keys, fmt.Sprintf("%s#%d/%d:input %s", it.TaskID, it.TestIndex, it.Tests, it.input.Hash()))
			id.NoAnswers = true
			continue
		}
		if id.Kind == tasks.ARC {
			keys = append(keys, fmt.Sprintf("%s#%d/%d:%s", it.TaskID, it.TestIndex, it.Tests, it.Expected.Hash()))
			continue
		}
		views, err := it.Views()
		if err != nil {
			return id, err
		}
		h := sha256.New()
		h.Write(views[0].Tokens)
		h.Write([]byte{0xff})
		h.Write([]byte(it.Expected.Hash()))
		keys = append(keys, hex.EncodeToString(h.Sum(nil)))
	}
	id.Tasks = countTasks(items)
	slices.Sort(keys)
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%d\n", id.Kind, len(keys))
	h.Write([]byte(strings.Join(keys, "\n")))
	id.Hash = hex.EncodeToString(h.Sum(nil))[:16]
	// A set without answers is none of the known (scored) sets, whatever
	// its size.
	if k, match, ok := results.IdentifySet(id.Kind.String(), id.Tasks, id.TestInputs, id.Hash); ok && !id.NoAnswers {
		id.Known, id.Match = k, match
	}
	return id, nil
}

// IdentifySet identifies a loaded set by its content (Identify over its
// items, one view each: ARC identity reads only the expected outputs, so no
// view is encoded).
func IdentifySet(set *tasks.Set) (SetIdentity, error) {
	items, err := FromSet(set, ViewOptions{Views: 1})
	if err != nil {
		return SetIdentity{}, err
	}
	return Identify(items)
}
