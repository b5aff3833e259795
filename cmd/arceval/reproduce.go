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
	"arceval/models/nn"
	"arceval/reports"
	"arceval/results"
	"arceval/tasks"
)

// benchmarkProtocol is the paper's evaluation of one benchmark (trm-spec
// §7): which set, how many views, and the preset of its released model.
type benchmarkProtocol struct {
	set, fallback string // set name; a smaller stand-in when the set is absent
	preset        string
	buildSplit    bool // ARC: evaluate the official build's test split (its views and identifiers)
}

var protocols = map[string]benchmarkProtocol{
	"sudoku": {set: "sudoku-extreme/test", fallback: "sudoku-extreme/test-sample-1200", preset: "sudoku-mlp"},
	"maze":   {set: "maze-hard/test", preset: "maze-att"},
	"arc1":   {preset: "arc1-att", buildSplit: true},
	"arc2":   {preset: "arc2-att", buildSplit: true},
}

// reproWork states the work of a benchmark's whole protocol (the paper's
// TRM shape) and the command that estimates its time.
func reproWork(bench string) string {
	ps, err := harness.ReproPlan(bench)
	if err != nil || len(ps) == 0 {
		return fmt.Sprintf("`arceval bench --plan %s` estimates the time of the whole set", bench)
	}
	p := ps[0]
	return fmt.Sprintf("the whole set is %s views × %d steps = %s view-steps; `arceval bench --plan %s` estimates its time here and on N shards",
		commas(int64(p.Views)), p.Steps, commas(p.ViewSteps()), bench)
}

func runReproduce(c *cli, args []string) error {
	fs := c.newFlags("reproduce", `reproduce sudoku|maze|arc1|arc2 --model FILE|NAME [--build DIR] [--out DIR] [flags]

Evaluates a released (or your own) checkpoint with the protocol of the TRM
paper — every supervision step of the model (16 in the released ones); Sudoku-Extreme and Maze-Hard exact accuracy
on their test sets; ARC pass@2 by voting over the official build's
augmented views with the build's puzzle identifiers (build it with
`+"`arceval data build arc --out DIR`"+`; for ARC-AGI-2 with
--subsets training2,evaluation2,concept --test-set evaluation2, TRM's
172-input copy) — then prints the paper's tables with the runs in --out
whose recorded protocol is the paper's beside them, and the others apart
with what differs. --limit, --views and --shard cut the work to fit your
machines (such a run is listed apart); merge shards with `+"`arceval merge`"+`.
--model may name a released checkpoint (`+"`arceval models list`"+`): its
family and preset are used, and an ARC build is checked against its puzzle
table.`)
	model := fs.String("model", "", "checkpoint (official: the benchmark's preset is used unless --preset/--config), or a released checkpoint's name")
	fetchIt := fs.Bool("fetch", false, "download a released checkpoint named by --model into the model cache when it is not there yet")
	preset := fs.String("preset", "", "preset of an official checkpoint (default: the benchmark's)")
	config := fs.String("config", "", "official config file (e.g. the checkpoint's all_config.yaml)")
	build := fs.String("build", "", "ARC: the official build folder (identifiers.json, test/)")
	data := fs.String("data", "", "data root (default $ARCEVAL_DATA, else ./data)")
	out := fs.String("out", "reproduce", "directory of the run files")
	limit := fs.Int("limit", 0, "evaluate the first N tasks only")
	views := fs.Int("views", 0, "ARC: views per test input (default: all of the build's)")
	shard := fs.String("shard", "", "evaluate shard K/N")
	batch := fs.Int("batch", 8, "rows per model batch")
	precision := addPrecisionFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"reproduce: name one benchmark: sudoku, maze, arc1 or arc2"}
	}
	if *limit < 0 {
		return usageError{fmt.Sprintf("reproduce: --limit %d: want a number of tasks ≥ 1, or 0 for all of them", *limit)}
	}
	bench := fs.Arg(0)
	p, ok := protocols[bench]
	if !ok {
		return usageError{fmt.Sprintf("reproduce: unknown benchmark %q (want sudoku, maze, arc1 or arc2)", bench)}
	}
	if *model == "" {
		return usageError{"reproduce: --model is required"}
	}
	prec, err := parsePrecision("reproduce", *precision)
	if err != nil {
		return err
	}
	if entry := catalogName(*model); entry != nil {
		if entry.Benchmark != bench {
			return usageError{fmt.Sprintf("reproduce %s: %s is a %s checkpoint (reproduce %s --model %s)", bench, entry.Name, entry.Benchmark, entry.Benchmark, entry.Name)}
		}
		if p.buildSplit && *build == "" {
			return usageError{fmt.Sprintf("reproduce %s: --build DIR is required: %s", bench, buildHint(entry, "--build DIR"))}
		}
		p.preset = entry.Preset
	}
	set := p.set
	if p.buildSplit {
		if *build == "" {
			return usageError{fmt.Sprintf("reproduce %s: --build DIR (the official ARC build) is required: its views and puzzle identifiers are what the checkpoint was trained on", bench)}
		}
		set = filepath.Join(*build, "test")
	} else if _, err := tasks.LoadSet(tasks.DataRoot(*data), set); err != nil && p.fallback != "" {
		fmt.Fprintf(c.stderr, "%s is not available (%v); evaluating %s instead (a stratified sample: report estimates the full-test accuracy)\n", set, err, p.fallback)
		set = p.fallback
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	name := bench
	if prec != results.PrecisionFloat32 {
		name += "-" + shortPrecision(prec) // a bf16 run is its own run file
	}
	if *shard != "" {
		name += "-shard-" + strings.ReplaceAll(*shard, "/", "-of-")
	}
	runPath := filepath.Join(*out, name+".jsonl")
	fmt.Fprintf(c.stderr, "reproduce %s: %s, all the model's supervision steps (16 for the released models); %s\n", bench, set, reproWork(bench))
	// The evaluation is eval --resume --out RUN's: the benchmark's preset
	// unless a config is given; with a build, its first --views views.
	kind, evalPreset := "", *preset
	if *preset != "" || *config == "" {
		evalPreset = firstNonEmpty(*preset, p.preset)
	}
	mf := modelFlags{model: model, kind: &kind, preset: &evalPreset, config: config, fetch: fetchIt, precision: precision}
	entry, err := mf.resolve(c)
	if err != nil {
		return err
	}
	if err := checkBuild(entry, set); err != nil {
		return err
	}
	spec := harness.EvalSpec{
		ModelPath: *mf.model, DataRoot: tasks.DataRoot(*data), Set: set, Limit: *limit, Shard: *shard,
		Views: 1, PuzzleIDs: harness.IDsAuto, PuzzleIDArg: "auto", Batch: *batch, Out: runPath, Resume: true,
		Provenance: provenance(), Log: c.stderr, Open: openModel(c, mf, entry), Precision: prec,
	}
	if p.buildSplit {
		spec.Views = *views
	}
	if entry != nil {
		spec.Flags = map[string]any{"model_name": entry.Name}
	}
	nn.SetThreads(runtime.GOMAXPROCS(0))
	r, err := harness.OpenEval(spec)
	if err != nil {
		return cliError(err)
	}
	defer r.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := evaluate(ctx, c, r, "text", 0); err != nil {
		return err
	}
	if *shard != "" {
		return nil
	}
	fmt.Fprintln(c.stdout)
	return writeReport(c, []string{*out}, reportSpec{Format: reports.Text, Options: defaultStats, Paper: true, Gallery: defaultGallery, TaskViews: true})
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
