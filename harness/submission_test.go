package harness

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/results"
	"arceval/tasks"
)

// scoringSet has task m (3 test inputs), s (1) and n (2).
func scoringSet() *tasks.Set {
	g := func(rows ...string) tasks.Grid {
		out := tasks.NewGrid(len(rows), len(rows[0]))
		for r, row := range rows {
			for c, ch := range row {
				out.Set(r, c, uint8(ch-'0'))
			}
		}
		return out
	}
	in := g("1")
	return &tasks.Set{Name: "scoring", Kind: tasks.ARC, Tasks: []*tasks.Task{
		{ID: "m", Kind: tasks.ARC, HasSolutions: true, Test: []tasks.Pair{{Input: in, Output: g("12", "34")}, {Input: in, Output: g("5")}, {Input: in, Output: g("66")}}},
		{ID: "s", Kind: tasks.ARC, HasSolutions: true, Test: []tasks.Pair{{Input: in, Output: g("7", "8")}}},
		{ID: "n", Kind: tasks.ARC, HasSolutions: true, Test: []tasks.Pair{{Input: in, Output: g("9")}, {Input: in, Output: g("0")}}},
	}}
}

func TestScoreSubmission(t *testing.T) {
	cases := []struct {
		name                 string
		sub                  string
		macro, micro, aon    float64
		missing, malformed   int
		problems, extraTasks int
	}{
		{
			// m: 2 of 3 right (fractional credit), s right, n absent: the three rules differ.
			name:  "multi-output and missing task",
			sub:   `{"m": [{"attempt_1": [[1,2],[3,4]], "attempt_2": [[0]]}, {"attempt_1": [[0]], "attempt_2": [[5]]}, {"attempt_1": [[6]], "attempt_2": [[6,0]]}], "s": [{"attempt_1": [[7],[8]], "attempt_2": [[7],[8]]}]}`,
			macro: (2.0/3 + 1) / 3, micro: 3.0 / 6, aon: 1.0 / 3, missing: 2,
		},
		{
			// n lists only its second answer, shifted to index 0: it scores as
			// a wrong answer to test 0, and test 1 is missing.
			name:  "shifted and missing entries",
			sub:   `{"n": [{"attempt_1": [[0]], "attempt_2": [[0]]}], "s": [{"attempt_1": [[8],[7]], "attempt_2": [[7],[8]]}]}`,
			macro: 1.0 / 3, micro: 1.0 / 6, aon: 1.0 / 3, missing: 4, problems: 1,
		},
		{
			// The right cells in the wrong shape are wrong; malformed attempts are counted.
			name:  "wrong size and malformed",
			sub:   `{"m": [{"attempt_1": [[1,2,3,4]], "attempt_2": [[1,2],[3]]}, {"attempt_1": [[12]], "attempt_2": "x"}, {"attempt_1": [[6,6]]}], "s": [7], "n": [{"attempt_1": [[9.5]]}, {"attempt_2": [[0]]}], "zz": []}`,
			macro: (1.0/3 + 0.5) / 3, micro: 2.0 / 6, aon: 0, missing: 0, malformed: 5, problems: 5, extraTasks: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := ScoreSubmission("sub.json", []byte(tc.sub), scoringSet())
			if err != nil {
				t.Fatal(err)
			}
			s := sc.Summary
			near := func(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 }
			if !near(s.TaskMacro, tc.macro) || !near(s.Micro, tc.micro) || !near(s.AllOrNothing, tc.aon) {
				t.Errorf("macro %.4f micro %.4f aon %.4f, want %.4f %.4f %.4f", s.TaskMacro, s.Micro, s.AllOrNothing, tc.macro, tc.micro, tc.aon)
			}
			if s.Missing != tc.missing || s.Malformed != tc.malformed || len(sc.Problems) != tc.problems || len(sc.Extra) != tc.extraTasks {
				t.Errorf("missing %d malformed %d problems %q extra %v; want %d %d %d %d", s.Missing, s.Malformed, sc.Problems, sc.Extra, tc.missing, tc.malformed, tc.problems, tc.extraTasks)
			}
			if s.Tasks != 3 || s.TestInputs != 6 {
				t.Errorf("denominators %d tasks %d inputs, want the set's 3 and 6", s.Tasks, s.TestInputs)
			}
		})
	}
	if _, err := ScoreSubmission("bad.json", []byte(`[1,2]`), scoringSet()); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("a non-object submission gave %v", err)
	}
}

func TestSubmissionHasEveryEntry(t *testing.T) {
	set := scoringSet()
	tests := map[string]int{}
	for _, task := range set.Tasks {
		tests[task.ID] = len(task.Test)
	}
	// Records for m#2 (two attempts), m#0 (one attempt) and n#1 (empty): the
	// rest get placeholders at their own index; nothing shifts.
	items := []results.Item{
		{TaskID: "m", TestIndex: 2, Tests: 3, Attempts: []results.Attempt{{Grid: [][]int{{6}}}, {Grid: [][]int{{6, 6}}}}},
		{TaskID: "m", TestIndex: 0, Tests: 3, Attempts: []results.Attempt{{Grid: [][]int{{1, 2}, {3, 4}}}}},
		{TaskID: "n", TestIndex: 1, Tests: 2, Attempts: []results.Attempt{{Grid: [][]int{}}}},
	}
	sub := NewSubmission(items, tests)
	var buf bytes.Buffer
	if err := sub.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var back map[string][]SubmissionEntry
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	for id, n := range tests {
		if len(back[id]) != n {
			t.Errorf("task %s: %d entries, want %d", id, len(back[id]), n)
		}
		for j, e := range back[id] {
			if len(e.Attempt1) == 0 || len(e.Attempt2) == 0 {
				t.Errorf("%s[%d]: an attempt is missing", id, j)
			}
		}
	}
	eq := func(a, b [][]int) bool { return slices.EqualFunc(a, b, slices.Equal) }
	if !eq(back["m"][0].Attempt2, [][]int{{1, 2}, {3, 4}}) || !eq(back["m"][2].Attempt2, [][]int{{6, 6}}) || !eq(back["m"][1].Attempt1, placeholder) {
		t.Errorf("entries of m: %+v", back["m"])
	}
	sc, err := ScoreSubmission("sub.json", buf.Bytes(), set)
	if err != nil {
		t.Fatal(err)
	}
	// m#0 and m#2 are right, and n#1's placeholder [[0]] happens to be its answer.
	if sc.Missing != 0 || sc.Solved != 3 {
		t.Errorf("our own submission: %d missing, %d solved; want 0 and 3", sc.Missing, sc.Solved)
	}
}

// FuzzScoreSubmission: any bytes give an error or a score over the set's
// denominators, never a panic; nothing counts more than the set holds.
func FuzzScoreSubmission(f *testing.F) {
	f.Add([]byte(`{"m": [{"attempt_1": [[1,2],[3,4]], "attempt_2": [[0]]}], "s": [{"attempt_1": [[7],[8]]}]}`))
	f.Add([]byte(`{"n": [null, {"attempt_2": [[0]]}], "zz": []}`))
	f.Add([]byte(`{"m": "x", "s": [7, {"attempt_1": [[1e3]]}]}`))
	f.Add([]byte(`[]`))
	set := scoringSet()
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ScoreSubmission("fuzz.json", data, set)
		if err != nil {
			return
		}
		if sc.Tasks != 3 || sc.TestInputs != 6 || sc.Solved > 6 || sc.Missing < 0 || sc.Missing > 6 || sc.TaskMacro < 0 || sc.TaskMacro > 1 {
			t.Fatalf("score out of range: %+v", sc.Summary)
		}
	})
}

// An attempt of thousands of rows and cells is refused at its 31st row or
// cell without being decoded first (it was decoded whole: over 100 MB of
// numbers for these 6 M cells).
func TestScoreSubmissionHugeAttempt(t *testing.T) {
	var b bytes.Buffer
	row := "[" + strings.TrimSuffix(strings.Repeat("0,", 3000), ",") + "]"
	b.WriteString(`{"s": [{"attempt_1": [`)
	for r := range 2000 {
		if r > 0 {
			b.WriteString(",")
		}
		b.WriteString(row)
	}
	b.WriteString(`], "attempt_2": [[7], [8]]}]}`)
	var sc SubmissionScore
	var err error
	testenv.MaxHeap(t, 80<<20, "12 MB submission", func() { sc, err = ScoreSubmission("sub.json", b.Bytes(), scoringSet()) })
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Problems) != 1 || sc.Problems[0] != "s[0].attempt_1: row 0 has more than 30 cells (want 1–30)" || sc.Solved != 1 {
		t.Errorf("problems %q, solved %d", sc.Problems, sc.Solved)
	}
}
