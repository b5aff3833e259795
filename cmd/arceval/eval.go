package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"

	"arceval/harness"
	"arceval/internal/atomicfile"
	"arceval/internal/runlock"
	"arceval/internal/userfile"
	"arceval/models"
	"arceval/models/nn"
	"arceval/results"
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
	shardK, shardN := 0, 0
	if *shard != "" {
		if shardK, shardN, err = results.ParseShard(*shard); err != nil {
			return usageError{err.Error()}
		}
		if *out == "" {
			return usageError{"eval: --shard needs --out (shards are merged from their run files)"}
		}
	}
	if *resume && *out == "" {
		return usageError{"eval: --resume needs --out"}
	}
	if *out != "" {
		// One writer per run file: a second eval on it (--resume or not)
		// is refused, naming the process that writes it.
		lock, err := runlock.Acquire(runlock.ForFile(*out), *out)
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	nn.SetThreads(*threads)

	m, err := mf.loadAny()
	if err != nil {
		return err
	}
	defer m.Close()
	info := m.Info()
	modelSum, err := fileSHA256(*mf.model)
	if err != nil {
		return err
	}
	if err := checkModelSum(c, entry, *mf.model, modelSum); err != nil {
		return err
	}
	var unknownIDs atomic.Int64
	vo := harness.ViewOptions{Views: *views, Seed: *seed, IDs: idMode, NumIDs: info.PuzzleIDs, Unknown: &unknownIDs}
	if *identifiers != "" {
		if info.PuzzleIDs == 0 {
			return usageError{fmt.Sprintf("eval: --identifiers: %s has no puzzle-embedding table", *mf.model)}
		}
		if vo.Identifiers, err = harness.ReadIdentifiers(*identifiers, info.PuzzleIDs); err != nil {
			return err
		}
	}
	es, err := harness.LoadEvalSet(tasks.DataRoot(*data), *set, vo)
	if err != nil {
		return err
	}
	kind := es.Kind
	if es.Identity.NoAnswers && *submission == "" && *out == "" {
		return usageError{fmt.Sprintf("eval: %s has no answers (a challenges file without solutions): nothing can be scored; pass --submission FILE (and/or --out) to keep the predictions", es.Name)}
	}
	if info.PuzzleIDs > 1 && idMode == harness.IDsAuto && *identifiers == "" && !es.Built {
		fmt.Fprintf(c.stderr, "warning: the model has a %d-row puzzle-embedding table but no identifiers were given; every view runs with the blank id 0 (pass --identifiers, a built split, or --puzzle-id blank to silence this)\n", info.PuzzleIDs)
	}
	items, subset, err := harness.Select(es.Items, *limit, *ids)
	if err != nil {
		return usageError{err.Error()}
	}
	selection := items // the whole selection, before sharding: the header's denominators
	tests := map[string]int{}
	for _, it := range items {
		tests[it.TaskID] = it.Tests
	}
	if shardN > 0 {
		items = harness.ShardOf(items, shardK, shardN)
	}
	// The protocol depends on the whole set only (never on the shard), so
	// that every shard of a run has the same header.
	proto := es.Protocol(info, harness.ProtocolOptions{Views: *views, IDs: idMode, Identifiers: *identifiers != "", Steps: *steps, Halt: *halt})
	h := newHeader(info, m.Config, es, selection, subset, *seed, proto)
	h.ModelSHA256, h.Shard = modelSum, *shard
	h.Flags = map[string]any{"halt": *halt, "puzzle_id": *puzzleIDs, "identifiers": *identifiers, "limit": *limit, "ids": strings.Join(*ids, ",")}
	if entry != nil {
		h.Flags["model_name"] = entry.Name // the catalog checkpoint evaluated
	}
	setName, effSteps := es.Name, proto.Steps
	if *dryRun {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return runPreflight(ctx, c, m, items, preflightRun{Header: h, Info: info, Batch: max(*batch, 1), Halt: *halt}, effSteps, *shards, *format)
	}

	var w *results.Writer
	done := map[string]bool{}
	var prior []results.Item
	if *out != "" {
		if _, statErr := os.Stat(*out); statErr == nil {
			if !*resume {
				return fmt.Errorf("%s exists: pass --resume to continue it, or choose another --out", *out)
			}
			if w, prior, err = results.Append(*out, h); err != nil {
				return err
			}
			for _, it := range prior {
				done[it.Key()] = true
			}
			fmt.Fprintf(c.stderr, "resuming %s: %d of %d test inputs already done\n", *out, len(prior), len(items))
		} else if w, err = results.Create(*out, h); err != nil {
			return err
		}
		defer w.Close()
	}
	var todo []*harness.Item
	for _, it := range items {
		if !done[it.Key()] {
			todo = append(todo, it)
		}
	}
	if subset != "" {
		fmt.Fprintf(c.stderr, "subset: %s\n", subset)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := newProgress(c.stderr)
	all := prior
	var timing harness.Timing
	err = harness.Evaluate(ctx, m, todo, harness.Options{Batch: *batch, Steps: effSteps, Halt: *halt, Timing: &timing,
		Progress: func(d, total int) { p.update("evaluating "+setName, d, total) }}, func(it results.Item) error {
		all = append(all, it)
		if w != nil {
			return w.Add(it)
		}
		return nil
	})
	p.done()
	if err != nil {
		if ctx.Err() != nil && *out != "" {
			return fmt.Errorf("interrupted after %d of %d test inputs; continue with the same flags and --resume", len(all), len(items))
		}
		return err
	}
	if w != nil {
		if err := w.Close(); err != nil {
			return err
		}
	}
	if n := unknownIDs.Load(); n > 0 {
		fmt.Fprintf(c.stderr, "warning: %d views have no puzzle identifier in %s and ran with the blank id 0 (their augmentations are not the training build's; evaluate the build's test split to use its exact views)\n", n, *identifiers)
	}
	if len(todo) > 0 {
		fmt.Fprintf(c.stderr, "evaluated %d test inputs in %.1f s: model %.1f s, harness overhead %.1f%%\n",
			len(todo), timing.Total.Seconds(), timing.Model.Seconds(), 100*timing.Overhead())
	}
	if *submission != "" {
		if kind != tasks.ARC {
			return usageError{"eval: --submission is for ARC sets"}
		}
		sub := harness.NewSubmission(all, tests)
		if err := atomicfile.Write(*submission, sub.Write); err != nil {
			return err
		}
	}
	if shardN > 0 {
		fmt.Fprintf(c.stdout, "shard %s: %d test inputs written to %s; merge all shards with `arceval merge`\n", *shard, len(all), *out)
		return nil
	}
	s, err := results.Score(h, all)
	if err != nil {
		return err
	}
	return printSummary(c.stdout, h, s, *format, *price)
}

// newHeader starts a run header: provenance (build, kernel, machine), the
// model, the selection of the set that is evaluated (its task and
// test-input counts are the scores' denominators) and the protocol (its
// views and steps are also the header's).
func newHeader(info models.Info, cfg json.RawMessage, es *harness.EvalSet, selection []*harness.Item, subset string, seed uint64, p results.Protocol) results.Header {
	bi := readBuildInfo()
	nTasks, nInputs := harness.Counts(selection)
	return results.Header{
		Version: bi.Version, Revision: bi.Revision, GoVersion: bi.GoVersion, Kernel: nn.Kernel(), Machine: machine(),
		ModelKind: info.Kind, ModelConfig: cfg, Set: es.Name, Fingerprint: es.Fingerprint, Seed: seed,
		TaskKind: es.Kind.String(), Tasks: nTasks, TestInputs: nInputs, Subset: subset, Views: p.Views, Steps: p.Steps,
		Protocol: &p, NoAnswers: es.Identity.NoAnswers,
	}
}

// isBuilt reports whether path is an official built split folder.
func isBuilt(path string) bool { return harness.IsBuilt(path) }

// builtFingerprint identifies a built split by its tokens.
func builtFingerprint(split *tasks.BuiltSplit) string { return harness.BuiltFingerprint(split) }

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

// machine describes where a run ran: OS/arch, CPU model and core count.
func machine() string {
	cpu := ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return strings.TrimSpace(fmt.Sprintf("%s/%s %d cores %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu))
}
