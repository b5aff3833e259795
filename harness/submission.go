package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"arceval/internal/jsontok"
	"arceval/results"
	"arceval/tasks"
)

// Submission is an ARC Prize submission: per task id, one entry per test
// input (in order) with two attempts.
type Submission map[string][]SubmissionEntry

// SubmissionEntry holds the two attempts of one test input.
type SubmissionEntry struct {
	Attempt1 [][]int `json:"attempt_1"`
	Attempt2 [][]int `json:"attempt_2"`
}

// placeholder is written for a test input without a prediction, so every
// entry exists and none shifts (the ARC Prize sample submission's [[0]]).
var placeholder = [][]int{{0}}

// NewSubmission builds the submission of a run: every test input of the
// selection gets an entry at its index with both attempts, the placeholder
// [[0]] standing in for missing or empty ones. tests gives each task's number
// of test inputs.
func NewSubmission(items []results.Item, tests map[string]int) Submission {
	sub := Submission{}
	for id, n := range tests {
		entries := make([]SubmissionEntry, n)
		for i := range entries {
			entries[i] = SubmissionEntry{placeholder, placeholder}
		}
		sub[id] = entries
	}
	for _, it := range items {
		entries := sub[it.TaskID]
		if it.TestIndex < 0 || it.TestIndex >= len(entries) {
			continue
		}
		e := &entries[it.TestIndex]
		if len(it.Attempts) > 0 && len(it.Attempts[0].Grid) > 0 {
			e.Attempt1, e.Attempt2 = it.Attempts[0].Grid, it.Attempts[0].Grid
		}
		if len(it.Attempts) > 1 && len(it.Attempts[1].Grid) > 0 {
			e.Attempt2 = it.Attempts[1].Grid
		}
	}
	return sub
}

// Write writes the submission as JSON with tasks in sorted order.
func (s Submission) Write(w io.Writer) error {
	ids := make([]string, 0, len(s))
	for id := range s {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b bytes.Buffer
	b.WriteString("{")
	for i, id := range ids {
		if i > 0 {
			b.WriteString(",")
		}
		k, _ := json.Marshal(id)
		v, err := json.Marshal(s[id])
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "\n%s: %s", k, v)
	}
	b.WriteString("\n}\n")
	_, err := w.Write(b.Bytes())
	return err
}

// SubmissionScore is a submission scored against a set.
type SubmissionScore struct {
	results.Summary
	Extra    []string // task ids in the submission that the set does not have
	Problems []string // what was wrong with malformed entries (first 20)
}

// ScoreSubmission scores an ARC Prize submission (JSON bytes read from path)
// against the tasks of an ARC set: a test input is solved when either attempt
// equals its expected output. Tasks or entries absent from the submission
// count as missing (and wrong), attempts that are not grids of 1–30 rows of
// equal length with cells 0–9 as malformed (and wrong); entries are matched
// to test inputs by position, so a shifted list scores what it says.
func ScoreSubmission(path string, data []byte, set *tasks.Set) (SubmissionScore, error) {
	for _, t := range set.Tasks {
		if !t.HasSolutions {
			return SubmissionScore{}, fmt.Errorf("%s: task %s has no test outputs: a set without answers cannot score a submission", set.Name, t.ID)
		}
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return SubmissionScore{}, fmt.Errorf("%s: not a submission (want {\"task_id\": [{\"attempt_1\": grid, \"attempt_2\": grid}, …]}): %v", path, err)
	}
	var sc SubmissionScore
	problem := func(format string, args ...any) {
		if len(sc.Problems) < 20 {
			sc.Problems = append(sc.Problems, fmt.Sprintf(format, args...))
		}
	}
	h := results.Header{TaskKind: "arc"}
	var items []results.Item
	malformed, unparsed := 0, 0
	known := map[string]bool{}
	for _, t := range set.Tasks {
		known[t.ID] = true
		h.Tasks++
		h.TestInputs += len(t.Test)
		raw, ok := top[t.ID]
		if !ok {
			continue
		}
		var entries []json.RawMessage
		if err := json.Unmarshal(raw, &entries); err != nil {
			problem("%s: not a list of entries", t.ID)
			malformed += len(t.Test)
			continue
		}
		if len(entries) != len(t.Test) {
			problem("%s: %d entries for %d test inputs", t.ID, len(entries), len(t.Test))
		}
		for j, p := range t.Test {
			if j >= len(entries) {
				break
			}
			it := results.Item{TaskID: t.ID, TestIndex: j, Tests: len(t.Test)}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(entries[j], &obj); err != nil || obj == nil {
				problem("%s[%d]: not an object with attempt_1 and attempt_2", t.ID, j)
				malformed++
				unparsed++
				items = append(items, it)
				continue
			}
			before := malformed
			for _, name := range []string{"attempt_1", "attempt_2"} {
				raw, ok := obj[name]
				if !ok || string(raw) == "null" {
					continue
				}
				g, msg := parseAttempt(raw)
				if msg != "" {
					problem("%s[%d].%s: %s", t.ID, j, name, msg)
					malformed++
					continue
				}
				it.Attempts = append(it.Attempts, results.Attempt{Grid: g.Rows(), Correct: g.Equal(p.Output)})
			}
			if it.Solved() {
				it.Rank = 1
			}
			if len(it.Attempts) == 0 && len(obj) > 0 && malformed > before {
				unparsed++ // counted as malformed, not as empty
			}
			items = append(items, it)
		}
	}
	for id := range top {
		if !known[id] {
			sc.Extra = append(sc.Extra, id)
		}
	}
	slices.Sort(sc.Extra)
	s, err := results.Score(h, items)
	if err != nil {
		return sc, fmt.Errorf("%s: %v", path, err)
	}
	s.Malformed = malformed
	s.Empty -= unparsed
	s.PassK = nil // a submission has two attempts, not a ranking
	sc.Summary = s
	return sc, nil
}

// parseAttempt reads one attempt as an ARC grid, or says what is wrong. It
// reads the rows token by token and stops at the 31st row or cell, so an
// attempt of 10000×10000 cells costs nothing before it is refused.
func parseAttempt(raw json.RawMessage) (tasks.Grid, string) {
	in := jsontok.NewReader(bytes.NewReader(raw))
	const notGrid = "not a list of rows of numbers"
	t, ok := in.Next()
	if !ok || !jsontok.IsDelim(t, '[') {
		return tasks.Grid{}, notGrid
	}
	var cells [tasks.MaxARCSide][tasks.MaxARCSide]uint8
	h, w := 0, 0
	for ; in.More(); h++ {
		if h == tasks.MaxARCSide {
			return tasks.Grid{}, fmt.Sprintf("more than %d rows (want 1–30)", tasks.MaxARCSide)
		}
		t, ok := in.Next()
		if !ok || !jsontok.IsDelim(t, '[') {
			return tasks.Grid{}, notGrid
		}
		n := 0
		for ; in.More(); n++ {
			if n == tasks.MaxARCSide {
				return tasks.Grid{}, fmt.Sprintf("row %d has more than %d cells (want 1–30)", h, tasks.MaxARCSide)
			}
			t, ok := in.Next()
			if !ok {
				return tasks.Grid{}, notGrid
			}
			num, isNum := t.(json.Number)
			if !isNum {
				if d, isDelim := t.(json.Delim); isDelim && (d == '[' || d == '{') {
					return tasks.Grid{}, notGrid
				}
				return tasks.Grid{}, fmt.Sprintf("row %d col %d: %s is not a colour 0–9", h, n, jsontok.Describe(t))
			}
			v, err := num.Int64()
			if err != nil || v < 0 || v > 9 || strings.ContainsAny(num.String(), ".eE") {
				return tasks.Grid{}, fmt.Sprintf("row %d col %d: %s is not a colour 0–9", h, n, num)
			}
			cells[h][n] = uint8(v)
		}
		if !in.End() {
			return tasks.Grid{}, notGrid
		}
		switch {
		case h == 0 && n == 0:
			return tasks.Grid{}, "row 0 has 0 cells (want 1–30)"
		case h == 0:
			w = n
		case n != w:
			return tasks.Grid{}, fmt.Sprintf("row %d has %d cells, row 0 has %d", h, n, w)
		}
	}
	if !in.End() || !in.AtEOF() {
		return tasks.Grid{}, notGrid
	}
	if h == 0 {
		return tasks.Grid{}, "0 rows (want 1–30)"
	}
	g := tasks.NewGrid(h, w)
	for r := 0; r < h; r++ {
		copy(g.Cells[r*w:(r+1)*w], cells[r][:w])
	}
	return g, ""
}
