package results

import (
	"fmt"
	"slices"
)

// DefaultHaltThresholds are the thresholds on sigmoid(q_halt) at which reports
// replay Q-halting: 0 stops every test input after its first step, 1 never
// stops early (a probability never exceeds 1), 0.5 is the trained rule
// (q_halt logit > 0).
var DefaultHaltThresholds = []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1}

// FrontierPoint is Q-halting replayed on a run at one threshold: every test
// input stops at its first supervision step whose sigmoid(q_halt)
// (Item.StepQHalt) exceeds Threshold, else at its last step, and is scored
// by its answer at that step (Item.StepExact).
type FrontierPoint struct {
	Threshold float64 `json:"threshold"`
	Micro     float64 `json:"micro"`                // exact (ARC: two-attempt) accuracy over the selection's test inputs; missing ones count wrong
	TaskMacro float64 `json:"task_macro,omitempty"` // ARC: per task solved/test inputs, mean over the selection's tasks
	MeanSteps float64 `json:"mean_steps"`           // supervision steps per test input with a record
	Stopped   int     `json:"stopped"`              // test inputs stopped by the threshold before their last step
}

// HasStepQHalt reports whether every item records its per-step q_halt (run
// files written before arceval recorded it have none).
func HasStepQHalt(items []Item) bool {
	for _, it := range items {
		if len(it.StepQHalt) == 0 {
			return false
		}
	}
	return len(items) > 0
}

// HaltFrontier is the accuracy/compute frontier of Q-halting from one run:
// one point per threshold. A test input never runs past the steps it used
// (a run with early halting repeats a halted answer afterwards). Accuracy
// denominators come from the header's selection, as in Score. An item
// without a per-step q_halt for every step is an error naming it.
func HaltFrontier(h Header, items []Item, thresholds []float64) ([]FrontierPoint, error) {
	type taskAcc struct {
		tests  int
		solved []int // per threshold
	}
	perTask := map[string]*taskAcc{}
	solved := make([]int, len(thresholds))
	steps := make([]int, len(thresholds))
	stopped := make([]int, len(thresholds))
	for _, it := range items {
		n := len(it.StepExact)
		if n == 0 || len(it.StepQHalt) != n {
			return nil, fmt.Errorf("test input %s: %d per-step q_halt values for %d steps (the run file predates step_q_halt_prob, or is damaged)", it.Key(), len(it.StepQHalt), n)
		}
		last := n
		if it.Steps > 0 && it.Steps < n {
			last = it.Steps
		}
		ta := perTask[it.TaskID]
		if ta == nil {
			ta = &taskAcc{tests: max(it.Tests, 1), solved: make([]int, len(thresholds))}
			perTask[it.TaskID] = ta
		}
		for i, th := range thresholds {
			stop := last
			for k := 0; k < last; k++ {
				if float64(it.StepQHalt[k]) > th { // NaN never halts
					stop = k + 1
					break
				}
			}
			if stop < last {
				stopped[i]++
			}
			steps[i] += stop
			if it.StepExact[stop-1] {
				solved[i]++
				ta.solved[i]++
			}
		}
	}
	ids := make([]string, 0, len(perTask))
	for id := range perTask {
		ids = append(ids, id)
	}
	slices.Sort(ids) // a fixed summation order: the same bits every time
	out := make([]FrontierPoint, len(thresholds))
	for i, th := range thresholds {
		p := FrontierPoint{Threshold: th, Stopped: stopped[i]}
		if h.TestInputs > 0 {
			p.Micro = float64(solved[i]) / float64(h.TestInputs)
		}
		if len(items) > 0 {
			p.MeanSteps = float64(steps[i]) / float64(len(items))
		}
		if h.TaskKind == "arc" && h.Tasks > 0 {
			sum := 0.0
			for _, id := range ids {
				ta := perTask[id]
				sum += float64(ta.solved[i]) / float64(ta.tests)
			}
			p.TaskMacro = sum / float64(h.Tasks)
		}
		out[i] = p
	}
	return out, nil
}
