package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"arceval/tasks"
)

// SubmissionProblem is one way a submission breaks the ARC Prize's format
// rules, located as precisely as the rule allows.
type SubmissionProblem struct {
	Task    string // task id ("" for the file as a whole)
	Test    int    // test-input index (−1: the task as a whole)
	Attempt string // "attempt_1" or "attempt_2" ("" when not about one attempt)
	Msg     string
}

// String reads "task 0a1d4ef5: test 1: attempt_2: row 3 has 7 cells, row 0 has 8".
func (p SubmissionProblem) String() string {
	var parts []string
	if p.Task != "" {
		parts = append(parts, "task "+p.Task)
	}
	if p.Test >= 0 {
		parts = append(parts, fmt.Sprintf("test %d", p.Test))
	}
	if p.Attempt != "" {
		parts = append(parts, p.Attempt)
	}
	return strings.Join(append(parts, p.Msg), ": ")
}

// SubmissionCheck is the outcome of ValidateSubmission.
type SubmissionCheck struct {
	Tasks      int // tasks in the submission
	TestInputs int // entries in the submission
	Problems   []SubmissionProblem
}

// attemptNames are the two keys every entry must have.
var attemptNames = []string{"attempt_1", "attempt_2"}

// ValidateSubmission applies the competition's format checks to a submission
// ({"task_id": [{"attempt_1": grid, "attempt_2": grid}, …]}): every entry an
// object with both attempts and nothing else, every attempt a rectangular
// grid of 1–30 rows of 1–30 integers 0–9, no task twice. With a set it also
// checks that every task of the set is there with one entry per test input
// (entries are matched to test inputs by position) and no other task.
// Problems come in a fixed order: the set's tasks in its order (else the
// file's), then tasks the set does not have, sorted.
func ValidateSubmission(data []byte, set *tasks.Set) SubmissionCheck {
	var sc SubmissionCheck
	add := func(task string, test int, attempt, format string, args ...any) {
		sc.Problems = append(sc.Problems, SubmissionProblem{task, test, attempt, fmt.Sprintf(format, args...)})
	}
	fields, err := objectFields(data)
	if err != nil {
		add("", -1, "", "not a submission (want {\"task_id\": [{\"attempt_1\": grid, \"attempt_2\": grid}, …]}): %v", err)
		return sc
	}
	byID := map[string]json.RawMessage{}
	var order []string
	for _, f := range fields {
		if _, dup := byID[f.key]; dup {
			add(f.key, -1, "", "listed twice")
			continue
		}
		byID[f.key] = f.value
		order = append(order, f.key)
	}
	sc.Tasks = len(order)
	checkTask := func(id string, raw json.RawMessage, tests int) {
		var entries []json.RawMessage
		if err := json.Unmarshal(raw, &entries); err != nil || entries == nil {
			add(id, -1, "", "not a list of entries (one per test input)")
			return
		}
		sc.TestInputs += len(entries)
		switch {
		case tests >= 0 && len(entries) != tests:
			add(id, -1, "", "%d entries for %d test inputs (want one per test input, in order)", len(entries), tests)
		case len(entries) == 0:
			add(id, -1, "", "no entries")
		}
		for j, e := range entries {
			checkEntry(e, func(attempt, format string, args ...any) { add(id, j, attempt, format, args...) })
		}
	}
	if set == nil {
		for _, id := range order {
			checkTask(id, byID[id], -1)
		}
		return sc
	}
	known := map[string]bool{}
	for _, t := range set.Tasks {
		known[t.ID] = true
		raw, ok := byID[t.ID]
		if !ok {
			add(t.ID, -1, "", "missing (the set has it, with %d test input(s))", len(t.Test))
			continue
		}
		checkTask(t.ID, raw, len(t.Test))
	}
	var extra []string
	for _, id := range order {
		if !known[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	for _, id := range extra {
		add(id, -1, "", "not a task of %s", set.Name)
	}
	return sc
}

// checkEntry checks one entry: an object with exactly attempt_1 and
// attempt_2, each a valid grid.
func checkEntry(raw json.RawMessage, add func(attempt, format string, args ...any)) {
	fields, err := objectFields(raw)
	if err != nil {
		add("", "not an object with attempt_1 and attempt_2")
		return
	}
	seen := map[string]bool{}
	for _, f := range fields {
		switch {
		case seen[f.key]:
			add(f.key, "given twice")
		case !slices.Contains(attemptNames, f.key):
			add("", "unexpected key %q (want attempt_1 and attempt_2 only)", f.key)
		}
		seen[f.key] = true
	}
	for _, name := range attemptNames {
		if !seen[name] {
			add(name, "missing")
			continue
		}
		for _, f := range fields {
			if f.key == name {
				if _, msg := parseGridJSON(f.value); msg != "" {
					add(name, "%s", msg)
				}
				break
			}
		}
	}
}

// field is one key and value of a JSON object, in file order.
type field struct {
	key   string
	value json.RawMessage
}

// objectFields splits a JSON object into its fields in order, keeping
// duplicate keys (which encoding/json would silently merge).
func objectFields(data []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not a JSON object")
	}
	var out []field
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, field{key, v})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the object")
	}
	return out, nil
}

// parseGridJSON reads an ARC grid — 1–30 rows of 1–30 integers 0–9, all rows
// as long — or says what is wrong, naming the row and column.
func parseGridJSON(raw json.RawMessage) (tasks.Grid, string) {
	if string(bytes.TrimSpace(raw)) == "null" {
		return tasks.Grid{}, "null (want a grid)"
	}
	var rows []json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return tasks.Grid{}, "not a list of rows of numbers"
	}
	if len(rows) == 0 || len(rows) > tasks.MaxARCSide {
		return tasks.Grid{}, fmt.Sprintf("%d rows (want 1–30)", len(rows))
	}
	var g tasks.Grid
	w := 0
	for r, rowRaw := range rows {
		var row []json.RawMessage
		if err := json.Unmarshal(rowRaw, &row); err != nil || row == nil {
			return tasks.Grid{}, fmt.Sprintf("row %d is not a list of numbers", r)
		}
		if r == 0 {
			w = len(row)
			if w == 0 || w > tasks.MaxARCSide {
				return tasks.Grid{}, fmt.Sprintf("row 0 has %d cells (want 1–30)", w)
			}
			g = tasks.NewGrid(len(rows), w)
		} else if len(row) != w {
			return tasks.Grid{}, fmt.Sprintf("row %d has %d cells, row 0 has %d", r, len(row), w)
		}
		for c, cell := range row {
			// A colour is a bare integer literal: not 3.0, 3e0 or "3".
			lit := string(bytes.TrimSpace(cell))
			v, err := strconv.Atoi(lit)
			if err != nil || v < 0 || v > 9 {
				return tasks.Grid{}, fmt.Sprintf("row %d col %d: %s is not a colour 0–9", r, c, lit)
			}
			g.Set(r, c, uint8(v))
		}
	}
	return g, ""
}
