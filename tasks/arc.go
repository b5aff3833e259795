package tasks

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// arcMaxColour is the largest ARC colour.
const arcMaxColour = 9

// parseARCPairs decodes a JSON list of {"input","output"} objects. When
// needOutput is false a missing output becomes the official dummy [[0]].
func parseARCPairs(raw json.RawMessage, pl *problemList, item, list string, needOutput bool) ([]Pair, bool) {
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &objs); err != nil {
		pl.add(item, list, "not a list of {\"input\", \"output\"} objects")
		return nil, false
	}
	pairs := make([]Pair, 0, len(objs))
	ok := true
	for i, o := range objs {
		field := fmt.Sprintf("%s[%d]", list, i)
		if o == nil {
			pl.add(item, field, "not an object")
			ok = false
			continue
		}
		in, okIn := parseGrid(o["input"], pl, item, field+".input", MaxARCSide, arcMaxColour)
		var out Grid
		okOut := true
		if raw, has := o["output"]; has || needOutput {
			out, okOut = parseGrid(raw, pl, item, field+".output", MaxARCSide, arcMaxColour)
		} else {
			out = NewGrid(1, 1)
		}
		ok = ok && okIn && okOut
		pairs = append(pairs, Pair{Input: in, Output: out})
	}
	return pairs, ok
}

// parseARCTask decodes one task object {"train": [...], "test": [...]};
// unknown keys (ConceptARC's "name") are ignored.
func parseARCTask(raw json.RawMessage, pl *problemList, id string, needTestOutput bool) *Task {
	members, err := decodeObject(raw)
	if err != nil {
		pl.add(id, "", "task is not a JSON object: %v", err)
		return nil
	}
	t := &Task{ID: id, Kind: ARC, HasSolutions: needTestOutput, Rating: -1}
	seen := map[string]bool{}
	for _, m := range members {
		switch m.Key {
		case "train":
			t.Train, _ = parseARCPairs(m.Value, pl, id, "train", true)
		case "test":
			t.Test, _ = parseARCPairs(m.Value, pl, id, "test", needTestOutput)
			t.TestFirst = !seen["train"]
		}
		seen[m.Key] = true
	}
	for _, key := range []string{"train", "test"} {
		if !seen[key] {
			pl.add(id, key, "missing")
		}
	}
	return t
}

// LoadARCFile loads one per-task ARC JSON file; the task id is the file name
// without ".json".
func LoadARCFile(path string) (*Task, error) {
	data, err := readLimited(path, maxJSONBytes)
	if err != nil {
		return nil, err
	}
	return parseARCFile(path, data)
}

func parseARCFile(path string, data []byte) (*Task, error) {
	id := strings.TrimSuffix(filepath.Base(path), ".json")
	pl := &problemList{file: path}
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		pl.add("", "", "%s", jsonSyntaxMsg(data, err))
		return nil, pl.err()
	}
	t := parseARCTask(data, pl, "", true)
	if t != nil {
		t.ID = id
		validateARC(t, pl, "")
	}
	if err := pl.err(); err != nil {
		return nil, err
	}
	return t, nil
}

// LoadARCDir loads every *.json file under dir (recursively, as ConceptARC
// nests tasks by concept), sorted by path. It stops at the first invalid file
// and returns its problems.
func LoadARCDir(dir string) ([]*Task, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s: no ARC task files (*.json)", dir)
	}
	sort.Strings(paths)
	tasks := make([]*Task, 0, len(paths))
	where := map[string]string{}
	for _, p := range paths {
		t, err := LoadARCFile(p)
		if err != nil {
			return nil, err
		}
		if prev, dup := where[t.ID]; dup {
			return nil, fmt.Errorf("%s: task id %q also defined by %s", p, t.ID, prev)
		}
		where[t.ID] = p
		tasks = append(tasks, t)
	}
	return tasks, nil
}

// LoadKaggle loads the Kaggle ARC Prize format: a challenges file
// {task_id: {"train": [...], "test": [{"input"}...]}} and, if solutionsPath is
// not empty, a solutions file {task_id: [output grid, ...]} in test order.
// Without solutions every test output is the official dummy [[0]]. Tasks keep
// the order of the challenges file.
func LoadKaggle(challengesPath, solutionsPath string) ([]*Task, error) {
	data, err := readLimited(challengesPath, maxJSONBytes)
	if err != nil {
		return nil, err
	}
	var sols []byte
	if solutionsPath != "" {
		if sols, err = readLimited(solutionsPath, maxJSONBytes); err != nil {
			return nil, err
		}
	}
	return parseKaggle(challengesPath, data, solutionsPath, sols)
}

func parseKaggle(challengesPath string, data []byte, solutionsPath string, sols []byte) ([]*Task, error) {
	pl := &problemList{file: challengesPath}
	members, err := decodeObject(data)
	if err != nil {
		pl.add("", "", "%s", jsonSyntaxMsg(data, err))
		return nil, pl.err()
	}
	tasks := make([]*Task, 0, len(members))
	index := map[string]*Task{}
	for _, m := range members {
		if _, dup := index[m.Key]; dup {
			pl.add(m.Key, "", "task id appears twice")
			continue
		}
		t := parseARCTask(m.Value, pl, m.Key, false)
		if t == nil {
			continue
		}
		tasks = append(tasks, t)
		index[m.Key] = t
	}
	if err := pl.err(); err != nil {
		return nil, err
	}
	if solutionsPath != "" {
		if err := attachSolutions(solutionsPath, sols, tasks, index); err != nil {
			return nil, err
		}
	}
	for _, t := range tasks {
		validateARC(t, pl, t.ID)
	}
	return tasks, pl.err()
}

// attachSolutions fills test outputs from a Kaggle solutions file.
func attachSolutions(path string, data []byte, tasks []*Task, index map[string]*Task) error {
	pl := &problemList{file: path}
	members, err := decodeObject(data)
	if err != nil {
		pl.add("", "", "%s", jsonSyntaxMsg(data, err))
		return pl.err()
	}
	got := map[string]bool{}
	for _, m := range members {
		t, ok := index[m.Key]
		if !ok {
			pl.add(m.Key, "", "task not in the challenges file")
			continue
		}
		got[m.Key] = true
		var grids []json.RawMessage
		if err := json.Unmarshal(m.Value, &grids); err != nil {
			pl.add(m.Key, "", "not a list of output grids")
			continue
		}
		if len(grids) != len(t.Test) {
			pl.add(m.Key, "", "%d solutions for %d test inputs", len(grids), len(t.Test))
			continue
		}
		for i, raw := range grids {
			if g, ok := parseGrid(raw, pl, m.Key, fmt.Sprintf("[%d]", i), MaxARCSide, arcMaxColour); ok {
				t.Test[i].Output = g
			}
		}
		t.HasSolutions = true
	}
	for _, t := range tasks {
		if !got[t.ID] {
			pl.add(t.ID, "", "no solutions for this task")
		}
	}
	return pl.err()
}

// validateARC checks what the grid parser cannot: every task has at least one
// demonstration and one test pair.
func validateARC(t *Task, pl *problemList, item string) {
	if len(t.Train) == 0 {
		pl.add(item, "train", "task has no demonstration pairs")
	}
	if len(t.Test) == 0 {
		pl.add(item, "test", "task has no test pairs")
	}
}

// ValidateARCTask re-checks a task built in memory (grids 1–30 per side,
// colours 0–9, ≥1 train and ≥1 test pair).
func ValidateARCTask(file string, t *Task) error {
	pl := &problemList{file: file}
	check := func(field string, g Grid) {
		switch {
		case g.H < 1 || g.W < 1 || g.H > MaxARCSide || g.W > MaxARCSide:
			pl.add(t.ID, field, "grid is %d×%d, sides must be 1..%d", g.H, g.W, MaxARCSide)
		case len(g.Cells) != g.H*g.W:
			pl.add(t.ID, field, "grid has %d cells for %d×%d", len(g.Cells), g.H, g.W)
		default:
			for i, v := range g.Cells {
				if v > arcMaxColour {
					pl.add(t.ID, field, "row %d, column %d: colour %d outside 0..9", i/g.W, i%g.W, v)
					break
				}
			}
		}
	}
	for _, part := range []struct {
		name  string
		pairs []Pair
	}{{"train", t.Train}, {"test", t.Test}} {
		for i, p := range part.pairs {
			check(fmt.Sprintf("%s[%d].input", part.name, i), p.Input)
			check(fmt.Sprintf("%s[%d].output", part.name, i), p.Output)
		}
	}
	validateARC(t, pl, t.ID)
	return pl.err()
}

// fileExists reports whether path names an existing regular file.
func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
