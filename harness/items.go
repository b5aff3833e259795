package harness

import (
	"fmt"
	"slices"
	"strings"

	"arceval/tasks"
)

// Item is one test input to evaluate, with the views that vote on its answer.
type Item struct {
	TaskID    string
	TestIndex int
	Tests     int // test inputs of the task
	Kind      tasks.Kind
	Expected  tasks.Grid // the answer in the original frame
	// NoAnswer marks a test input whose answer is not known (an ARC
	// challenges file without solutions, such as a hidden test set):
	// Expected is a placeholder, and its predictions are never correct.
	NoAnswer bool
	input    tasks.Grid // the test input of a NoAnswer item (its identity)
	Rating   int        // Sudoku difficulty / maze path length; -1 unknown
	Task     int        // index of the task in the set (selection and shards go by task)
	// ViewCount is the views the item runs, as shards balance them: exact
	// for built splits and one-view sets; for ARC views drawn at run time
	// the requested count (a task with few distinct augmentations draws
	// fewer, which only makes its shard lighter).
	ViewCount int
	// views returns the item's views; it is called when the item is
	// scheduled, so a thousand views per test input are never all in memory.
	views func() ([]View, error)
}

// Key identifies the item as results.Item.Key does.
func (it *Item) Key() string { return fmt.Sprintf("%s#%d", it.TaskID, it.TestIndex) }

// Views returns the item's views (original first).
func (it *Item) Views() ([]View, error) { return it.views() }

// View is one augmented copy of a test input.
type View struct {
	Tokens   []uint8      // (S) encoded input
	PuzzleID int32        // row of the puzzle-embedding table
	Aug      tasks.ARCAug // ARC: the augmentation that made this view from the original
}

// Select applies limit (0: no limit; negative is an error) and ids to the
// items (whole tasks are kept or dropped) and returns the selection with a description of the subset ("" for
// the whole set). Unknown ids are an error naming them.
func Select(items []*Item, limit int, ids []string) ([]*Item, string, error) {
	if limit < 0 {
		return nil, "", fmt.Errorf("limit %d: want a number of tasks ≥ 1, or 0 for all of them", limit)
	}
	total := countTasks(items)
	subset := ""
	if len(ids) > 0 {
		want := map[string]bool{}
		for _, id := range ids {
			want[id] = true
		}
		var kept []*Item
		found := map[string]bool{}
		for _, it := range items {
			if want[it.TaskID] {
				kept = append(kept, it)
				found[it.TaskID] = true
			}
		}
		if len(found) < len(want) {
			var missing []string
			for id := range want {
				if !found[id] {
					missing = append(missing, id)
				}
			}
			slices.Sort(missing)
			return nil, "", fmt.Errorf("--ids: no task %s in the set", strings.Join(missing, ", "))
		}
		items = kept
		subset = fmt.Sprintf("%d chosen tasks (--ids) of %d", countTasks(items), total)
	}
	if limit > 0 && limit < countTasks(items) {
		var kept []*Item
		seen := map[int]bool{}
		for _, it := range items {
			if !seen[it.Task] && len(seen) == limit {
				break
			}
			seen[it.Task] = true
			kept = append(kept, it)
		}
		items = kept
		if subset == "" {
			subset = fmt.Sprintf("first %d of %d tasks", limit, total)
		} else {
			subset = fmt.Sprintf("first %d of %s", limit, subset)
		}
	}
	return items, subset, nil
}

func countTasks(items []*Item) int {
	n, last := 0, -1
	for _, it := range items {
		if it.Task != last {
			n++
			last = it.Task
		}
	}
	return n
}

// Counts returns the number of tasks and test inputs of a selection.
func Counts(items []*Item) (taskCount, testInputs int) { return countTasks(items), len(items) }
