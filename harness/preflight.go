package harness

import (
	"context"
	"fmt"
	"time"

	"arceval/models"
)

// Work is what evaluating a selection asks of the model.
type Work struct {
	Tasks      int   `json:"tasks"`
	TestInputs int   `json:"test_inputs"`
	Views      int   `json:"views"`      // views over all test inputs (rows through the model)
	Steps      int   `json:"steps"`      // supervision steps per view (the most, with early halting)
	ViewSteps  int64 `json:"view_steps"` // Views × Steps: model steps on one row
}

// Plan is a preflight estimate: the work of the whole selection and of each
// of its shards, and the model time of one view-step measured on this
// machine.
type Plan struct {
	Work        Work
	Shards      []Work // shard k (1-based) at index k−1; nil when not asked
	PerViewStep time.Duration
}

// Wall is the estimated model time of the whole selection on this machine.
func (p Plan) Wall() time.Duration { return scale(p.PerViewStep, p.Work.ViewSteps) }

// ShardWall is the estimated time of the largest shard: the wall time of N
// machines like this one, each running one shard.
func (p Plan) ShardWall() time.Duration {
	var most int64
	for _, s := range p.Shards {
		most = max(most, s.ViewSteps)
	}
	return scale(p.PerViewStep, most)
}

// LargestShard is the shard with the most view-steps (the first of equals).
func (p Plan) LargestShard() (k int, w Work) {
	for i, s := range p.Shards {
		if i == 0 || s.ViewSteps > w.ViewSteps {
			k, w = i+1, s
		}
	}
	return k, w
}

func scale(d time.Duration, n int64) time.Duration {
	return time.Duration(float64(d) * float64(n))
}

// PlanWork counts the views of every item (checking each against the model,
// as an evaluation would before running it) and the work of the selection
// and, for shards > 0, of each of its shards; perViewStep is the measured
// (or, in tests, given) model time of one view-step.
func PlanWork(info models.Info, items []*Item, steps, shards int, perViewStep time.Duration) (Plan, error) {
	if steps <= 0 {
		steps = info.MaxSteps
	}
	views := make(map[*Item]int, len(items))
	for _, it := range items {
		vs, err := it.Views()
		if err != nil {
			return Plan{}, err
		}
		if err := checkViews(info, it, vs); err != nil {
			return Plan{}, err
		}
		views[it] = len(vs)
	}
	work := func(sel []*Item) Work {
		w := Work{Steps: steps}
		w.Tasks, w.TestInputs = Counts(sel)
		for _, it := range sel {
			w.Views += views[it]
		}
		w.ViewSteps = int64(w.Views) * int64(steps)
		return w
	}
	p := Plan{Work: work(items), PerViewStep: perViewStep}
	if shards > 0 {
		for _, sel := range Shards(items, shards) {
			p.Shards = append(p.Shards, work(sel))
		}
	}
	return p, nil
}

// checkViews checks an item's views against the model: there are some, each
// has the model's sequence length and a puzzle identifier inside its table.
func checkViews(info models.Info, it *Item, views []View) error {
	if len(views) == 0 {
		return fmt.Errorf("task %s test %d: no views", it.TaskID, it.TestIndex)
	}
	for _, v := range views {
		if len(v.Tokens) != info.SeqLen {
			return fmt.Errorf("task %s test %d: %d input tokens, the model reads %d (is this the right set for the model?)", it.TaskID, it.TestIndex, len(v.Tokens), info.SeqLen)
		}
		if info.PuzzleIDs > 0 && int(v.PuzzleID) >= info.PuzzleIDs {
			return fmt.Errorf("task %s test %d: puzzle identifier %d outside the model's %d rows", it.TaskID, it.TestIndex, v.PuzzleID, info.PuzzleIDs)
		}
	}
	return nil
}

// TimeSteps measures the model time of one view-step on this machine: a
// batch of up to `batch` views of the first items runs one untimed warm-up
// step, then `steps` timed ones (continuing the recursion past the model's
// depth when needed, which costs the same). The result is the timed model
// time over the views × steps run.
func TimeSteps(ctx context.Context, m models.Model, items []*Item, batch, steps int) (time.Duration, error) {
	info := m.Info()
	B, S := max(batch, 1), info.SeqLen
	var rows []View
	for _, it := range items {
		vs, err := it.Views()
		if err != nil {
			return 0, err
		}
		if err := checkViews(info, it, vs); err != nil {
			return 0, err
		}
		rows = append(rows, vs[:min(len(vs), B-len(rows))]...)
		if len(rows) == B {
			break
		}
	}
	if len(rows) == 0 {
		return 0, fmt.Errorf("nothing to time: no test inputs selected")
	}
	n := len(rows)
	b := models.Batch{Inputs: make([]int32, n*S), PuzzleIDs: make([]int32, n)}
	for i, v := range rows {
		for j, t := range v.Tokens {
			b.Inputs[i*S+j] = int32(t)
		}
		b.PuzzleIDs[i] = v.PuzzleID
	}
	out := models.NewStepOutput(info, n)
	run := m.NewRun(n)
	opt := models.StepOptions{MaxSteps: steps + 1}
	if err := run.Step(b, out, opt); err != nil {
		return 0, err
	}
	start := time.Now()
	for range steps {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := run.Step(b, out, opt); err != nil {
			return 0, err
		}
	}
	return time.Since(start) / time.Duration(n*steps), nil
}
