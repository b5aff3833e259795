package results

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func arcItem(task string, test, tests, rank int) Item {
	it := Item{TaskID: task, TestIndex: test, Tests: tests, Rank: rank, StepExact: []bool{false, rank == 1 || rank == 2}}
	it.Attempts = []Attempt{{Grid: [][]int{{1}}, Correct: rank == 1}, {Grid: [][]int{{2}}, Correct: rank == 2}}
	return it
}

func TestScoreARC(t *testing.T) {
	h := Header{TaskKind: "arc", Tasks: 4, TestInputs: 6}
	// Task a: 2 of 3 solved; b: 1 of 1 (at rank 2); c: 0 of 1; d: absent (1 input).
	items := []Item{arcItem("a", 0, 3, 1), arcItem("a", 1, 3, 5), arcItem("a", 2, 3, 2), arcItem("b", 0, 1, 2), arcItem("c", 0, 1, 0)}
	s, err := Score(h, items)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"task-macro", s.TaskMacro, (2.0/3 + 1) / 4},
		{"micro", s.Micro, 3.0 / 6},
		{"all-or-nothing", s.AllOrNothing, 1.0 / 4},
		{"pass@1", s.PassK[1], (1.0 / 3) / 4},
		{"pass@5", s.PassK[5], (1 + 1) / 4.0},
		{"step 1", s.StepAccuracy[0], 0},
		{"step 2", s.StepAccuracy[1], 3.0 / 6},
	}
	for _, c := range checks {
		if d := c.got - c.want; d > 1e-12 || d < -1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if s.Missing != 1 || s.Items != 5 {
		t.Errorf("missing %d items %d", s.Missing, s.Items)
	}
	if _, err := Score(h, append(items, arcItem("a", 0, 3, 1))); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate item: %v", err)
	}
	if _, err := Score(Header{TaskKind: "arc", Tasks: 1, TestInputs: 1}, items); err == nil {
		t.Error("more items than the header's selection accepted")
	}
}

func TestScoreBoards(t *testing.T) {
	h := Header{TaskKind: "sudoku", Tasks: 4, TestInputs: 4}
	items := []Item{
		{TaskID: "1", Tests: 1, Attempts: []Attempt{{Correct: true}}, Cells: &Cells{81, 81}},
		{TaskID: "2", Tests: 1, Attempts: []Attempt{{Correct: false}}, Cells: &Cells{71, 81}},
		{TaskID: "3", Tests: 1, Attempts: []Attempt{{Correct: false}}, Cells: &Cells{10, 81}},
	}
	s, err := Score(h, items)
	if err != nil {
		t.Fatal(err)
	}
	if s.Exact != 0.25 || s.CellAccuracy != 162.0/324 || s.Missing != 1 {
		t.Errorf("exact %v cells %v missing %d", s.Exact, s.CellAccuracy, s.Missing)
	}
}

func TestMerge(t *testing.T) {
	dir := t.TempDir()
	h := header()
	h.TestInputs, h.Tasks = 3, 3
	write := func(name, shard string, ids ...string) *Run {
		hh := h
		hh.Shard = shard
		hh.Machine = "node-" + name // shards may run on different machines
		path := filepath.Join(dir, name)
		var items []Item
		for _, id := range ids {
			items = append(items, item(id, true))
		}
		if err := WriteFile(path, hh, items, true); err != nil {
			t.Fatal(err)
		}
		r, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	s1, s2 := write("s1", "1/2", "a", "c"), write("s2", "2/2", "b")
	mh, items, err := Merge([]*Run{s2, s1})
	if err != nil {
		t.Fatal(err)
	}
	if mh.Shard != "" || len(items) != 3 || items[0].TaskID != "a" || items[2].TaskID != "b" {
		t.Errorf("merged header shard %q, items %v", mh.Shard, items)
	}
	if diff := cmp.Diff(h.Protocol, mh.Protocol); diff != "" {
		t.Errorf("merged protocol (-shards' +merged):\n%s", diff)
	}
	other := h
	other.Seed = 99
	cases := []struct {
		name string
		runs []*Run
		want string
	}{
		{"missing shard", []*Run{s1}, "shards 2/2 missing"},
		{"shard twice", []*Run{s1, s1, s2}, "given twice"},
		{"item twice", []*Run{s1, write("s2b", "2/2", "b", "a")}, "is in"},
		{"incomplete", []*Run{s1, write("s2c", "2/2")}, "hold 2 of the run's 3"},
		{"other run", []*Run{s1, func() *Run { r := write("x", "2/2", "b"); r.Header.Seed = 99; return r }()}, "not a shard of the same run"},
		{"not a shard", []*Run{write("u", "", "a")}, "not a shard"},
		{"other protocol", []*Run{s1, func() *Run {
			r := write("p", "2/2", "b")
			p := *r.Header.Protocol
			p.Views = 10
			r.Header.Protocol = &p
			return r
		}()}, "not a shard of the same run"},
	}
	for _, tc := range cases {
		if _, _, err := Merge(tc.runs); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
	if err := WriteFile(filepath.Join(dir, "s1"), h, nil, false); err == nil {
		t.Error("WriteFile replaced an existing file without overwrite")
	}
}

// CPU-seconds add up over items; per task they are divided by the tasks
// that have a record (a missing task costs nothing and is not averaged in).
func TestScoreCPUSeconds(t *testing.T) {
	h := Header{TaskKind: "arc", Tasks: 3, TestInputs: 4}
	items := []Item{arcItem("a", 0, 2, 1), arcItem("a", 1, 2, 0), arcItem("b", 0, 1, 2)}
	for i, c := range []float64{1.5, 2.5, 2} {
		items[i].CPUSeconds = c
	}
	s, err := Score(h, items)
	if err != nil {
		t.Fatal(err)
	}
	if s.CPUSeconds != 6 || s.Recorded != 2 || s.CPUPerTask() != 3 {
		t.Errorf("CPU-seconds %v over %d tasks, %v per task; want 6, 2, 3", s.CPUSeconds, s.Recorded, s.CPUPerTask())
	}
	if got := Cost(7200, 0.05); got != 0.1 {
		t.Errorf("2 CPU-hours at 0.05 cost %v", got)
	}
}
