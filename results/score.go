package results

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// PassKs are the pass@K cut-offs reported for ARC (the official evaluator's).
var PassKs = []int{1, 2, 5, 10, 100, 1000}

// Summary is the score of a run. ARC reports three aggregations of the
// two-attempt rule — task-macro (the headline: per task, solved test inputs
// over its test inputs, then the mean over tasks), micro (over all test
// inputs) and all-or-nothing (a task counts only when all its test inputs are
// solved) — and pass@K (task-macro). Sudoku and Maze report exact and cell
// accuracy. Denominators always come from the selection in the header, so a
// missing item counts as wrong and is reported in Missing.
type Summary struct {
	TaskKind     string
	Tasks        int // tasks in the selection
	TestInputs   int // test inputs in the selection
	Items        int // test inputs with a record
	Missing      int // test inputs without a record (counted wrong)
	Empty        int // records whose attempts hold no grid (counted wrong)
	NaN          int // records with views whose outputs held NaN (no answer from those views)
	Malformed    int // submission attempts that are not grids (counted wrong)
	Solved       int // test inputs solved
	TaskMacro    float64
	Micro        float64
	AllOrNothing float64
	PassK        map[int]float64 // task-macro pass@K (ARC)
	Exact        float64         // Sudoku/Maze: fraction of puzzles exactly right
	CellAccuracy float64         // Sudoku/Maze: fraction of cells right (missing items count 0 cells)
	StepAccuracy []float64       // micro accuracy after each supervision step
	MeanSteps    float64         // supervision steps used per view, averaged over items
	Seconds      float64         // wall time summed over items
	CPUSeconds   float64         // CPU time (all threads) summed over items; 0: not measured
	Recorded     int             // tasks with at least one record
	// NoAnswers: the set has no known answers (Header.NoAnswers); every
	// accuracy above is meaningless and is neither printed nor written.
	NoAnswers bool
}

// CPUPerTask is the mean CPU-seconds of a task with a record (0: not
// measured): the cost that compares runs across machines.
func (s Summary) CPUPerTask() float64 {
	if s.Recorded == 0 {
		return 0
	}
	return s.CPUSeconds / float64(s.Recorded)
}

// Cost converts CPU-seconds into money at a price per CPU-hour.
func Cost(cpuSeconds, pricePerCPUHour float64) float64 { return cpuSeconds / 3600 * pricePerCPUHour }

// Score computes the summary of a run's items against its header's selection.
// Duplicate items are an error (merge shards with Merge).
func Score(h Header, items []Item) (Summary, error) {
	s := Summary{TaskKind: h.TaskKind, Tasks: h.Tasks, TestInputs: h.TestInputs, PassK: map[int]float64{}, NoAnswers: h.NoAnswers}
	type taskScore struct {
		tests, solved int
		passK         []int
	}
	perTask := map[string]*taskScore{}
	seen := map[string]bool{}
	cells, cellTotal := 0, 0
	var steps float64
	for _, it := range items {
		key := it.Key()
		if seen[key] {
			return s, fmt.Errorf("test input %s recorded twice", key)
		}
		seen[key] = true
		if it.Tests < 1 || it.TestIndex < 0 || it.TestIndex >= it.Tests {
			return s, fmt.Errorf("test input %s: test index %d of %d test inputs", key, it.TestIndex, it.Tests)
		}
		ts := perTask[it.TaskID]
		if ts == nil {
			ts = &taskScore{tests: it.Tests, passK: make([]int, len(PassKs))}
			perTask[it.TaskID] = ts
		}
		s.Items++
		if it.Solved() {
			s.Solved++
			ts.solved++
		}
		if empty(it) {
			s.Empty++
		}
		if it.NaNViews > 0 {
			s.NaN++
		}
		for i, k := range PassKs {
			if it.PassAt(k) {
				ts.passK[i]++
			}
		}
		for k, ok := range it.StepExact {
			if k >= len(s.StepAccuracy) {
				s.StepAccuracy = append(s.StepAccuracy, make([]float64, k+1-len(s.StepAccuracy))...)
			}
			if ok {
				s.StepAccuracy[k]++
			}
		}
		if it.Cells != nil {
			cells += it.Cells.Correct
			cellTotal += it.Cells.Total
		}
		steps += float64(it.Steps)
		s.Seconds += it.Seconds
		s.CPUSeconds += it.CPUSeconds
	}
	s.Recorded = len(perTask)
	if len(perTask) > s.Tasks || s.Items > s.TestInputs {
		return s, fmt.Errorf("run holds %d test inputs of %d tasks, more than its header's selection (%d of %d)", s.Items, len(perTask), s.TestInputs, s.Tasks)
	}
	s.Missing = s.TestInputs - s.Items
	frac := func(a float64, b int) float64 {
		if b == 0 {
			return 0
		}
		return a / float64(b)
	}
	var macro, allOrNothing float64
	passK := make([]float64, len(PassKs))
	// Sum in task-id order: float addition is not associative, and map order
	// is random, so this keeps the scores identical from run to run.
	ids := make([]string, 0, len(perTask))
	for id := range perTask {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		ts := perTask[id]
		macro += float64(ts.solved) / float64(ts.tests)
		if ts.solved == ts.tests {
			allOrNothing++
		}
		for i := range PassKs {
			passK[i] += float64(ts.passK[i]) / float64(ts.tests)
		}
	}
	s.TaskMacro, s.AllOrNothing = frac(macro, s.Tasks), frac(allOrNothing, s.Tasks)
	s.Micro = frac(float64(s.Solved), s.TestInputs)
	s.Exact = s.Micro
	for i, k := range PassKs {
		s.PassK[k] = frac(passK[i], s.Tasks)
	}
	for k := range s.StepAccuracy {
		s.StepAccuracy[k] = frac(s.StepAccuracy[k], s.TestInputs)
	}
	if cellTotal > 0 && s.Items > 0 {
		// Missing items count as all cells wrong, at the mean board size.
		s.CellAccuracy = float64(cells) / (float64(cellTotal) / float64(s.Items) * float64(s.TestInputs))
	}
	s.MeanSteps = frac(steps, s.Items)
	return s, nil
}

func empty(it Item) bool {
	for _, a := range it.Attempts {
		if len(a.Grid) > 0 {
			return false
		}
	}
	return true
}

// MarshalJSON writes the summary with the fields of its task kind: ARC gets
// task_macro, micro, all_or_nothing, pass_at_k, tasks, test_inputs, missing;
// Sudoku and Maze get exact_accuracy, cell_accuracy and n.
func (s Summary) MarshalJSON() ([]byte, error) {
	type common struct {
		Kind         string    `json:"task_kind"`
		Missing      int       `json:"missing"`
		Empty        int       `json:"empty"`
		Malformed    int       `json:"malformed"`
		NaN          int       `json:"nan_outputs"`
		StepAccuracy []float64 `json:"step_accuracy,omitempty"`
		MeanSteps    float64   `json:"mean_steps"`
		Seconds      float64   `json:"seconds"`
		CPUSeconds   float64   `json:"cpu_seconds,omitempty"`
		CPUPerTask   float64   `json:"cpu_seconds_per_task,omitempty"`
	}
	c := common{s.TaskKind, s.Missing, s.Empty, s.Malformed, s.NaN, s.StepAccuracy, s.MeanSteps, s.Seconds, s.CPUSeconds, s.CPUPerTask()}
	if s.NoAnswers {
		// No answers, no accuracies: what was predicted, and nothing else.
		c.StepAccuracy = nil
		return json.Marshal(struct {
			NoAnswers  bool `json:"no_answers"`
			Tasks      int  `json:"tasks"`
			TestInputs int  `json:"test_inputs"`
			Predicted  int  `json:"predicted"`
			common
		}{true, s.Tasks, s.TestInputs, s.Items, c})
	}
	if s.TaskKind == "arc" {
		passK := map[string]float64{}
		for k, v := range s.PassK {
			passK[strconv.Itoa(k)] = v
		}
		return json.Marshal(struct {
			TaskMacro    float64            `json:"task_macro"`
			Micro        float64            `json:"micro"`
			AllOrNothing float64            `json:"all_or_nothing"`
			PassK        map[string]float64 `json:"pass_at_k"`
			Tasks        int                `json:"tasks"`
			TestInputs   int                `json:"test_inputs"`
			Solved       int                `json:"solved"`
			common
		}{s.TaskMacro, s.Micro, s.AllOrNothing, passK, s.Tasks, s.TestInputs, s.Solved, c})
	}
	return json.Marshal(struct {
		Exact  float64 `json:"exact_accuracy"`
		Cells  float64 `json:"cell_accuracy"`
		N      int     `json:"n"`
		Solved int     `json:"solved"`
		common
	}{s.Exact, s.CellAccuracy, s.TestInputs, s.Solved, c})
}
