package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"arceval/harness"
	"arceval/models"
	"arceval/models/act"
	"arceval/models/catalog"
	"arceval/models/nn"
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
	// Precision is the engine precision the shapes are timed in. Only
	// float32 exists today; a --precision flag passes its value here and
	// loadForPrecision is where a model is made in it.
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
	h := planHeader{Kernel: nn.Kernel(), Threads: o.Threads, Peak: peak, Precision: o.Precision, Load: load + " at the start, " + loadAverage() + " at the end", Machine: harness.Machine()}
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

// loadForPrecision makes a model of cfg (random weights) that runs in the
// given precision: the one place a precision reaches the timing.
func loadForPrecision(p harness.ReproProtocol, cfg models.Config, precision string) (models.Model, error) {
	if err := checkPrecision(precision); err != nil {
		return nil, err
	}
	fam, err := family(p.Kind)
	if err != nil {
		return nil, err
	}
	return fam.Load(cfg, act.InitTensors(cfg.Specs(), 1))
}

// checkPrecision refuses a precision loadForPrecision cannot make a model
// in (checked before any timing).
func checkPrecision(precision string) error {
	if precision != results.PrecisionFloat32 {
		return usageError{fmt.Sprintf("bench --plan: precision %q is not available (this build runs %s)", precision, results.PrecisionFloat32)}
	}
	return nil
}

// measurePlan times a protocol's model shape (random weights, a one-row
// puzzle table: its size does not change the work) at batch sizes 1, 2,
// 4, … up to o.MaxBatch while the next size fits in o.Budget, and keeps
// the fastest.
func measurePlan(p harness.ReproProtocol, o planOptions) (planEstimate, error) {
	e := planEstimate{ReproProtocol: p}
	fam, err := family(p.Kind)
	if err != nil {
		return e, err
	}
	cfg, err := benchConfig(fam, p.Preset)
	if err != nil {
		return e, err
	}
	e.TableRest = max(p.WeightBytes()-harness.ConfigBytes(cfg), 0)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := int64(ms.HeapAlloc)
	m, err := loadForPrecision(p, cfg, o.Precision)
	if err != nil {
		return e, err
	}
	sm, ok := m.(stepper)
	if !ok {
		return e, fmt.Errorf("a %s model has no evaluation step on a carry", m.Info().Kind)
	}
	start := time.Now()
	for B := 1; B <= max(o.MaxBatch, 1); B *= 2 {
		// Each size runs timed steps for an eighth of the budget (one at least).
		t, err := timeBatch(sm, m.Info(), B, o.Threads, o.Budget/8)
		if err != nil {
			return e, err
		}
		if t.Rate > e.Rate {
			e.Batch, e.Rate, e.CPURate, e.LiveBytes = B, t.Rate, t.CPURate, max(t.Live-base, 0)
		}
		// The next size costs a warm-up and a timed step of twice the rows.
		if t.Rate < e.Rate || time.Since(start)+4*t.Step > o.Budget {
			break
		}
	}
	e.Timed = time.Since(start)
	return e, nil
}

// batchTiming is one batch size's timing.
type batchTiming struct {
	Rate    float64       // view-steps per second of wall time
	CPURate float64       // view-steps per CPU-second of the process × threads: the rate with the cores to itself
	Live    int64         // live Go heap while the model and its workspaces are held
	Step    time.Duration // wall time of one step of the batch
}

// timeBatch runs a warm-up step on a batch of B rows, then timed steps for
// at least minDur (one at least).
func timeBatch(sm stepper, info models.Info, B, threads int, minDur time.Duration) (batchTiming, error) {
	S := info.SeqLen
	b := models.Batch{Inputs: make([]int32, B*S), PuzzleIDs: make([]int32, B)}
	for i := range b.Inputs {
		b.Inputs[i] = int32(1 + i%(info.Vocab-1))
	}
	out, ar := models.NewStepOutput(info, B), &nn.Arena{}
	s := sm.NewState(B)
	if err := sm.Step(s, b, out, models.StepOptions{}, ar); err != nil { // sizes the arena
		return batchTiming{}, err
	}
	steps, start, cpu := 0, time.Now(), harness.ProcessCPU()
	for steps == 0 || time.Since(start) < minDur {
		if steps%max(info.MaxSteps, 1) == 0 {
			s = sm.NewState(B)
		}
		if err := sm.Step(s, b, out, models.StepOptions{}, ar); err != nil {
			return batchTiming{}, err
		}
		steps++
	}
	sec, cpuSec := time.Since(start), (harness.ProcessCPU() - cpu).Seconds()
	t := batchTiming{Rate: float64(B*steps) / sec.Seconds(), Step: sec / time.Duration(steps)}
	if cpuSec > 0 {
		t.CPURate = float64(B*steps) / (cpuSec / float64(max(threads, 1)))
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(s)
	runtime.KeepAlive(out)
	runtime.KeepAlive(ar)
	t.Live = int64(ms.HeapAlloc)
	return t, nil
}

// planHeader is the setting the estimates were measured in.
type planHeader struct {
	Kernel    string
	Threads   int
	Peak      float64
	Precision string
	Load      string // /proc/loadavg: the machine is shared
	Machine   string
}

// printBenchPlan prints each protocol's work, speed, memory and time, then
// a summary table.
func printBenchPlan(w io.Writer, h planHeader, ests []planEstimate, shards []int) error {
	fmt.Fprintf(w, "plan: kernel %s, %d threads, measured FMA peak %.0f GFLOP/s, %s, on %s (load average %s)\n",
		h.Kernel, h.Threads, h.Peak, h.Precision, h.Machine, h.Load)
	for _, e := range ests {
		fmt.Fprintf(w, "\n%s · %s\n", e.Benchmark, modelName(e.ReproProtocol))
		bound := ""
		if e.ViewsBound {
			bound = "at most "
		}
		fmt.Fprintf(w, "  set      %s: %s tasks, %s test inputs, %s%s views (%.1f per test input)\n",
			e.Set, commas(int64(e.Tasks)), commas(int64(e.TestInputs)), bound, commas(int64(e.Views)), float64(e.Views)/float64(e.TestInputs))
		fmt.Fprintf(w, "           %s\n", e.Source)
		flop := e.FLOPsPerViewStep()
		fmt.Fprintf(w, "  work     %s views × %d steps (no early halt) = %s view-steps × %.2f GFLOP = %s\n",
			commas(int64(e.Views)), e.Steps, commas(e.ViewSteps()), flop/1e9, flopText(flop*float64(e.ViewSteps())))
		g := flop * e.Rate / 1e9
		pct := ""
		if h.Peak > 0 {
			pct = fmt.Sprintf(", %.0f%% of peak", 100*g/h.Peak)
		}
		timing := fmt.Sprintf("timed for %.1f s", e.Timed.Seconds())
		if e.SameAs != "" {
			timing = "the timing of " + e.SameAs + ", the same shape"
		}
		fmt.Fprintf(w, "  speed    %.3f view-steps/s at batch %d (%.0f GFLOP/s%s), %s\n", e.Rate, e.Batch, g, pct, timing)
		if e.CPURate > 0 {
			fmt.Fprintf(w, "           %.3f view-steps per CPU-second × %d threads: %s with the cores to itself (idle)\n", e.CPURate, h.Threads, longDuration(rateDuration(e.ViewSteps(), e.CPURate)))
		}
		table := ""
		if e.TableRest > 0 {
			table = fmt.Sprintf(" + the puzzle table's %s rows %s", commas(int64(e.PuzzleRows)), bytesText(e.TableRest))
		}
		fmt.Fprintf(w, "  memory   ≈ %s: model + workspaces at batch %d %s (measured)%s + the set's tokens %s\n",
			bytesText(e.MemoryBytes()), e.Batch, bytesText(e.LiveBytes), table, bytesText(e.SetBytes()))
		fmt.Fprintf(w, "  time     %s on this machine (model time)\n", longDuration(e.Wall()))
		for _, n := range shards {
			if n <= 1 {
				continue
			}
			v, exact := e.ShardViews(n)
			approx, how := "", ""
			switch {
			case e.ViewsBound:
				approx, how = "≈ ", "; the most views per test input and tasks of the mean size assumed"
			case !exact:
				approx, how = "≈ ", "; tasks of the mean size assumed"
			case e.TaskViews != nil:
				how = "; counted from the build plan"
			}
			idle := ""
			if e.CPURate > 0 {
				idle = fmt.Sprintf(" (idle: %s%s)", approx, longDuration(rateDuration(int64(v)*int64(e.Steps), e.CPURate)))
			}
			fmt.Fprintf(w, "  shards   %d: %s%s%s on each of %d machines like this one (the largest shard: %s%s views%s)\n",
				n, approx, longDuration(rateDuration(int64(v)*int64(e.Steps), e.Rate)), idle, n, approx, commas(int64(v)), how)
			fmt.Fprintf(w, "           shard i: %s\n", reproCommand(e.ReproProtocol, fmt.Sprintf("--shard i/%d", n)))
			fmt.Fprintf(w, "           then:    arceval merge reproduce/%s-shard-*-of-%d.jsonl --out reproduce/%s.jsonl\n", e.Benchmark, n, e.Benchmark)
		}
	}
	fmt.Fprintf(w, "\n%-9s %-30s %11s %6s %14s %9s %6s %13s %12s %12s", "benchmark", "model", "views", "steps", "view-steps", "PFLOP", "batch", "view-steps/s", "here", "here (idle)")
	for _, n := range shards {
		if n > 1 {
			fmt.Fprintf(w, " %12s", fmt.Sprintf("%d shards", n))
		}
	}
	fmt.Fprintf(w, " %9s\n", "memory")
	for _, e := range ests {
		views := commas(int64(e.Views))
		if e.ViewsBound {
			views = "≤ " + views
		}
		idle := "-"
		if e.CPURate > 0 {
			idle = longDuration(rateDuration(e.ViewSteps(), e.CPURate))
		}
		fmt.Fprintf(w, "%-9s %-30s %11s %6d %14s %9.3f %6d %13.3f %12s %12s", e.Benchmark, e.Kind+" "+e.Preset, views, e.Steps, commas(e.ViewSteps()),
			e.FLOPsPerViewStep()*float64(e.ViewSteps())/1e15, e.Batch, e.Rate, longDuration(e.Wall()), idle)
		for _, n := range shards {
			if n > 1 {
				v, _ := e.ShardViews(n)
				fmt.Fprintf(w, " %12s", longDuration(rateDuration(int64(v)*int64(e.Steps), e.Rate)))
			}
		}
		fmt.Fprintf(w, " %9s\n", bytesText(e.MemoryBytes()))
	}
	return nil
}

// modelName names a protocol's model: family, preset and the released
// checkpoint, if any.
func modelName(p harness.ReproProtocol) string {
	s := p.Kind + " " + p.Preset
	if p.Checkpoint != "" {
		return s + " (checkpoint " + p.Checkpoint + ")"
	}
	return s + " (the paper's shape; no released checkpoint)"
}

// reproCommand is the reproduce command of a protocol with extra flags.
func reproCommand(p harness.ReproProtocol, extra string) string {
	model := "MODEL"
	if p.Checkpoint != "" {
		model = p.Checkpoint
	}
	cmd := fmt.Sprintf("arceval reproduce %s --model %s", p.Benchmark, model)
	b, _ := harness.LookupReproBenchmark(p.Benchmark)
	if b.Build != "" {
		cmd += " --build " + buildDir(p.Checkpoint)
	}
	if extra == "" {
		return cmd
	}
	return cmd + " " + extra
}

// buildDir is the folder a checkpoint's build command writes (its --out),
// or BUILD when arceval cannot write the build.
func buildDir(checkpoint string) string {
	e, ok := catalog.Lookup(checkpoint)
	if !ok {
		return "BUILD"
	}
	f := strings.Fields(e.Build.Command)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "--out" {
			return f[i+1]
		}
	}
	return "BUILD"
}

// loadAverage is /proc/loadavg's 1, 5 and 15 minute averages, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

// longDuration formats an estimate that may run to days.
func longDuration(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%.1f days", d.Hours()/24)
	}
	return humanDuration(d)
}

// commas writes an integer with thousands separators.
func commas(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// flopText formats a FLOP count in TFLOP or PFLOP.
func flopText(f float64) string {
	if f >= 1e18 {
		return fmt.Sprintf("%.2f EFLOP", f/1e18)
	}
	if f >= 1e15 {
		return fmt.Sprintf("%.2f PFLOP", f/1e15)
	}
	return fmt.Sprintf("%.2f TFLOP", f/1e12)
}

// bytesText formats a byte count in MB or GB (SI).
func bytesText(n int64) string {
	if n >= 1e9 {
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	}
	return fmt.Sprintf("%.0f MB", float64(n)/1e6)
}
