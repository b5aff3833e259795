package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"arceval/harness"
	"arceval/internal/runlock"
	"arceval/models"
	"arceval/models/nn"
	"arceval/models/registry"
	"arceval/models/trm"
	"arceval/results"
	"arceval/tasks"
)

func runTrain(c *cli, args []string) error {
	fs := c.newFlags("train", `train (--preset NAME | --config FILE) --set NAME[,NAME…] --out DIR [flags]
train --resume DIR

Trains a model with the official deep-supervision loop (trm-spec §6):
Adam-atan2, sparse SignSGD for puzzle embeddings, warm-up + cosine
schedule, EMA, halting with exploration, gradient accumulation over
micro-batches, with the official recipe of the model family and data set
(listed below).

--set is an official built train split (its stored puzzles), or sets that
are built in memory exactly as the official builders would build them and
trained on as the official loader would (trm-spec §2): Sudoku — each puzzle
and --num-aug fixed shuffled copies; Maze — the mazes alone, or with
--num-aug > 0 their 8 dihedral transforms; ARC — the sets are the subsets of
one build_arc_dataset.py build, in the order given: each task and up to
--num-aug distinct dihedral × colour copies, each with its own puzzle
identifier, every example translated but one per puzzle. An ARC --eval-set
is the build's test subset: its tasks' demonstration pairs are trained on
(the official protocol), their test pairs are evaluated with the build's
views and puzzle identifiers. A known evaluation set (ARC-AGI-1 evaluation,
either ARC-AGI-2 evaluation copy, whatever its path) is trained on only as
the test subset: anywhere else the model would train on its test outputs,
and train refuses unless --allow-eval-test-pairs. For the official ARC-AGI-1
recipe:
  --set trm-kaggle/training,trm-kaggle/evaluation,trm-kaggle/concept
  --eval-set trm-kaggle/evaluation
(with the Kaggle files and --build-seed 42 the data is the official build's
bit for bit). Each epoch takes one random member of every group; batches
are packed as _sample_batch does (a puzzle that overflows a batch is cut)
and the incomplete last batch of each --epochs-per-iter iteration is
dropped.

DIR receives checkpoint.safetensors (the whole training state; --resume
continues a killed run bit for bit, with the model, recipe, seed and length
saved there: flags that would set them are refused), options.json (the
run's other flags: --resume DIR restores every one; one given with another
value is refused, except --data, --eval-batch and --budget, which are this
process's), model.safetensors (the evaluated
weights — EMA — as a native model for `+"`arceval eval`"+`), train.jsonl (one
record per logged step) and eval/step-N.jsonl run files of the periodic
evaluations.`+"\n"+recipeHelp()+ablationHelp())
	kind := fs.String("kind", "trm", "model family: "+registry.KindList())
	preset := fs.String("preset", "", "model preset (default: fitted to the data) — "+presetList())
	config := fs.String("config", "", "model config file (official dict, fixture JSON or all_config.yaml), over the preset")
	override := fs.String("override", "", `model config fields as inline JSON over preset and file, e.g. '{"hidden_size":64,"L_cycles":2}'`)
	set := fs.String("set", "", "training data: a built train split, or a set (name or path); ARC: several sets, comma-separated, are the subsets of one build in that order")
	data := fs.String("data", "", "data root (default $ARCEVAL_DATA, else ./data)")
	numAug := fs.Int("num-aug", -1, "sets: augmented copies per puzzle, as the builders' --num-aug (-1: the official build's, ARC and Sudoku 1000, Maze 0); Maze: > 0 adds the 8 dihedral transforms; 0: originals only")
	buildSeed := fs.Uint32("build-seed", 42, "sets: seed of the in-memory build (ARC: numpy seed of build_arc_dataset.py; Sudoku: the fixed augmentation pool)")
	epochsPerIter := fs.Int("epochs-per-iter", 0, "epochs per sampler iteration (≥ 1), whose incomplete last batch is dropped (default: the recipe's, the official eval_interval: TRM ARC 10000, Sudoku/Maze 5000; HRM Sudoku/Maze 2000)")
	fs.Bool("augment", false, "replaced by --num-aug")
	fs.MarkHidden("augment")
	evalSet := fs.String("eval-set", "", "set evaluated every --eval-every steps and at the end (ARC: the build's test subset, see above)")
	evalLimit := fs.Int("eval-limit", 0, "evaluate only the first N tasks of --eval-set")
	evalViews := fs.Int("eval-views", 1, "ARC: views per test input — of the test subset or a built split, the build's first N with their puzzle ids (0: all of them); of another set, N drawn views (0, 1: the original)")
	allowLeak := fs.Bool("allow-eval-test-pairs", false, "ARC: train on the test pairs of a known evaluation set that is not the test subset — leakage: the model sees the answers it would be scored on (e.g. a final model for another, hidden test set)")
	evalBatch := fs.Int("eval-batch", 64, "rows per evaluation batch")
	out := fs.String("out", "", "run directory")
	resume := fs.String("resume", "", "continue the run in this directory")
	steps := fs.Int("steps", 1000, "optimiser steps (the recipes above give the official runs' length)")
	micro := fs.Int("micro-batch", 0, "rows per model call (default: the global batch); gradients accumulate")
	recipe := addRecipeFlags(fs)
	seed := fs.Uint64("seed", 0, "seed of the weights, data order (members and examples drawn) and halt exploration; a set's augmented copies come from --build-seed")
	logEvery := fs.Int("log-every", 10, "steps between log records")
	evalEvery := fs.Int("eval-every", 0, "steps between evaluations (0: at the end only)")
	ckptEvery := fs.Int("checkpoint-every", 100, "steps between checkpoints (also on interrupt and at the end)")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "GEMM goroutines")
	ablation := fs.String("ablation", "", "TRM ablations of the paper's Table 1, comma-separated: "+ablationNames()+", T<k>n<m>")
	budget := fs.Duration("budget", 0, "stop after the step that ends past this wall time of this process (e.g. 2m), then evaluate and save; --resume restores it unless given")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.Changed("augment") {
		return usageError{"train: --augment is replaced by --num-aug (0: no augmentation; default: the official build's)"}
	}
	if (*out == "") == (*resume == "") {
		return usageError{"train: give --out for a new run or --resume DIR"}
	}
	if *evalLimit < 0 {
		return usageError{fmt.Sprintf("train: --eval-limit %d: want a number of tasks ≥ 1, or 0 for all of them", *evalLimit)}
	}
	if *numAug < -1 {
		return usageError{fmt.Sprintf("train: --num-aug %d: want ≥ 0 augmented copies, or -1 for the official build's", *numAug)}
	}
	if fs.Changed("epochs-per-iter") && *epochsPerIter <= 0 {
		return usageError{fmt.Sprintf("train: --epochs-per-iter %d: want ≥ 1 epochs per sampler iteration", *epochsPerIter)}
	}
	dir := *out
	if *resume != "" {
		dir = *resume
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("--resume %s: not a run folder", dir)
		}
	} else if *set == "" {
		return usageError{"train: --set is required"}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// One writer per run folder: a second train on it is refused, naming
	// the process that writes it.
	lock, err := runlock.Acquire(runlock.ForFolder(dir), dir)
	if err != nil {
		return err
	}
	defer lock.Release()
	haveOptions := false
	if *resume != "" {
		// A resumed run continues with the model, recipe and seed saved in
		// the checkpoint: flags that would set them are refused, not ignored.
		given := recipe.given()
		for _, name := range newRunFlags {
			if fs.Changed(name) {
				given = append(given, "--"+name)
			}
		}
		if len(given) > 0 {
			return usageError{fmt.Sprintf("train: %s set a new run's recipe or model; --resume continues with the ones saved in %s", strings.Join(given, ", "), filepath.Join(dir, harness.CheckpointFile))}
		}
		// And with every other option of the run (options.json).
		o, ok, err := readTrainOptions(dir)
		if err != nil {
			return err
		}
		if ok {
			if err := restoreTrainOptions(dir, fs, o); err != nil {
				return err
			}
		}
		haveOptions = ok
		if *set == "" {
			return usageError{fmt.Sprintf("train: %s has no %s (a run of an older arceval): give its --set and other flags", dir, TrainOptionsFile)}
		}
	}
	nn.SetThreads(*threads)
	root := tasks.DataRoot(*data)
	progress := newProgress(c.stderr)
	src, err := harness.LoadTrainData(root, strings.Split(*set, ","), *evalSet, harness.TrainDataSpec{NumAug: *numAug, BuildSeed: *buildSeed, AllowEvalTestPairs: *allowLeak, Progress: progress.update})
	progress.done()
	if err != nil {
		return cliError(err)
	}
	trainData, dataDesc := src.Data, src.Desc
	var tr *harness.Trainer
	if *resume != "" {
		ck, err := harness.OpenCheckpoint(filepath.Join(dir, harness.CheckpointFile))
		if err != nil {
			return err
		}
		defer ck.Close()
		if ck.Data() != dataDesc {
			return fmt.Errorf("%s was trained on %s, not %s: resume with the same --set, --eval-set, --num-aug and --build-seed", dir, ck.Data(), dataDesc)
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
		rc, about, err := recipe.resolve(m.Info().Kind, *kind, *preset, trainData.Kind(), *steps)
		if err != nil {
			return err
		}
		rc.Seed = *seed
		if *micro != 0 {
			rc.MicroBatch = *micro
		}
		if fs.Changed("epochs-per-iter") {
			rc.EpochsPerIter = *epochsPerIter
			rc.RecipeOverrides = append(rc.RecipeOverrides, "epochs-per-iter")
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
		fmt.Fprintf(c.stderr, "training %s (%d parameters) on %s for %d steps of %d examples, %s\n",
			m.Info().Kind, params, dataDesc, rc.Steps, rc.GlobalBatch, about)
	}

	var evalItems []*harness.Item
	var evalHeader results.Header
	if *evalSet != "" {
		info := tr.Model.Info()
		// The run's seed, not the flag's: a resumed run has its own.
		es, err := harness.TrainEvalSet(c.stderr, root, *evalSet, src, *evalViews, tr.Cfg.Seed)
		if err != nil {
			return cliError(err)
		}
		items, subset, err := harness.Select(es.Items, *evalLimit, nil)
		if err != nil {
			return err
		}
		cfgJSON, _ := tr.Model.ConfigJSON()
		evalItems = items
		// The protocol of every periodic evaluation: all the model's steps,
		// no halting (evalDuringTraining's options).
		evalHeader = newHeader(info, cfgJSON, es, items, subset, tr.Cfg.Seed, es.Protocol(info, harness.ProtocolOptions{Views: *evalViews}))
	}
	if !haveOptions {
		// A new run (or one of an older arceval) records its options for
		// --resume.
		if err := saveTrainOptions(dir, fs, recipe.names()); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := harness.RunOptions{Dir: dir, Data: dataDesc, LogEvery: *logEvery, CheckpointEvery: *ckptEvery, EvalEvery: *evalEvery, Budget: *budget,
		Logged: func(r harness.LogRecord) { fmt.Fprintln(c.stderr, formatLog(r, tr.Cfg.Steps)) }}
	if evalItems != nil {
		opts.Eval = harness.PeriodicEval(dir, evalItems, evalHeader, *evalBatch)
	}
	if err := tr.Run(ctx, opts); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "trained %d steps: %s, %s\n", tr.Step, filepath.Join(dir, harness.ModelFile), filepath.Join(dir, harness.LogFile))
	return nil
}

func formatLog(r harness.LogRecord, total int) string {
	if r.Step == 0 {
		if e, ok := r.Eval.(harness.TrainEvalSummary); ok {
			return fmt.Sprintf("untrained: eval exact %.4f, cells %.4f", e.Exact, e.Cells)
		}
	}
	line := fmt.Sprintf("step %d/%d  epoch %d  lr %.2e  loss %.4f (lm %.4f, q %.4f)  halted %d: exact %.3f, q acc %.3f, %.1f steps  %.1f ex/s",
		r.Step, total, r.Epoch, r.LR, r.Loss, r.LMLoss, r.QHaltLoss, r.Halted, r.ExactAccuracy, r.QHaltAccuracy, r.MeanSteps, r.ExamplesPerSec)
	if e, ok := r.Eval.(harness.TrainEvalSummary); ok {
		line += fmt.Sprintf("  | eval exact %.4f", e.Exact)
		if e.Cells > 0 {
			line += fmt.Sprintf(", cells %.4f", e.Cells)
		}
	}
	return line
}

// newRunFlags are the flags that set a new run's model, seed or length;
// --resume refuses them as it refuses the recipe flags (the checkpoint
// holds the run's own).
var newRunFlags = []string{"kind", "preset", "config", "override", "ablation", "seed", "steps", "micro-batch", "epochs-per-iter"}

// newTrainable makes a freshly initialised model of a kind whose sequence
// length, vocabulary and puzzle table fit the data, with the official
// initialisation (harness.NewTrainable).
func newTrainable(kind, preset, config, override string, ablate func(*trm.Config), data harness.TrainData, seed uint64) (models.Trainable, error) {
	s, err := modelSpec(kind, preset, config, override, ablate)
	if err != nil {
		return nil, err
	}
	m, err := harness.NewTrainable(s, data, seed)
	return m, cliError(err)
}

// modelSpec is the model of train's flags: --kind's registry family, and
// TRM's ablations (for a TRM config only).
func modelSpec(kind, preset, config, override string, ablate func(*trm.Config)) (harness.ModelSpec, error) {
	fam, err := registry.Lookup(kind)
	if err != nil {
		return harness.ModelSpec{}, usageError{"train: --kind: " + err.Error()}
	}
	s := harness.ModelSpec{Family: fam, Preset: preset, ConfigFile: config, Override: override}
	if ablate != nil {
		s.Ablate = func(c models.Config) {
			if tc, ok := c.(*trm.Config); ok {
				ablate(tc)
			}
		}
	}
	return s, nil
}

// trainableFromWeights rebuilds a checkpointed model of a kind.
func trainableFromWeights(kind string, config []byte, w map[string]models.Tensor) (models.Trainable, error) {
	fam, err := registry.Lookup(kind)
	if err != nil {
		return nil, fmt.Errorf("cannot train a %q model", kind)
	}
	return harness.TrainableFromCheckpoint(fam, config, w)
}
