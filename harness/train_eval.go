package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"arceval/models"
	"arceval/results"
)

// TrainEvalSummary is what a periodic evaluation adds to its step's
// train.jsonl record (under "eval"): the run file it wrote and its scores.
type TrainEvalSummary struct {
	Run       string    `json:"run"`
	Exact     float64   `json:"exact_accuracy"`
	Cells     float64   `json:"cell_accuracy,omitempty"`
	TaskMacro float64   `json:"task_macro,omitempty"`
	ByStep    []float64 `json:"step_accuracy"`
}

// PeriodicEval is the RunOptions.Eval of a training run folder dir: at a
// step it evaluates items (all the model's steps, no halting) in batches of
// batch rows, writes them as the run file dir/eval/step-NNNNNNN.jsonl under
// header h (its flags name the folder and step) and returns their
// TrainEvalSummary.
func PeriodicEval(dir string, items []*Item, h results.Header, batch int) func(ctx context.Context, step int, m models.Model) (any, error) {
	return func(ctx context.Context, step int, m models.Model) (any, error) {
		if err := os.MkdirAll(filepath.Join(dir, "eval"), 0o755); err != nil {
			return nil, err
		}
		h := h
		h.Flags = map[string]any{"train_dir": dir, "train_step": step}
		var recs []results.Item
		if err := Evaluate(ctx, m, items, Options{Batch: batch}, func(it results.Item) error {
			recs = append(recs, it)
			return nil
		}); err != nil {
			return nil, err
		}
		path := filepath.Join(dir, "eval", fmt.Sprintf("step-%07d.jsonl", step))
		if err := results.WriteFile(path, h, recs, true); err != nil {
			return nil, err
		}
		s, err := results.Score(h, recs)
		if err != nil {
			return nil, err
		}
		return TrainEvalSummary{Run: path, Exact: s.Exact, Cells: s.CellAccuracy, TaskMacro: s.TaskMacro, ByStep: s.StepAccuracy}, nil
	}
}
