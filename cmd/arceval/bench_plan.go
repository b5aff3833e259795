package main

import (
	"encoding/json"
	"fmt"
	"time"

	"arceval/harness"
	"arceval/results"
	"arceval/tasks"

	"github.com/spf13/pflag"
)

// planOptions are bench --plan's settings.
type planOptions struct {
	Benchmarks  []string      // reproduce's benchmark names, or "all"
	Shards      []int         // shard counts to estimate
	Budget      time.Duration // timing of one protocol's shape, over all batch sizes tried
	CountShards bool          // ARC: plan the build to count each shard's views
	Data        string        // data root (--data) for CountShards
	Format      string        // text or json
	MaxBatch    int
	Threads     int
	// Precision is the engine precision the shapes are timed in
	// (results.Precision…, from --precision); loadForPrecision is where a
	// model is made in it.
	Precision string
}

// addPlanFlags adds bench's --plan flags to fs; the returned options are
// filled in when fs is parsed.
func addPlanFlags(fs *pflag.FlagSet) *planOptions {
	o := &planOptions{}
	fs.StringSliceVar(&o.Benchmarks, "plan", nil, "print the work and estimated time of reproduce's faithful protocols instead: sudoku, maze, arc1, arc2 or all")
	fs.IntSliceVar(&o.Shards, "shards", []int{1, 100}, "--plan: shard counts to estimate")
	fs.DurationVar(&o.Budget, "plan-time", 8*time.Second, "--plan: timing budget of each model shape (batch sizes 1, 2, 4, … up to --batch)")
	fs.BoolVar(&o.CountShards, "count-shards", true, "--plan: count each ARC shard's views by planning the build from TRM's Kaggle files under --data (20–30 s of CPU per build; else tasks of the mean size are assumed)")
	fs.StringVar(&o.Data, "data", "", "--plan: data root (default $ARCEVAL_DATA, else ./data)")
	fs.StringVar(&o.Format, "format", "text", "--plan: output format: text|json")
	return o
}

// planConflicts refuses, with --plan, bench's flags that it does not use
// (its protocols choose the models, steps and timing) and, without it, the
// flags only --plan uses.
func planConflicts(fs *pflag.FlagSet, planning bool) error {
	for _, name := range []string{"kind", "preset", "steps", "reps", "torch", "torch-steps", "train"} {
		if planning && fs.Changed(name) {
			return usageError{fmt.Sprintf("bench --plan: --%s does not apply (each protocol's model, steps and timing are the plan's)", name)}
		}
	}
	for _, name := range []string{"shards", "plan-time", "count-shards", "data", "format"} {
		if !planning && fs.Changed(name) {
			return usageError{fmt.Sprintf("bench: --%s applies to --plan only", name)}
		}
	}
	return nil
}

// planEstimate is one protocol with the speed measured for its shape.
type planEstimate struct {
	harness.ReproProtocol
	Batch     int           // the batch timed fastest
	Rate      float64       // view-steps per second at Batch
	CPURate   float64       // view-steps per CPU-second × threads at Batch (0: not measured)
	Timed     time.Duration // time spent timing (all batches)
	LiveBytes int64         // Go heap of the model (one puzzle row) and its workspaces at Batch
	TableRest int64         // the protocol's puzzle table beyond that one row
	SameAs    string        // the protocol whose timing of the same shape this one uses ("": its own)
}

// Wall is the estimated model time of the whole protocol on this machine.
func (e planEstimate) Wall() time.Duration { return rateDuration(e.ViewSteps(), e.Rate) }

// MemoryBytes is the memory the protocol's evaluation needs: the model and
// workspaces as measured, the rest of its puzzle table, the set's tokens.
func (e planEstimate) MemoryBytes() int64 { return e.LiveBytes + e.TableRest + e.SetBytes() }

func rateDuration(viewSteps int64, rate float64) time.Duration {
	if rate <= 0 {
		return 0
	}
	return time.Duration(float64(viewSteps) / rate * float64(time.Second))
}

// planBenchmarks expands --plan's names ("all": every benchmark).
func planBenchmarks(names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		if n == "all" {
			for _, b := range harness.ReproBenchmarks {
				out = append(out, b.Name)
			}
			continue
		}
		if _, err := harness.LookupReproBenchmark(n); err != nil {
			return nil, usageError{"bench --plan: " + err.Error()}
		}
		out = append(out, n)
	}
	return out, nil
}

// benchPlan is bench --plan: for each benchmark's faithful protocols, the
// work, a throughput measured now for the model's shape, and the estimated
// time here and on N shards.
func benchPlan(c *cli, o planOptions) error {
	names, err := planBenchmarks(o.Benchmarks)
	if err != nil {
		return err
	}
	if o.Format != "text" && o.Format != "json" {
		return usageError{fmt.Sprintf("bench --format %q: want text or json", o.Format)}
	}
	if o.Budget <= 0 {
		return usageError{fmt.Sprintf("bench --plan-time %s: want a positive duration", o.Budget)}
	}
	for _, n := range o.Shards {
		if n < 1 {
			return usageError{fmt.Sprintf("bench --shards %d: want a number of shards ≥ 1", n)}
		}
	}
	if err := checkPrecision(o.Precision); err != nil {
		return err
	}
	load := loadAverage()
	peak := measuredPeak(o.Threads)
	var ests []planEstimate
	timed := map[string]planEstimate{}
	for _, name := range names {
		ps, err := harness.ReproPlan(name)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if o.CountShards {
				countShards(c, &p, tasks.DataRoot(o.Data))
			}
			key, err := shapeKey(p)
			if err != nil {
				return err
			}
			if prev, ok := timed[key]; ok { // the same model shape (another puzzle table): timed once
				e := prev
				e.ReproProtocol, e.TableRest, e.SameAs = p, p.WeightBytes()-(prev.WeightBytes()-prev.TableRest), prev.Kind+" "+prev.Preset
				ests = append(ests, e)
				continue
			}
			fmt.Fprintf(c.stderr, "timing %s %s (%s) for up to %s…\n", p.Kind, p.Preset, name, o.Budget)
			e, err := measurePlan(p, o)
			if err != nil {
				return fmt.Errorf("bench --plan %s, %s %s: %w", name, p.Kind, p.Preset, err)
			}
			timed[key] = e
			ests = append(ests, e)
		}
	}
	h := planHeader{Kernel: harness.Kernels(o.Precision), Threads: o.Threads, Peak: peak, Precision: o.Precision, Load: load + " at the start, " + loadAverage() + " at the end", Machine: harness.Machine()}
	if o.Format == "json" {
		return printBenchPlanJSON(c.stdout, h, ests, o.Shards)
	}
	return printBenchPlan(c.stdout, h, ests, o.Shards)
}

// shapeKey identifies a protocol's model shape: its family and config with
// a one-row puzzle table (the table's size does not change the work).
func shapeKey(p harness.ReproProtocol) (string, error) {
	fam, err := family(p.Kind)
	if err != nil {
		return "", err
	}
	cfg, err := benchConfig(fam, p.Preset)
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(cfg)
	return p.Kind + " " + string(raw), err
}

// countShards counts an ARC protocol's views per task from its build plan
// when the build's files are under root; without them (or on an error,
// which it prints) the shard estimates assume the mean task.
func countShards(c *cli, p *harness.ReproProtocol, root string) {
	b, _ := harness.LookupReproBenchmark(p.Benchmark)
	if b.Build == "" || p.ViewsBound {
		return
	}
	kb, _ := results.LookupBuildID(b.Build)
	if missing := harness.MissingBuildFiles(root, kb); len(missing) > 0 {
		fmt.Fprintf(c.stderr, "%s: shard sizes assume the mean task: %s is not there (--data DIR: a data root with TRM's Kaggle files)\n", p.Benchmark, missing[0])
		return
	}
	fmt.Fprintf(c.stderr, "planning %s to count each shard's views…\n", b.Build)
	start := time.Now()
	if err := p.CountBuildViews(root); err != nil {
		fmt.Fprintf(c.stderr, "%s: shard sizes assume the mean task: %v\n", p.Benchmark, err)
		return
	}
	fmt.Fprintf(c.stderr, "planned %s in %.1f s\n", b.Build, time.Since(start).Seconds())
}
