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

	"github.com/spf13/pflag"

	"arceval/harness"
	"arceval/models/nn"
	"arceval/models/registry"
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
	d := harness.DefaultTrainOptions()
	o := &d
	fs.StringVar(&o.Kind, "kind", o.Kind, "model family: "+registry.KindList())
	fs.StringVar(&o.Preset, "preset", "", "model preset (default: fitted to the data) — "+presetList())
	fs.StringVar(&o.ConfigFile, "config", "", "model config file (official dict, fixture JSON or all_config.yaml), over the preset")
	fs.StringVar(&o.Override, "override", "", `model config fields as inline JSON over preset and file, e.g. '{"hidden_size":64,"L_cycles":2}'`)
	set := fs.String("set", "", "training data: a built train split, or a set (name or path); ARC: several sets, comma-separated, are the subsets of one build in that order")
	fs.StringVar(&o.Data, "data", "", "data root (default $ARCEVAL_DATA, else ./data)")
	fs.IntVar(&o.NumAug, "num-aug", o.NumAug, "sets: augmented copies per puzzle, as the builders' --num-aug (-1: the official build's, ARC and Sudoku 1000, Maze 0); Maze: > 0 adds the 8 dihedral transforms; 0: originals only")
	fs.Uint32Var(&o.BuildSeed, "build-seed", o.BuildSeed, "sets: seed of the in-memory build (ARC: numpy seed of build_arc_dataset.py; Sudoku: the fixed augmentation pool)")
	fs.IntVar(&o.EpochsPerIter, "epochs-per-iter", 0, "epochs per sampler iteration (≥ 1), whose incomplete last batch is dropped (default: the recipe's, the official eval_interval: TRM ARC 10000, Sudoku/Maze 5000; HRM Sudoku/Maze 2000)")
	fs.Bool("augment", false, "replaced by --num-aug")
	fs.MarkHidden("augment")
	fs.StringVar(&o.EvalSet, "eval-set", "", "set evaluated every --eval-every steps and at the end (ARC: the build's test subset, see above)")
	fs.IntVar(&o.EvalLimit, "eval-limit", 0, "evaluate only the first N tasks of --eval-set")
	fs.IntVar(&o.EvalViews, "eval-views", o.EvalViews, "ARC: views per test input — of the test subset or a built split, the build's first N with their puzzle ids (0: all of them); of another set, N drawn views (0, 1: the original)")
	fs.BoolVar(&o.AllowEvalTestPairs, "allow-eval-test-pairs", false, "ARC: train on the test pairs of a known evaluation set that is not the test subset — leakage: the model sees the answers it would be scored on (e.g. a final model for another, hidden test set)")
	fs.IntVar(&o.EvalBatch, "eval-batch", o.EvalBatch, "rows per evaluation batch")
	out := fs.String("out", "", "run directory")
	resume := fs.String("resume", "", "continue the run in this directory")
	fs.IntVar(&o.Steps, "steps", o.Steps, "optimiser steps (the recipes above give the official runs' length)")
	fs.IntVar(&o.MicroBatch, "micro-batch", 0, "rows per model call (default: the global batch); gradients accumulate")
	bindRecipeFlags(fs, o)
	fs.Uint64Var(&o.Seed, "seed", 0, "seed of the weights, data order (members and examples drawn) and halt exploration; a set's augmented copies come from --build-seed")
	fs.IntVar(&o.LogEvery, "log-every", o.LogEvery, "steps between log records")
	fs.IntVar(&o.EvalEvery, "eval-every", 0, "steps between evaluations (0: at the end only)")
	fs.IntVar(&o.CheckpointEvery, "checkpoint-every", o.CheckpointEvery, "steps between checkpoints (also on interrupt and at the end)")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "GEMM goroutines")
	fs.StringVar(&o.Ablation, "ablation", "", "TRM ablations of the paper's Table 1, comma-separated: "+ablationNames()+", T<k>n<m>")
	fs.DurationVar(&o.Budget, "budget", 0, "stop after the step that ends past this wall time of this process (e.g. 2m), then evaluate and save; --resume restores it unless given")
	precision := fs.String("precision", "fp32", "fp32, or bf16: the network trains in bf16 (bf16 products with float32 sums, around float32 master weights, embedding, heads and losses) and evaluates in bf16; a resumed run keeps the precision it started with")
	if err := parse(fs, args); err != nil {
		return err
	}
	p, err := parsePrecision("train", *precision)
	if err != nil {
		return err
	}
	o.Precision = p
	if fs.Changed("augment") {
		return usageError{"train: --augment is replaced by --num-aug (0: no augmentation; default: the official build's)"}
	}
	if (*out == "") == (*resume == "") {
		return usageError{"train: give --out for a new run or --resume DIR"}
	}
	if *set != "" {
		o.Sets = strings.Split(*set, ",")
	}
	fs.Visit(func(f *pflag.Flag) { o.Give(f.Name) })
	spec := harness.TrainSpec{Dir: *out, Resume: *resume != "", Options: *o, Provenance: provenance(), Log: c.stderr}
	if spec.Resume {
		spec.Dir = *resume
	} else if o.Ablation != "" {
		var err error
		if spec.Ablation, err = ablationFor(o.Kind, o.Ablation); err != nil {
			return err
		}
	}
	nn.SetThreads(*threads)
	progress := newProgress(c.stderr)
	spec.Progress, spec.Done = progress.update, progress.done
	r, err := harness.OpenTrain(spec)
	if err != nil {
		return cliError(err)
	}
	defer r.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	tr := r.Trainer
	r.Spec.Logged = func(rec harness.LogRecord) { fmt.Fprintln(c.stderr, formatLog(rec, tr.Cfg.Steps)) }
	if err := r.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "trained %d steps: %s, %s\n", tr.Step, filepath.Join(r.Spec.Dir, harness.ModelFile), filepath.Join(r.Spec.Dir, harness.LogFile))
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

// TrainOptionsFile is the run folder's file of the run's options.
const TrainOptionsFile = harness.TrainOptionsFile
