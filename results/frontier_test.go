package results

import (
	"strings"
	"testing"
)

// The frontier's numbers, worked out by hand for each threshold.
func TestHaltFrontier(t *testing.T) {
	h := Header{TaskKind: "arc", Tasks: 2, TestInputs: 4} // b#1 has no record: wrong
	items := []Item{
		{TaskID: "a", TestIndex: 0, Tests: 2, Steps: 3, StepQHalt: []Prob{0.2, 0.6, 0.9}, StepExact: []bool{false, true, true}},
		{TaskID: "a", TestIndex: 1, Tests: 2, Steps: 3, StepQHalt: []Prob{0.7, 0.1, 0.95}, StepExact: []bool{true, false, false}},
		{TaskID: "b", TestIndex: 0, Tests: 2, Steps: 3, StepQHalt: []Prob{0.05, 0.05, 0.3}, StepExact: []bool{false, false, true}},
	}
	want := []FrontierPoint{
		// every input stops after step 1: only a#1 is right there
		{Threshold: 0, Micro: 1.0 / 4, TaskMacro: (1.0/2 + 0) / 2, MeanSteps: 1, Stopped: 3},
		// a#0 at step 1 (0.2) wrong, a#1 at step 1 right, b#0 runs to 3 right
		{Threshold: 0.15, Micro: 2.0 / 4, TaskMacro: (1.0/2 + 1.0/2) / 2, MeanSteps: 5.0 / 3, Stopped: 2},
		// a#0 at step 2 right, a#1 at step 1 right, b#0 at 3 right
		{Threshold: 0.5, Micro: 3.0 / 4, TaskMacro: (2.0/2 + 1.0/2) / 2, MeanSteps: 2, Stopped: 2},
		// nobody stops before the last step: the full-depth answers
		{Threshold: 0.8, Micro: 2.0 / 4, TaskMacro: (1.0/2 + 1.0/2) / 2, MeanSteps: 3, Stopped: 0},
		{Threshold: 1, Micro: 2.0 / 4, TaskMacro: (1.0/2 + 1.0/2) / 2, MeanSteps: 3, Stopped: 0},
	}
	var ths []float64
	for _, p := range want {
		ths = append(ths, p.Threshold)
	}
	got, err := HaltFrontier(h, items, ths)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("threshold %v: got %+v, want %+v", ths[i], got[i], want[i])
		}
	}

	// A view that halted early (Steps 2 of 3) never runs past step 2; a
	// board run has no task-macro.
	board := []Item{{TaskID: "x", Tests: 1, Steps: 2, StepQHalt: []Prob{0.1, 0.9, 0.9}, StepExact: []bool{false, true, true}}}
	got, err = HaltFrontier(Header{TaskKind: "sudoku", Tasks: 1, TestInputs: 1}, board, []float64{0.95, 0.5, 0.05})
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range []FrontierPoint{{Threshold: 0.95, Micro: 1, MeanSteps: 2}, {Threshold: 0.5, Micro: 1, MeanSteps: 2}, {Threshold: 0.05, Micro: 0, MeanSteps: 1, Stopped: 1}} {
		if got[i] != w {
			t.Errorf("halted board, threshold %v: got %+v, want %+v", w.Threshold, got[i], w)
		}
	}

	// An item from an older run file (no per-step q_halt) is an error naming it.
	old := append(items[:2:2], Item{TaskID: "b", TestIndex: 0, Tests: 2, Steps: 3, StepExact: []bool{false, false, true}})
	if HasStepQHalt(old) || !HasStepQHalt(items) {
		t.Error("HasStepQHalt")
	}
	if _, err := HaltFrontier(h, old, DefaultHaltThresholds); err == nil || !strings.Contains(err.Error(), "b#0") {
		t.Errorf("an item without step_q_halt_prob: %v", err)
	}
}
