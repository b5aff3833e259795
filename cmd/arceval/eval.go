package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"arceval/harness"
	"arceval/internal/userfile"
	"arceval/models"
	"arceval/models/catalog"
	"arceval/models/nn"
	"arceval/tasks"
)

func runEval(c *cli, args []string) error {
	fs := c.newFlags("eval", `eval --model FILE|NAME [--preset NAME|--config FILE] --set NAME [flags]

Evaluates a model on a set and writes one JSONL record per test input to
--out (appended and flushed as items finish). ARC test inputs run as --views
augmented views whose inverse-transformed answers vote for the two attempts;
Sudoku and Maze puzzles run once. Scores are printed at the end (see
`+"`arceval score`"+`). A killed run continues with --resume; --shard K/N runs
a deterministic 1/N of the tasks for `+"`arceval merge`"+`. --model may name a
released checkpoint (`+"`arceval models list`"+`): its family and preset are
used, --set defaults to its benchmark's test set (an ARC checkpoint needs its
build's test split, whose puzzle identifiers are checked against it).
--dry-run checks the set and model, times a few steps and prints the work
(test inputs × views × steps) and the estimated wall time, here and for
--shards N machines.`)
	mf := addModelFlags(fs)
	set := fs.String("set", "", "set name (see `arceval data ls`), a task folder/file/CSV, or a built split folder (its exact views and identifiers)")
	data := fs.String("data", "", "data root (default $ARCEVAL_DATA, else ./data)")
	limit := fs.Int("limit", 0, "evaluate the first N tasks only")
	ids := fs.StringSlice("ids", nil, "evaluate only these task ids")
	steps := fs.Int("steps", 0, "supervision steps (default: the model's halt_max_steps, 16); more continues the recursion past the training depth")
	halt := fs.Bool("halt", false, "stop a view early when its q_halt > 0")
	views := fs.Int("views", 1, "ARC: augmented views per test input (1 = canonical only; with a built split, its first N views, 0 = all)")
	batch := fs.Int("batch", 8, "rows per model batch")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "GEMM goroutines")
	seed := fs.Uint64("seed", 0, "root seed of the ARC views and random puzzle ids")
	puzzleIDs := fs.String("puzzle-id", "auto", "puzzle identifiers: auto (the training build's, from a built split or --identifiers), blank (0) or random")
	identifiers := fs.String("identifiers", "", "identifiers.json of the model's training build (ARC models with puzzle embeddings)")
	shard := fs.String("shard", "", "evaluate shard K/N of the tasks")
	out := fs.String("out", "", "run file (JSONL) to write")
	resume := fs.Bool("resume", false, "continue an existing --out run file, skipping finished test inputs")
	submission := fs.String("submission", "", "ARC: also write an ARC Prize submission JSON (one entry per test input, both attempts); a set without answers (a challenges file without solutions: a hidden test set) is evaluated for it, with no scores")
	format := fs.String("format", "text", "summary format: text or json")
	price := priceFlag(fs)
	dryRun := fs.Bool("dry-run", false, "preflight: check the set and model, time a few steps and print the work and estimated wall time; evaluate nothing")
	shards := fs.Int("shards", 0, "with --dry-run: also estimate the time of each of N shards (eval --shard K/N on N machines)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *shards != 0 && !*dryRun {
		return usageError{"eval: --shards is for --dry-run (to run a shard, use --shard K/N)"}
	}
	if *shards < 0 {
		return usageError{fmt.Sprintf("eval: --shards %d: want N ≥ 1", *shards)}
	}
	if err := checkPrice("eval", *price); err != nil {
		return err
	}
	entry, err := mf.resolve(c)
	if err != nil {
		return err
	}
	if *set == "" {
		if entry == nil {
			return usageError{"eval: --set is required"}
		}
		if *set, err = defaultEvalSet(entry, tasks.DataRoot(*data)); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "evaluating %s on %s (its benchmark's test set)\n", entry.Name, *set)
	}
	if *format != "text" && *format != "json" {
		return usageError{"eval: --format must be text or json"}
	}
	if *steps < 0 || *steps > models.MaxHaltSteps {
		return usageError{fmt.Sprintf("eval: --steps %d: want 0 (the model's) to %d", *steps, models.MaxHaltSteps)}
	}
	if *limit < 0 {
		return usageError{fmt.Sprintf("eval: --limit %d: want a number of tasks ≥ 1, or 0 for all of them", *limit)}
	}
	idMode, err := harness.ParsePuzzleIDMode(*puzzleIDs)
	if err != nil {
		return usageError{err.Error()}
	}
	if idMode == harness.IDsAuto {
		if err := checkBuild(entry, *set); err != nil {
			return err
		}
	}
	spec := harness.EvalSpec{
		ModelPath: *mf.model, DataRoot: tasks.DataRoot(*data), Set: *set, Limit: *limit, IDs: *ids, Shard: *shard,
		Views: *views, Seed: *seed, PuzzleIDs: idMode, PuzzleIDArg: *puzzleIDs, Identifiers: *identifiers,
		Steps: *steps, Halt: *halt, Batch: *batch, Out: *out, Resume: *resume, Submission: *submission,
		Provenance: provenance(), Log: c.stderr,
	}
	if entry != nil {
		spec.Flags = map[string]any{"model_name": entry.Name} // the catalog checkpoint evaluated
	}
	if spec.Precision, err = mf.precisionName(); err != nil {
		return err
	}
	spec.Open = openModel(c, mf, entry)
	nn.SetThreads(*threads)
	r, err := harness.OpenEval(spec)
	if err != nil {
		return cliError(err)
	}
	defer r.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *dryRun {
		return runPreflight(ctx, c, r.Model.Model, r.Items, preflightRun{Header: r.Header, Info: r.Info, Batch: max(*batch, 1), Halt: *halt}, r.Steps, *shards, *format)
	}
	return evaluate(ctx, c, r, *format, *price)
}

// openModel opens the model named by mf (entry: its catalog checkpoint, or
// nil) for an evaluation: loaded, its file hashed and a catalog
// checkpoint's hash checked.
func openModel(c *cli, mf modelFlags, entry *catalog.Entry) func() (harness.OpenedModel, error) {
	return func() (harness.OpenedModel, error) {
		m, err := mf.loadAny(c.stderr)
		if err != nil {
			return harness.OpenedModel{}, err
		}
		sum, err := fileSHA256(*mf.model)
		if err == nil {
			err = checkModelSum(c, entry, *mf.model, sum)
		}
		if err != nil {
			m.Close()
			return harness.OpenedModel{}, err
		}
		return harness.OpenedModel{Model: m.Model, Config: m.Config, SHA256: sum, Close: m.Close}, nil
	}
}

// evaluate runs an opened evaluation with progress on stderr and prints
// its scores (a shard: where its records went).
func evaluate(ctx context.Context, c *cli, r *harness.EvalRun, format string, price float64) error {
	p := newProgress(c.stderr)
	r.Spec.Progress, r.Spec.Done = p.update, p.done
	res, err := r.Evaluate(ctx)
	if err != nil {
		return cliError(err)
	}
	if res.Summary == nil {
		fmt.Fprintf(c.stdout, "shard %s: %d test inputs written to %s; merge all shards with `arceval merge`\n", r.Spec.Shard, len(res.Items), r.Spec.Out)
		return nil
	}
	return printSummary(c.stdout, res.Header, *res.Summary, format, price)
}

// cliError reports a harness.OptionError as bad usage (exit code 2).
func cliError(err error) error {
	var oe harness.OptionError
	if errors.As(err, &oe) {
		return usageError{oe.Msg}
	}
	return err
}

// provenance is this build's version, revision and Go version.
func provenance() harness.Provenance {
	bi := readBuildInfo()
	return harness.Provenance{Version: bi.Version, Revision: bi.Revision, GoVersion: bi.GoVersion}
}

func fileSHA256(path string) (string, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
