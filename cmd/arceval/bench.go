package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"arceval/harness"
	"arceval/models"
	"arceval/models/act"
	"arceval/models/nn"
	"arceval/models/registry"
	"arceval/results"
)

// torchTasks maps presets ("kind/preset") to the task names of the PyTorch
// speed anchor, which runs TRM.
var torchTasks = map[string]string{"trm/sudoku-mlp": "sudoku", "trm/sudoku-att": "sudoku-att", "trm/maze-att": "maze", "trm/arc1-att": "arc", "trm/arc2-att": "arc"}

func runBench(c *cli, args []string) error {
	fs := c.newFlags("bench", `bench [--kind KIND] [--preset NAME ...] [--batch B] [--steps N] [--torch SCRIPT]
       bench --plan sudoku,maze,arc1,arc2|all [--shards 1,100] [--batch MAX]

Times full evaluation runs (every row for --steps supervision steps, 16 by
default) of a model family (TRM by default) at its released shapes with
random weights, and prints puzzles/s, GFLOP/s, % of the machine's measured
FMA peak, peak memory and the GEMM kernel in use. With --torch, runs the
PyTorch speed anchor (shared/tools/torch_trm_bench.py) on the same TRM
shape in the same run and prints the ratio. With --plan, prints the work of
reproduce's faithful protocols (views × steps, FLOPs, memory), times each
model shape for a few seconds at the fastest batch and estimates the time
on this machine and on --shards machines.`)
	kind := fs.String("kind", "trm", "model family: "+registry.KindList())
	presets := fs.StringSlice("preset", []string{"sudoku-mlp"}, "presets to time — "+presetList())
	batch := fs.Int("batch", 8, "puzzles per batch")
	steps := fs.Int("steps", 16, "supervision steps per run")
	reps := fs.Int("reps", 1, "timed runs (after one warm-up step)")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "GEMM goroutines")
	torch := fs.String("torch", "", "path of torch_trm_bench.py to run for a side-by-side ratio (needs python3-torch)")
	torchSteps := fs.Int("torch-steps", 2, "supervision steps the torch script times")
	train := fs.Bool("train", false, "time training steps (forward + backward + Adam-atan2 + EMA) instead: examples/s")
	precFlag := fs.StringSlice("precision", []string{"fp32"}, "forward-pass precisions to time: fp32, bf16 or both (fp32,bf16: timed alternately, bf16's speed-up over fp32 printed); "+
		"--plan takes one")
	plan := addPlanFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *batch < 1 || *steps < 1 || *reps < 1 {
		return usageError{"bench: --batch, --steps and --reps must be ≥ 1"}
	}
	fam, err := family(*kind)
	if err != nil {
		return err
	}
	nn.SetThreads(*threads)
	if err := planConflicts(fs, len(plan.Benchmarks) > 0); err != nil {
		return err
	}
	var precs []string
	for _, p := range *precFlag {
		rp, err := parsePrecision("bench", p)
		if err != nil {
			return err
		}
		if slices.Contains(precs, rp) {
			return usageError{fmt.Sprintf("bench: --precision %s: %s given twice", strings.Join(*precFlag, ","), p)}
		}
		precs = append(precs, rp)
	}
	if len(precs) == 0 {
		precs = []string{results.PrecisionFloat32}
	}
	if len(plan.Benchmarks) > 0 {
		if len(precs) != 1 {
			return usageError{"bench --plan: --precision takes one precision"}
		}
		plan.MaxBatch, plan.Threads = *batch, *threads
		plan.Precision = precs[0]
		if err := warnBF16(c, precs); err != nil {
			return err
		}
		return benchPlan(c, *plan)
	}
	peak := measuredPeak(*threads)
	fmt.Fprintf(c.stdout, "kernel %s, %d threads, measured FMA peak %.0f GFLOP/s\n", nn.Kernel(), *threads, peak)
	if slices.Contains(precs, results.PrecisionBF16) {
		fmt.Fprintf(c.stdout, "bf16 kernel %s, measured bf16 multiply-add peak %.0f GFLOP/s (%%peak stays relative to the FMA peak)\n", nn.BF16Kernel(), measuredPeakOf(nn.PeakGFLOPSBF16, *threads))
	}
	fmt.Fprintln(c.stdout)
	if *train {
		if err := warnBF16(c, precs); err != nil {
			return err
		}
		return benchTraining(c, fam, *presets, precs, *batch, *reps, *threads, *torch, *torchSteps)
	}
	if err := warnBF16(c, precs); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%-12s %5s %6s %10s %9s %8s %9s %12s %8s %5s %10s %16s\n", "preset", "batch", "steps", "puzzles/s", "GFLOP/s", "%peak", "peak MB", "torch p/s", "ratio", "prec", "cpu p/s", "vs fp32 wall/cpu")
	for _, name := range *presets {
		cfg, err := benchConfig(fam, name)
		if err != nil {
			return err
		}
		var ms []models.Model
		for _, p := range precs {
			m, err := fam.Load(cfg, act.InitTensors(cfg.Specs(), 1))
			if err == nil {
				err = setPrecision(nil, m, p)
			}
			if err != nil {
				return err
			}
			ms = append(ms, m)
		}
		rates, cpuRates, err := benchPrecisions(ms, *batch, *steps, *reps, *threads)
		if err != nil {
			return err
		}
		for i, p := range precs {
			if err := printBenchRow(c, fam, cfg, name, *batch, *steps, *threads, *torch, *torchSteps, peak, p, precs, rates, cpuRates, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// printBenchRow prints precision i's row of a preset; the last column is
// its speed-up over the fp32 row (by wall and by CPU time) when fp32 was
// timed too.
func printBenchRow(c *cli, fam models.Family, cfg models.Config, name string, batch, steps, threads int, torch string, torchSteps int, peak float64,
	p string, precs []string, rates, cpuRates []float64, i int) error {
	rate := rates[i]
	gflops, pct := "-", "-"
	if fl, ok := cfg.(interface{ FLOPsPerStep() float64 }); ok {
		g := fl.FLOPsPerStep() * rate * 16 / 1e9 // rate·16 supervision steps of one puzzle per second
		gflops, pct = fmt.Sprintf("%.1f", g), fmt.Sprintf("%.0f%%", 100*g/peak)
	}
	torchRate, ratio := "-", "-"
	if torch != "" && i == 0 {
		if task, ok := torchTasks[fam.Kind()+"/"+name]; ok {
			tr, err := runTorchBench(torch, task, batch, torchSteps, threads, false)
			if err != nil {
				return err
			}
			torchRate, ratio = fmt.Sprintf("%.4f", tr), fmt.Sprintf("%.2f×", rate/tr)
		}
	}
	vs := "-"
	for k, q := range precs {
		if q == results.PrecisionFloat32 && k != i && cpuRates[k] > 0 {
			vs = fmt.Sprintf("%.2f× / %.2f×", rate/rates[k], cpuRates[i]/cpuRates[k])
		}
	}
	fmt.Fprintf(c.stdout, "%-12s %5d %6d %10.4f %9s %8s %9d %12s %8s %5s %10.4f %16s\n", name, batch, steps, rate, gflops, pct, peakRSSMB(), torchRate, ratio, shortPrecision(p), cpuRates[i], vs)
	return nil
}

// warnBF16 writes bench's one stderr line when bf16 is to be timed on the
// pure-Go bf16 kernel.
func warnBF16(c *cli, precs []string) error {
	for _, p := range precs {
		if p == results.PrecisionBF16 {
			if err := nn.BF16Accelerated(); err != nil {
				fmt.Fprintf(c.stderr, "warning: --precision bf16 runs on the pure-Go bf16 kernel (same bits, many times slower than fp32): %v\n", err)
			}
			return nil
		}
	}
	return nil
}

// measuredPeak is the machine's FMA peak in GFLOP/s on threads: the best of
// a few short measurements, since one can read low when another process
// holds a core.
func measuredPeak(threads int) float64 { return measuredPeakOf(nn.PeakGFLOPS, threads) }

// measuredPeakOf is the best of four measurements of a peak (nn.PeakGFLOPS,
// nn.PeakGFLOPSBF16).
func measuredPeakOf(measure func(threads int) float64, threads int) float64 {
	peak := 0.0
	for range 4 {
		peak = max(peak, measure(threads))
	}
	return peak
}

// benchConfig is a preset of a family with a one-row puzzle table (its size
// does not change the work).
func benchConfig(fam models.Family, name string) (models.Config, error) {
	cfg, err := fam.Config(name)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	if err := harness.SetSizes(cfg, -1, -1, 1); err != nil {
		return nil, err
	}
	return cfg, nil
}

// stepper is a model's evaluation step on a carry it makes (the ACT
// core's), so that timed runs reuse one arena.
type stepper interface {
	NewState(B int) *models.Carry
	Step(c *models.Carry, b models.Batch, out *models.StepOutput, opt models.StepOptions, ar *nn.Arena) error
}

// benchModel times reps full runs of steps supervision steps on a random
// batch (every row runs every step) and returns puzzles/s of a 16-step run.
func benchModel(m models.Model, B, steps, reps int) (float64, error) {
	sm, ok := m.(stepper)
	if !ok {
		return 0, fmt.Errorf("bench: a %s model has no evaluation step on a carry", m.Info().Kind)
	}
	info := m.Info()
	S := info.SeqLen
	b := models.Batch{Inputs: make([]int32, B*S), PuzzleIDs: make([]int32, B)}
	for i := range b.Inputs {
		b.Inputs[i] = int32(1 + i%(info.Vocab-1))
	}
	out, ar := models.NewStepOutput(info, B), &nn.Arena{}
	if err := sm.Step(sm.NewState(B), b, out, models.StepOptions{}, ar); err != nil { // sizes the arena
		return 0, err
	}
	start := time.Now()
	for r := 0; r < reps; r++ {
		s := sm.NewState(B)
		for k := 0; k < steps; k++ {
			if err := sm.Step(s, b, out, models.StepOptions{}, ar); err != nil {
				return 0, err
			}
		}
	}
	sec := time.Since(start).Seconds()
	puzzles := float64(B * reps)
	return puzzles / sec * float64(steps) / 16, nil
}

// The PyTorch anchor prints its rate as key=value: puzzles/s of a 16-step
// run, or training examples/s with --train.
var (
	torchRateRE  = regexp.MustCompile(`puzzles_per_s_16steps=([0-9.]+)`)
	torchTrainRE = regexp.MustCompile(`train_examples_per_s=([0-9.]+)`)
)

// runTorchBench runs the PyTorch anchor on a task and returns its rate
// (puzzles/s for a 16-step run, or training examples/s with train).
func runTorchBench(script, task string, batch, steps, threads int, train bool) (float64, error) {
	args := []string{script, "--task", task, "--batch", strconv.Itoa(batch), "--steps", strconv.Itoa(steps)}
	re := torchRateRE
	if train {
		args, re = append(args, "--train"), torchTrainRE
	}
	cmd := exec.Command("/usr/bin/python3", args...)
	cmd.Env = append(os.Environ(), "OPENBLAS_NUM_THREADS="+strconv.Itoa(threads))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("torch bench %s: %v\n%s", strings.Join(args[1:], " "), err, out.String())
	}
	m := re.FindStringSubmatch(out.String())
	if m == nil {
		return 0, fmt.Errorf("torch bench %s: no rate (%s) in %q", strings.Join(args[1:], " "), re, out.String())
	}
	return strconv.ParseFloat(m[1], 64)
}

// peakRSSMB reads the process's peak resident set size (Linux), or 0.
func peakRSSMB() int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return kb >> 10
		}
	}
	return 0
}

// resetPeakRSS returns freed memory (the previous row's) to the system and
// restarts the peak that peakRSSMB reads (Linux: writing 5 to
// /proc/self/clear_refs resets VmHWM to the current RSS), so that a row's
// peak is its own. Elsewhere, or when the file cannot be written, the peak
// stays the process's.
func resetPeakRSS() {
	runtime.GC() // pooled buffers survive one collection; FreeOSMemory runs a second
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}
