package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"arceval/harness"
	"arceval/models/nn"
	"arceval/reports"
	"arceval/tasks"
	"arceval/tasks/gen"
)

// quickModel is one contestant of the quickstart.
type quickModel struct {
	name, kind, preset, override string
}

// quickSetting is a small benchmark the quickstart generates and the model
// sizes it trains on it. Every model gets the same recipe (quickRecipe with
// the same optimiser steps, batch, learning rate, weight decay and EMA): an
// equal budget of training examples, as the paper compares its models at
// equal epochs, and no model gains or loses from its family's official
// recipe (HRM's has no EMA).
type quickSetting struct {
	task          string          // data gen kind
	maze          gen.MazeOptions // the generated mazes
	nTrain, nTest int
	steps, batch  int
	lr            float64
	models        []quickModel
}

// quickSettings are the built-in settings: "maze" is the quickstart's,
// "ci" a tiny one that trains in well under two minutes for the CI gate.
// quickRecipe is the recipe every contestant starts from, named so that
// no family's default recipe applies; the flags below override its lr,
// warm-up, weight decay and EMA for the small setting.
const quickRecipe = "trm-maze"

var quickSettings = map[string]quickSetting{
	"maze": {
		task: "maze", maze: gen.MazeOptions{N: 6, MinPathLen: 4}, nTrain: 1000, nTest: 500, steps: 1200, batch: 64, lr: 1e-3,
		models: []quickModel{
			// TRM-MLP first: the MLP baseline is its network without the
			// recursion, so that pair isolates what recursion buys.
			{"TRM", "trm", "sudoku-mlp", `{"hidden_size":64,"H_cycles":2,"L_cycles":2,"L_layers":2,"halt_max_steps":6,"puzzle_emb_ndim":0}`},
			{"TRM-Att", "trm", "maze-att", `{"hidden_size":64,"num_heads":4,"H_cycles":2,"L_cycles":2,"L_layers":2,"halt_max_steps":6,"puzzle_emb_ndim":0}`},
			{"HRM", "hrm", "maze-30x30-hard", `{"hidden_size":64,"num_heads":4,"H_cycles":2,"L_cycles":2,"H_layers":2,"L_layers":2,"halt_max_steps":6,"puzzle_emb_ndim":0}`},
			{"Direct", "transformer_baseline", "maze", `{"hidden_size":64,"num_heads":4,"H_layers":2,"halt_max_steps":6,"puzzle_emb_ndim":0}`},
			{"MLP", "mlp_baseline", "", `{"hidden_size":64,"puzzle_emb_ndim":0}`},
		},
	},
	"ci": {
		task: "maze", maze: gen.MazeOptions{N: 6, MinPathLen: 4}, nTrain: 1000, nTest: 300, steps: 1000, batch: 64, lr: 1.5e-3,
		models: []quickModel{
			{"TRM", "trm", "sudoku-mlp", `{"hidden_size":48,"H_cycles":2,"L_cycles":2,"L_layers":2,"halt_max_steps":6,"puzzle_emb_ndim":0}`},
		},
	},
}

func runQuickstart(c *cli, args []string) error {
	fs := c.newFlags("quickstart", `quickstart [--setting maze] [--out DIR] [--seed S] [--budget 10m]

Runs the paper's comparison at laptop scale with no download: generates
1,000 training and 500 test 6×6 mazes with the built-in generator, trains
TRM (the MLP-mixer variant, and the attention variant), HRM, the
direct-prediction transformer and the MLP baseline for the same number of
optimiser steps on the same data and seed, evaluates all five on the
held-out mazes, and prints the comparison (exact accuracy with 95% CIs,
paired McNemar tests against TRM). Writes the data, run directories, run files and
report.html under --out. --budget caps the whole run's wall time: each
model's speed is measured first (a few timed steps), and when the steps do
not fit the budget the step count is lowered for all models alike, so they
are still compared at equal training; the header says so. --budget 0: no cap.`)
	setting := fs.String("setting", "maze", "built-in setting: maze, or ci (TRM only, smaller: the CI accuracy gate)")
	out := fs.String("out", "quickstart", "output directory")
	seed := fs.Uint64("seed", 1, "seed of the data, weights and training")
	budget := fs.Duration("budget", 10*time.Minute, "wall-time cap of the whole run (0: none); every model's steps are scaled down alike to fit it")
	steps := fs.Int("steps", 0, "optimiser steps per model (default: the setting's)")
	models := fs.StringSlice("models", nil, "only these contestants (e.g. TRM,MLP)")
	nTrain := fs.Int("train-size", 0, "training puzzles (default: the setting's)")
	nTest := fs.Int("test-size", 0, "test puzzles (default: the setting's)")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, ok := quickSettings[*setting]
	if !ok {
		return usageError{fmt.Sprintf("quickstart: unknown setting %q (want maze or ci)", *setting)}
	}
	if *steps > 0 {
		st.steps = *steps
	}
	if *nTrain > 0 {
		st.nTrain = *nTrain
	}
	if *nTest > 0 {
		st.nTest = *nTest
	}
	if len(*models) > 0 {
		var keep []quickModel
		for _, m := range st.models {
			for _, name := range *models {
				if strings.EqualFold(name, m.name) {
					keep = append(keep, m)
				}
			}
		}
		if len(keep) == 0 {
			return usageError{"quickstart: --models names none of the setting's models"}
		}
		st.models = keep
	}
	start := quickNow()
	dataDir, trainDir, runDir := filepath.Join(*out, "data"), filepath.Join(*out, "train"), filepath.Join(*out, "runs")
	for _, d := range []string{dataDir, trainDir, runDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	q := quickRun{setting: st, seed: *seed, trainDir: trainDir,
		trainCSV: filepath.Join(dataDir, st.task+"-train.csv"), testCSV: filepath.Join(dataDir, st.task+"-test.csv")}
	fmt.Fprintf(c.stderr, "quickstart (%s): generating %d training and %d test %ss (seed %d) …\n", *setting, st.nTrain, st.nTest, st.task, *seed)
	for _, f := range []struct {
		path string
		n    int
		seed uint64
	}{{q.trainCSV, st.nTrain, *seed}, {q.testCSV, st.nTest, *seed + 1000}} {
		var errOut strings.Builder
		g := genSpec{N: f.n, Seed: f.seed, Out: f.path, Threads: runtime.GOMAXPROCS(0), Maze: st.maze}
		if err := genPuzzles(&cli{stdout: io.Discard, stderr: &errOut}, st.task, g); err != nil {
			return fmt.Errorf("data gen: %w\n%s", err, errOut.String())
		}
	}
	// Every model trains the same number of steps. Under a budget the
	// speeds are measured first, and when the setting's steps do not fit,
	// the count is lowered for all alike (rather than cutting the later
	// models short), and the header says so.
	planned := st.steps
	var speeds []quickSpeed
	var names []string
	if *budget > 0 {
		fmt.Fprintf(c.stderr, "measuring each model's speed (%d training steps and a short evaluation each) …\n", quickProbeSteps)
		for _, m := range st.models {
			measure := quickMeasure
			if measure == nil {
				measure = measureSpeed
			}
			sp, err := measure(q, m)
			if err != nil {
				return fmt.Errorf("quickstart: measuring %s: %w", m.name, err)
			}
			speeds, names = append(speeds, sp), append(names, m.name)
			fmt.Fprintf(c.stderr, "  %-7s %.3g s per step, %v to start and save, %v to evaluate\n", m.name, sp.PerStep.Seconds(), sp.Setup.Round(100*time.Millisecond), sp.Eval.Round(100*time.Millisecond))
		}
		var err error
		if planned, err = planSteps(st.steps, speeds, *budget-quickNow().Sub(start)); err != nil {
			return fmt.Errorf("quickstart: --budget %v: %w", *budget, err)
		}
		if planned < st.steps {
			fmt.Fprintf(c.stderr, "the --budget %v fits %d of %d steps at these speeds: every model trains %d\n", *budget, planned, st.steps, planned)
		}
	}
	var runs, cuts []string
	for i, m := range st.models {
		dir := filepath.Join(trainDir, strings.ToLower(m.name))
		os.RemoveAll(dir)
		spec := q.trainSpec(m, planned, dir, 1000000)
		limit := ""
		if *budget > 0 {
			// A safety cap only: the plan fits the budget with a margin,
			// but a machine that slows down must not overrun it. A model
			// it cuts is named in the header.
			later := speeds[i].Eval
			for _, sp := range speeds[i+1:] {
				later += sp.need(planned)
			}
			left := *budget - quickNow().Sub(start) - later
			if left <= 0 {
				return fmt.Errorf("quickstart: the --budget %v ran out before %s", *budget, m.name)
			}
			spec.Options.Budget = left
			spec.Options.Give("budget")
			limit = fmt.Sprintf(", at most %v", left.Round(time.Second))
		}
		t0 := time.Now()
		fmt.Fprintf(c.stderr, "training %-6s (%s) for %d steps of %d examples%s …", m.name, m.kind, planned, st.batch, limit)
		done, err := quickTrain(spec)
		if err != nil {
			fmt.Fprintln(c.stderr)
			return err
		}
		note := ""
		if done < planned {
			note = fmt.Sprintf(" — stopped by the budget after %d of %d steps", done, planned)
			cuts = append(cuts, fmt.Sprintf("%s stopped by the budget after %d of %d steps", m.name, done, planned))
		}
		fmt.Fprintf(c.stderr, " %v%s\n", time.Since(t0).Round(time.Second), note)
		runPath := filepath.Join(runDir, strings.ToLower(m.name)+".jsonl")
		os.Remove(runPath)
		if err := quickEval(filepath.Join(dir, "model.safetensors"), q.testCSV, 0, runPath); err != nil {
			return err
		}
		runs = append(runs, runPath)
	}
	fmt.Fprintf(c.stdout, "\nQuickstart %q: %d training / %d test %ss, %s, seed %d (%v in all)\n",
		*setting, st.nTrain, st.nTest, st.task, planNote(planned, st.steps, st.batch, *budget, names, speeds), *seed, quickNow().Sub(start).Round(time.Second))
	for _, cut := range cuts {
		fmt.Fprintf(c.stdout, "warning: %s: the models are not compared at equal training\n", cut)
	}
	fmt.Fprintln(c.stdout)
	if err := writeReport(c, runs, reportSpec{Format: reports.Text, Options: defaultStats}); err != nil {
		return err
	}
	for _, r := range runs[1:] {
		fmt.Fprintf(c.stdout, "\n%s vs %s (A = TRM):\n", filepath.Base(r), filepath.Base(runs[0]))
		o := defaultStats
		o.Alpha = defaultAlpha
		if err := compareRuns(c, []string{runs[0], r}, o, reports.Text, false); err != nil {
			return err
		}
	}
	html := filepath.Join(*out, "report.html")
	var errOut strings.Builder
	rs := reportSpec{Format: reports.Text, Options: defaultStats, HTML: html, Title: "arceval quickstart", Gallery: defaultGallery, TaskViews: true}
	if err := writeReport(&cli{stdout: io.Discard, stderr: &errOut}, runs, rs); err != nil {
		return fmt.Errorf("report --html: %w\n%s", err, errOut.String())
	}
	fmt.Fprintf(c.stdout, "\nrun files in %s, report %s\n", runDir, html)
	return nil
}

// quickTrain trains one contestant's run folder and returns the steps it
// trained; the run's notes and log lines are not for the reader and are
// returned in the error.
func quickTrain(spec harness.TrainSpec) (int, error) {
	var errOut strings.Builder
	spec.Log, spec.Provenance = &errOut, provenance()
	nn.SetThreads(runtime.GOMAXPROCS(0))
	r, err := harness.OpenTrain(spec)
	if err == nil {
		defer r.Close()
		r.Spec.Logged = func(rec harness.LogRecord) { fmt.Fprintln(&errOut, formatLog(rec, r.Trainer.Cfg.Steps)) }
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		err = r.Run(ctx)
	}
	if err != nil {
		return 0, fmt.Errorf("train --kind: %w\n%s", cliError(err), errOut.String())
	}
	return r.Trainer.Step, nil
}

// quickEval evaluates a trained model file on a set (its first limit
// tasks; 0: all) in batches of 64, into the run file out ("" none), as
// eval does with those flags; its notes are returned in the error, as
// quickTrain returns a run's.
func quickEval(model, set string, limit int, out string) error {
	var errOut strings.Builder
	c := &cli{stdout: io.Discard, stderr: &errOut}
	kind, preset, config, fetch := "", "", "", false
	mf := modelFlags{model: &model, kind: &kind, preset: &preset, config: &config, fetch: &fetch}
	spec := harness.EvalSpec{
		ModelPath: model, DataRoot: tasks.DataRoot(""), Set: set, Limit: limit, Views: 1,
		PuzzleIDs: harness.IDsAuto, PuzzleIDArg: "auto", Batch: 64, Out: out,
		Provenance: provenance(), Log: c.stderr, Open: openModel(c, mf, nil),
	}
	nn.SetThreads(runtime.GOMAXPROCS(0))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if _, err := harness.EvaluateRun(ctx, spec); err != nil {
		return fmt.Errorf("eval --model: %w\n%s", cliError(err), errOut.String())
	}
	return nil
}

// quickRun is one quickstart's data and setting.
type quickRun struct {
	setting           quickSetting
	seed              uint64
	trainDir          string
	trainCSV, testCSV string
}

// trainSpec is the training run of one contestant: the same recipe,
// data, seed and step count for every model.
func (q quickRun) trainSpec(m quickModel, steps int, dir string, logEvery int) harness.TrainSpec {
	st := q.setting
	o := harness.DefaultTrainOptions()
	o.Kind, o.Override, o.Preset, o.Sets, o.Recipe = m.kind, m.override, m.preset, []string{q.trainCSV}, quickRecipe
	o.Steps, o.GlobalBatch, o.LR, o.Warmup, o.WeightDecay, o.EMA, o.Seed = steps, st.batch, st.lr, 20, 0.1, 0.99, q.seed
	o.LogEvery, o.CheckpointEvery = logEvery, 0
	// Each generated maze with its 8 dihedral transforms (the official
	// maze build has none; on 1000 small mazes they help every model).
	o.NumAug = 7
	o.Give("kind", "override", "set", "recipe", "steps", "batch", "lr", "warmup", "weight-decay", "ema", "seed",
		"log-every", "checkpoint-every", "num-aug")
	if m.preset != "" {
		o.Give("preset")
	}
	return harness.TrainSpec{Dir: dir, Options: o}
}

// quickNow and quickMeasure are the quickstart's clock and speed
// measurement; tests replace them, so that no test depends on the speed of
// the machine it runs on.
var (
	quickNow     = time.Now
	quickMeasure func(quickRun, quickModel) (quickSpeed, error) // nil: measureSpeed
)

// quickProbeSteps is how many steps the speed measurement trains.
const quickProbeSteps = 6

// quickProbeEval is how many test puzzles the measurement evaluates.
const quickProbeEval = 32

// measureSpeed trains a contestant for a few steps (in a scratch folder,
// removed after) and evaluates it on a few test puzzles, and times both.
func measureSpeed(q quickRun, m quickModel) (quickSpeed, error) {
	dir := filepath.Join(q.trainDir, ".speed-"+strings.ToLower(m.name))
	os.RemoveAll(dir)
	defer os.RemoveAll(dir)
	t0 := time.Now()
	if _, err := quickTrain(q.trainSpec(m, quickProbeSteps, dir, 1)); err != nil {
		return quickSpeed{}, err
	}
	wall := time.Since(t0)
	perStep, _, err := stepTimes(dir)
	if err != nil {
		return quickSpeed{}, err
	}
	n := min(q.setting.nTest, quickProbeEval)
	t1 := time.Now()
	if err := quickEval(filepath.Join(dir, "model.safetensors"), q.testCSV, n, ""); err != nil {
		return quickSpeed{}, err
	}
	evalTime := time.Since(t1) * time.Duration(q.setting.nTest) / time.Duration(n)
	return quickSpeed{Setup: max(wall-quickProbeSteps*perStep, 0), PerStep: perStep, Eval: evalTime}, nil
}
