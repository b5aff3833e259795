package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"arceval/harness"
	"arceval/models/catalog"
)

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
