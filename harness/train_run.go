package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"arceval/internal/atomicfile"
	"arceval/models"
)

// Files of a training run directory.
const (
	CheckpointFile = "checkpoint.safetensors" // the whole training state (resume)
	ModelFile      = "model.safetensors"      // the evaluated weights (EMA when on) as a native model
	LogFile        = "train.jsonl"            // one record per logged step
)

// Metadata keys of the model file a run writes: the step of its weights and
// the description of its training data (RunOptions.Data: for an ARC build,
// its sets and test subset), so that the file says what it was trained on.
const (
	MetaTrainStep = "arceval.train_step"
	MetaTrainData = "arceval.train_data"
)

// RunOptions control Trainer.Run.
type RunOptions struct {
	Dir             string
	Data            string // description of the training data (kept in the checkpoint and model file)
	LogEvery        int    // steps between log records (0: 10)
	CheckpointEvery int    // steps between checkpoints (0: only at the end or on interrupt)
	EvalEvery       int    // steps between evaluations (0: only at the end)
	// Eval evaluates the model with the evaluated weights at a step; its
	// result is added to that step's log record under "eval".
	Eval func(ctx context.Context, step int, m models.Model) (any, error)
	// Logged is called with every log record (for progress output).
	Logged func(LogRecord)
	// Budget, when positive, ends training at the first step that finishes
	// after this much wall time (then evaluates and saves as at the end):
	// equal budgets compare models at equal compute.
	Budget time.Duration
}

// LogRecord is one line of train.jsonl.
type LogRecord struct {
	StepStats
	ExamplesPerSec float64 `json:"examples_per_sec"`
	Seconds        float64 `json:"seconds"` // wall time of this process so far
	Eval           any     `json:"eval,omitempty"`
}

// Run trains until Cfg.Steps, logging, evaluating and checkpointing as
// asked. When ctx is cancelled it checkpoints the step it finished and
// returns ctx's error, so `--resume` continues exactly there. The model file
// and a final checkpoint are written at the end.
func (t *Trainer) Run(ctx context.Context, o RunOptions) error {
	if o.LogEvery <= 0 {
		o.LogEvery = 10
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return err
	}
	logPath := filepath.Join(o.Dir, LogFile)
	if err := truncateLog(logPath, t.Step); err != nil {
		return err
	}
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	save := func() error {
		if err := t.Save(filepath.Join(o.Dir, CheckpointFile), o.Data); err != nil {
			return err
		}
		meta := map[string]string{MetaTrainStep: fmt.Sprint(t.Step)}
		if o.Data != "" {
			meta[MetaTrainData] = o.Data
		}
		return t.SaveModel(filepath.Join(o.Dir, ModelFile), meta)
	}
	// evaluate runs o.Eval on the evaluated weights at the current step.
	evaluate := func() (any, error) {
		m, err := t.EvalModel()
		if err != nil {
			return nil, err
		}
		return o.Eval(ctx, t.Step, m)
	}
	write := func(rec LogRecord) error {
		line, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if _, err := logf.Write(append(line, '\n')); err != nil {
			return err
		}
		if o.Logged != nil {
			o.Logged(rec)
		}
		return nil
	}
	// The step the checkpoint on disk holds: a resumed run's, or step 0,
	// saved now so that a run that diverges before its first periodic
	// checkpoint still leaves a usable one.
	saved := t.Step
	if t.Step == 0 {
		if err := save(); err != nil {
			return err
		}
	}
	if t.Step == 0 && o.Eval != nil {
		// The untrained model's score: the baseline every curve starts from.
		res, err := evaluate()
		if err != nil {
			return fmt.Errorf("evaluation before training: %w", err)
		}
		if err := write(LogRecord{Eval: res}); err != nil {
			return err
		}
	}
	start := time.Now()
	var sinceLog time.Duration
	examples := 0
	for t.Step < t.Cfg.Steps {
		if ctx.Err() != nil {
			if err := save(); err != nil {
				return err
			}
			return fmt.Errorf("interrupted after step %d of %d (checkpoint saved; continue with --resume): %w", t.Step, t.Cfg.Steps, ctx.Err())
		}
		t0 := time.Now()
		st, err := t.TrainStep()
		var diverged *DivergedError
		if errors.As(err, &diverged) {
			return fmt.Errorf("%w: training diverged; %s holds step %d, the last good state (nothing later was saved)", err, filepath.Join(o.Dir, CheckpointFile), saved)
		}
		if err != nil {
			return fmt.Errorf("step %d: %w", t.Step+1, err)
		}
		sinceLog += time.Since(t0)
		examples += t.Cfg.GlobalBatch
		last := t.Step == t.Cfg.Steps || o.Budget > 0 && time.Since(start) >= o.Budget
		rec := LogRecord{StepStats: st}
		logged := t.Step%o.LogEvery == 0 || last
		if o.Eval != nil && (o.EvalEvery > 0 && t.Step%o.EvalEvery == 0 || last) {
			if rec.Eval, err = evaluate(); err != nil {
				return fmt.Errorf("evaluation at step %d: %w", t.Step, err)
			}
			logged = true
		}
		if logged {
			rec.ExamplesPerSec = float64(examples) / sinceLog.Seconds()
			rec.Seconds = time.Since(start).Seconds()
			if err := write(rec); err != nil {
				return err
			}
			sinceLog, examples = 0, 0
		}
		if (o.CheckpointEvery > 0 && t.Step%o.CheckpointEvery == 0) || last {
			if err := save(); err != nil {
				return err
			}
			saved = t.Step
		}
		if last {
			break
		}
	}
	return nil
}

// truncateLog drops the log records of steps after step: a resumed run
// redoes them, and the log must not hold them twice.
func truncateLog(path string, step int) error {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var keep bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r struct {
			Step int `json:"step"`
		}
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Step > step {
			continue // a torn or later line
		}
		keep.Write(sc.Bytes())
		keep.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		// A line the scanner cannot hold: keep the log as it is rather
		// than drop it and everything after it.
		return fmt.Errorf("%s: %v", path, err)
	}
	if bytes.Equal(keep.Bytes(), data) {
		return nil
	}
	return atomicfile.WriteBytes(path, keep.Bytes())
}
