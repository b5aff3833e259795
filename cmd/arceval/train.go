package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"

	"arceval/baselines/direct"
	"arceval/baselines/hrm"
	"arceval/harness"
	"arceval/models"
	"arceval/models/nn"
	"arceval/models/trm"
	"arceval/results"
	"arceval/tasks"
)

func runTrain(c *cli, args []string) error {
	fs := c.newFlags("train", `train (--preset NAME | --config FILE) --set NAME --out DIR [flags]
train --resume DIR --set NAME [--eval-set NAME]

Trains a model with the official deep-supervision recipe (trm-spec §6):
Adam-atan2, sparse SignSGD for puzzle embeddings, warm-up + cosine
schedule, EMA, halting with exploration, gradient accumulation over
micro-batches. --set is a set to train on with on-the-fly augmentation
(Sudoku shuffles, maze dihedral copies, ARC dihedral × colours +
translation) or an official built train split. DIR receives
checkpoint.safetensors (the whole training state; --resume continues a
killed run bit for bit), model.safetensors (the evaluated weights — EMA — as
a native model for `+"`arceval eval`"+`), train.jsonl (one record per logged
step) and eval/step-N.jsonl run files of the periodic evaluations.`)
	kind := fs.String("kind", "trm", "model family: trm, hrm, transformer_baseline or mlp_baseline")
	preset := fs.String("preset", "", "model preset — trm: sudoku-mlp, sudoku-att, maze-att, arc1-att, …; hrm: sudoku-extreme, maze-30x30-hard; transformer_baseline: sudoku, maze (+ -direct-pred); mlp_baseline: sudoku-mlp (default: fitted to the data)")
	config := fs.String("config", "", "model config file (official dict, fixture JSON or all_config.yaml), over the preset")
	override := fs.String("override", "", `model config fields as inline JSON over preset and file, e.g. '{"hidden_size":64,"L_cycles":2}'`)
	set := fs.String("set", "", "training set (name or path) or built train split")
	data := fs.String("data", "", "data root (default $ARCEVAL_DATA, else ./data)")
	augment := fs.Bool("augment", true, "augment on the fly (sets, not built splits)")
	evalSet := fs.String("eval-set", "", "held-out set evaluated every --eval-every steps and at the end")
	evalLimit := fs.Int("eval-limit", 0, "evaluate only the first N tasks of --eval-set")
	evalBatch := fs.Int("eval-batch", 64, "rows per evaluation batch")
	out := fs.String("out", "", "run directory")
	resume := fs.String("resume", "", "continue the run in this directory")
	steps := fs.Int("steps", 1000, "optimiser steps")
	batch := fs.Int("batch", 768, "global batch (examples per optimiser step)")
	micro := fs.Int("micro-batch", 0, "rows per model call (default: the global batch); gradients accumulate")
	lr := fs.Float64("lr", 1e-4, "learning rate")
	lrMin := fs.Float64("lr-min-ratio", 1, "cosine floor as a fraction of --lr (1: constant after warm-up)")
	warmup := fs.Int("warmup", 2000, "warm-up steps")
	wd := fs.Float64("weight-decay", 1, "decoupled weight decay (official: 1.0 Sudoku/Maze, 0.1 ARC)")
	puzzleLR := fs.Float64("puzzle-emb-lr", 1e-4, "puzzle-embedding SignSGD learning rate")
	puzzleWD := fs.Float64("puzzle-emb-weight-decay", 1, "puzzle-embedding weight decay")
	ema := fs.Float64("ema", 0.999, "EMA rate of the evaluated weights (0: off)")
	optimizer := fs.String("optimizer", "adam_atan2", "adam_atan2 or adamw")
	loss := fs.String("loss", "stablemax_cross_entropy", "stablemax_cross_entropy or softmax_cross_entropy")
	seed := fs.Uint64("seed", 0, "seed of the weights, data order, augmentations and halt exploration")
	logEvery := fs.Int("log-every", 10, "steps between log records")
	evalEvery := fs.Int("eval-every", 0, "steps between evaluations (0: at the end only)")
	ckptEvery := fs.Int("checkpoint-every", 100, "steps between checkpoints (also on interrupt and at the end)")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "GEMM goroutines")
	ablation := fs.String("ablation", "", "TRM ablations of the paper's Table 1, comma-separated: "+ablationNames()+", T<k>n<m>")
	budget := fs.Duration("budget", 0, "stop after the step that ends past this wall time (e.g. 2m), then evaluate and save")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *set == "" {
		return usageError{"train: --set is required"}
	}
	if (*out == "") == (*resume == "") {
		return usageError{"train: give --out for a new run or --resume DIR"}
	}
	nn.SetThreads(*threads)
	root := tasks.DataRoot(*data)
	trainData, dataDesc, err := loadTrainData(root, *set, *augment)
	if err != nil {
		return err
	}
	var tr *harness.Trainer
	dir := *out
	if *resume != "" {
		dir = *resume
		ck, err := harness.OpenCheckpoint(filepath.Join(dir, harness.CheckpointFile))
		if err != nil {
			return err
		}
		defer ck.Close()
		if ck.Data() != dataDesc {
			return fmt.Errorf("%s was trained on %s, not %s: resume with the same --set and --augment", dir, ck.Data(), dataDesc)
		}
		m, err := trainableFromWeights(ck.Kind, ck.Config, ck.Weights)
		if err != nil {
			return fmt.Errorf("%s: %w", ck.Path, err)
		}
		if tr, err = harness.ResumeTrainer(ck, m, trainData); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "resuming %s at step %d of %d\n", dir, tr.Step, tr.Cfg.Steps)
	} else {
		if _, err := os.Stat(filepath.Join(dir, harness.CheckpointFile)); err == nil {
			return fmt.Errorf("%s already holds a run: --resume it or choose another --out", dir)
		}
		if *ablation != "" && *kind != trm.Kind {
			return usageError{"train: --ablation applies to TRM"}
		}
		ablateModel, ablateRecipe, err := parseAblations(*ablation)
		if err != nil {
			return err
		}
		m, err := newTrainable(*kind, *preset, *config, *override, ablateModel, trainData, *seed)
		if err != nil {
			return err
		}
		rc := harness.TrainConfig{Seed: *seed, GlobalBatch: *batch, MicroBatch: *micro, Steps: *steps, LR: *lr, LRMinRatio: *lrMin,
			Warmup: *warmup, WeightDecay: *wd, Beta1: 0.9, Beta2: 0.95, PuzzleLR: *puzzleLR, PuzzleWD: *puzzleWD, EMA: *ema,
			Optimizer: *optimizer, Loss: *loss}
		if rc.MicroBatch == 0 {
			rc.MicroBatch = rc.GlobalBatch
		}
		ablateRecipe(&rc)
		if err := rc.Validate(); err != nil {
			return usageError{err.Error()}
		}
		if tr, err = harness.NewTrainer(rc, m, trainData); err != nil {
			return err
		}
		params := 0
		for _, p := range m.Params() {
			params += len(p.W)
		}
		fmt.Fprintf(c.stderr, "training %s (%d parameters) on %s for %d steps of %d examples\n", m.Info().Kind, params, dataDesc, rc.Steps, rc.GlobalBatch)
	}

	var evalItems []*harness.Item
	var evalHeader results.Header
	if *evalSet != "" {
		info := tr.Model.Info()
		es, err := harness.LoadEvalSet(root, *evalSet, harness.ViewOptions{Views: 1, Seed: *seed})
		if err != nil {
			return err
		}
		items, subset, err := harness.Select(es.Items, *evalLimit, nil)
		if err != nil {
			return err
		}
		cfgJSON, _ := tr.Model.ConfigJSON()
		evalItems = items
		// The protocol of every periodic evaluation: one view, all the
		// model's steps, no halting (evalDuringTraining's options).
		evalHeader = newHeader(info, cfgJSON, es, items, subset, *seed, es.Protocol(info, harness.ProtocolOptions{Views: 1}))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := harness.RunOptions{Dir: dir, Data: dataDesc, LogEvery: *logEvery, CheckpointEvery: *ckptEvery, EvalEvery: *evalEvery, Budget: *budget,
		Logged: func(r harness.LogRecord) { fmt.Fprintln(c.stderr, formatLog(r, tr.Cfg.Steps)) }}
	if evalItems != nil {
		opts.Eval = func(ctx context.Context, step int, m models.Model) (any, error) {
			return evalDuringTraining(ctx, dir, step, m, evalItems, evalHeader, *evalBatch)
		}
	}
	if err := tr.Run(ctx, opts); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "trained %d steps: %s, %s\n", tr.Step, filepath.Join(dir, harness.ModelFile), filepath.Join(dir, harness.LogFile))
	return nil
}

// evalSummary is what a periodic evaluation adds to the train log.
type evalSummary struct {
	Run       string    `json:"run"`
	Exact     float64   `json:"exact_accuracy"`
	Cells     float64   `json:"cell_accuracy,omitempty"`
	TaskMacro float64   `json:"task_macro,omitempty"`
	ByStep    []float64 `json:"step_accuracy"`
}

func evalDuringTraining(ctx context.Context, dir string, step int, m models.Model, items []*harness.Item, h results.Header, batch int) (any, error) {
	if err := os.MkdirAll(filepath.Join(dir, "eval"), 0o755); err != nil {
		return nil, err
	}
	h.Flags = map[string]any{"train_dir": dir, "train_step": step}
	var recs []results.Item
	if err := harness.Evaluate(ctx, m, items, harness.Options{Batch: batch}, func(it results.Item) error {
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
	return evalSummary{Run: path, Exact: s.Exact, Cells: s.CellAccuracy, TaskMacro: s.TaskMacro, ByStep: s.StepAccuracy}, nil
}

func formatLog(r harness.LogRecord, total int) string {
	if r.Step == 0 {
		if e, ok := r.Eval.(evalSummary); ok {
			return fmt.Sprintf("untrained: eval exact %.4f, cells %.4f", e.Exact, e.Cells)
		}
	}
	line := fmt.Sprintf("step %d/%d  epoch %d  lr %.2e  loss %.4f (lm %.4f, q %.4f)  halted %d: exact %.3f, q acc %.3f, %.1f steps  %.1f ex/s",
		r.Step, total, r.Epoch, r.LR, r.Loss, r.LMLoss, r.QHaltLoss, r.Halted, r.ExactAccuracy, r.QHaltAccuracy, r.MeanSteps, r.ExamplesPerSec)
	if e, ok := r.Eval.(evalSummary); ok {
		line += fmt.Sprintf("  | eval exact %.4f", e.Exact)
		if e.Cells > 0 {
			line += fmt.Sprintf(", cells %.4f", e.Cells)
		}
	}
	return line
}

// loadTrainData opens the training data: a built train split, or a set with
// on-the-fly augmentation. The description identifies it for resume checks.
func loadTrainData(root, name string, augment bool) (harness.TrainData, string, error) {
	if isBuilt(name) {
		split, err := tasks.OpenBuilt(name)
		if err != nil {
			return nil, "", err
		}
		return harness.NewBuiltData(split), fmt.Sprintf("built split %s (tokens %s)", name, builtFingerprint(split)), nil
	}
	set, err := tasks.LoadSet(root, name)
	if err != nil {
		return nil, "", err
	}
	d, err := harness.NewTaskData(set, augment)
	if err != nil {
		return nil, "", err
	}
	return d, fmt.Sprintf("%s (%d tasks, fingerprint %s, augment %v)", set.Name, len(set.Tasks), tasks.Fingerprint(set), augment), nil
}

// newTrainable makes a freshly initialised model of a kind whose sequence
// length, vocabulary and puzzle table fit the data.
func newTrainable(kind, preset, config, override string, ablate func(*trm.Config), data harness.TrainData, seed uint64) (models.Trainable, error) {
	switch kind {
	case trm.Kind:
		cfg, err := resolveConfig(preset, config)
		if err != nil {
			return nil, err
		}
		return initTrainable(cfg, override, data, func(c *trm.Config) (*int, *int, *int) { return &c.SeqLen, &c.VocabSize, &c.NumPuzzleIdentifiers },
			func(c trm.Config) error { return c.Validate() }, func(c trm.Config) (models.Trainable, error) {
				ablate(&c) // the ablations' model part, after the overrides
				if err := c.Validate(); err != nil {
					return nil, usageError{err.Error()}
				}
				return trm.LoadTrainable(c, trm.RandomTensors(c, seed))
			})
	case hrm.Kind:
		cfg, err := baselineConfig(preset, config, hrm.DefaultConfig, hrm.Preset, hrm.ReadConfigFile)
		if err != nil {
			return nil, err
		}
		return initTrainable(cfg, override, data, func(c *hrm.Config) (*int, *int, *int) { return &c.SeqLen, &c.VocabSize, &c.NumPuzzleIdentifiers },
			hrm.Config.Validate, func(c hrm.Config) (models.Trainable, error) { return hrm.LoadTrainable(c, hrm.RandomTensors(c, seed)) })
	case direct.Kind, "direct", direct.MLPKind:
		cfg, err := baselineConfig(preset, config, direct.DefaultConfig, direct.Preset, direct.ReadConfigFile)
		if err != nil {
			return nil, err
		}
		if cfg == nil && kind == direct.MLPKind {
			c := direct.MLP(data.SeqLen(), data.Vocab(), data.NumPuzzleIDs())
			cfg = &c
		}
		return initTrainable(cfg, override, data, func(c *direct.Config) (*int, *int, *int) { return &c.SeqLen, &c.VocabSize, &c.NumPuzzleIdentifiers },
			direct.Config.Validate, func(c direct.Config) (models.Trainable, error) {
				return direct.LoadTrainable(c, direct.RandomTensors(c, seed))
			})
	}
	return nil, usageError{fmt.Sprintf("train: --kind %q: want trm, hrm, transformer_baseline or mlp_baseline", kind)}
}

// initTrainable applies the inline overrides to a config, fits it to the
// data, validates it and initialises the model with random weights.
func initTrainable[C any](cfg *C, override string, data harness.TrainData, sizes func(*C) (*int, *int, *int), validate func(C) error, load func(C) (models.Trainable, error)) (models.Trainable, error) {
	if cfg == nil {
		return nil, usageError{"train: give --preset or --config"}
	}
	if override != "" {
		if err := json.Unmarshal([]byte(override), cfg); err != nil {
			return nil, usageError{fmt.Sprintf("--override: %v", err)}
		}
	}
	seqLen, vocab, ids := sizes(cfg)
	fitToData(data, seqLen, vocab, ids)
	if err := validate(*cfg); err != nil {
		return nil, usageError{err.Error()}
	}
	return load(*cfg)
}

// fitToData sets the sequence length, vocabulary and puzzle-table size a
// model needs for the data (a preset's values are for the official data).
func fitToData(data harness.TrainData, seqLen, vocab, ids *int) {
	*seqLen = data.SeqLen()
	*vocab = data.Vocab()
	*ids = max(data.NumPuzzleIDs(), 1)
}

// trainableFromWeights rebuilds a checkpointed model of a kind.
func trainableFromWeights(kind string, config []byte, w map[string]models.Tensor) (models.Trainable, error) {
	switch kind {
	case trm.Kind:
		c, err := trm.ParseConfig(config)
		if err != nil {
			return nil, err
		}
		return trm.LoadTrainable(c, trm.TensorMap(w))
	case hrm.Kind:
		c, err := hrm.ParseConfig(config)
		if err != nil {
			return nil, err
		}
		return hrm.LoadTrainable(c, trm.TensorMap(w))
	case direct.Kind, direct.MLPKind:
		c, err := direct.ParseConfig(config)
		if err != nil {
			return nil, err
		}
		return direct.LoadTrainable(c, trm.TensorMap(w))
	}
	return nil, fmt.Errorf("cannot train a %q model", kind)
}
