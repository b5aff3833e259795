package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"arceval/reports"
	"arceval/results"

	"github.com/spf13/pflag"
)

// printSummary prints a run's scores as text or JSON, with the run's
// protocol and its cost (CPU-seconds, and money at price per CPU-hour when
// price > 0). A partial selection gets its subset banner in both.
func printSummary(w io.Writer, h results.Header, s results.Summary, format string, price float64) error {
	if format == "json" {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		var obj map[string]any
		json.Unmarshal(b, &obj)
		obj["set"], obj["model_kind"], obj["steps"], obj["views"] = h.Set, h.ModelKind, h.Steps, h.Views
		obj["protocol"] = reports.ProtocolLine(h)
		if h.Protocol != nil {
			obj["protocol_record"] = h.Protocol
		}
		if h.Subset != "" {
			obj["subset"] = h.Subset
		}
		if price > 0 && s.CPUSeconds > 0 {
			obj["price_per_cpu_hour"] = price
			obj["cost"] = results.Cost(s.CPUSeconds, price)
			obj["cost_per_task"] = results.Cost(s.CPUPerTask(), price)
		}
		b, err = json.MarshalIndent(obj, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	model := h.ModelKind
	if len(h.ModelSHA256) >= 12 {
		model += " " + h.ModelSHA256[:12]
	}
	fmt.Fprintf(w, "set     %s\n", h.Set)
	if h.Subset != "" {
		fmt.Fprintf(w, "SUBSET  %s — not comparable with full-set numbers\n", h.Subset)
	}
	if model != "" {
		fmt.Fprintf(w, "model   %s, %d steps, %d view(s)\n", model, h.Steps, h.Views)
	}
	fmt.Fprintf(w, "protocol %s\n", reports.ProtocolLine(h))
	pct := func(v float64) string { return fmt.Sprintf("%6.2f%%", 100*v) }
	if s.NoAnswers {
		fmt.Fprintf(w, "no answers      the set has no test outputs: nothing is scored (%d of %d test inputs predicted, %d tasks)\n", s.Items, s.TestInputs, s.Tasks)
		if s.Items > 0 && s.Seconds > 0 {
			fmt.Fprintf(w, "time            %s, %s per test input, %.1f steps per view\n", results.FormatSeconds(s.Seconds, 1), results.FormatSeconds(s.Seconds/float64(s.Items), 3), s.MeanSteps)
		}
		return nil
	}
	if s.TaskKind == "arc" {
		fmt.Fprintf(w, "task-macro      %s   (headline: per task solved/test inputs, mean over %d tasks)\n", pct(s.TaskMacro), s.Tasks)
		fmt.Fprintf(w, "micro           %s   (%d of %d test inputs)\n", pct(s.Micro), s.Solved, s.TestInputs)
		fmt.Fprintf(w, "all-or-nothing  %s   (tasks with every test input solved)\n", pct(s.AllOrNothing))
		if len(s.PassK) > 0 {
			var parts []string
			for _, k := range results.PassKs {
				parts = append(parts, fmt.Sprintf("@%d %.2f%%", k, 100*s.PassK[k]))
			}
			fmt.Fprintf(w, "pass            %s\n", strings.Join(parts, "  "))
		}
	} else {
		fmt.Fprintf(w, "exact accuracy  %s   (%d of %d puzzles)\n", pct(s.Exact), s.Solved, s.TestInputs)
		fmt.Fprintf(w, "cell accuracy   %s\n", pct(s.CellAccuracy))
	}
	if s.Missing+s.Empty+s.Malformed > 0 {
		fmt.Fprintf(w, "missing %d, empty %d, malformed %d (all counted wrong)\n", s.Missing, s.Empty, s.Malformed)
	}
	if s.NaN > 0 {
		fmt.Fprintf(w, "NaN outputs     %d test inputs had views whose outputs held NaN: those views gave no answer (counted wrong; q_halt_prob null when no view answered)\n", s.NaN)
	}
	if len(s.StepAccuracy) > 1 {
		fmt.Fprintf(w, "by step (%%)     %s\n", byStep(s.StepAccuracy))
	}
	if s.Items > 0 && s.Seconds > 0 {
		fmt.Fprintf(w, "time            %s, %s per test input, %.1f steps per view\n", results.FormatSeconds(s.Seconds, 1), results.FormatSeconds(s.Seconds/float64(s.Items), 3), s.MeanSteps)
	}
	if s.CPUSeconds > 0 {
		fmt.Fprintf(w, "cost            %s\n", costLine(s, price))
	}
	return nil
}

// costLine describes a run's cost: CPU-seconds in total and per task, and
// their price when one is given.
func costLine(s results.Summary, price float64) string {
	line := fmt.Sprintf("%s CPU-s, %s CPU-s per task (%d tasks)", reports.CPUSeconds(s.CPUSeconds), reports.CPUSeconds(s.CPUPerTask()), s.Recorded)
	if price > 0 {
		line += fmt.Sprintf(", %s total, %s per task at %s per CPU-hour", reports.Money(results.Cost(s.CPUSeconds, price)), reports.Money(results.Cost(s.CPUPerTask(), price)), reports.Money(price))
	}
	return line
}

// priceFlag adds --price-per-cpu-hour.
func priceFlag(fs *pflag.FlagSet) *float64 {
	return fs.Float64("price-per-cpu-hour", 0, "price of one CPU-hour: the cost is also given in money (CPU-seconds are always given)")
}

// checkPrice refuses a negative or non-finite price.
func checkPrice(cmd string, p float64) error {
	if p < 0 || math.IsNaN(p) || math.IsInf(p, 0) {
		return usageError{fmt.Sprintf("%s: --price-per-cpu-hour %v: want a price ≥ 0", cmd, p)}
	}
	return nil
}

// maxStepsListed bounds the steps the summary lists one by one.
const maxStepsListed = 32

// byStep lists the accuracy after each step ("1:0.0 2:8.3"); past
// maxStepsListed steps, the first steps, "…" and the last ones.
func byStep(acc []float64) string {
	var parts []string
	for k, a := range acc {
		if len(acc) > maxStepsListed && k == maxStepsListed-4 {
			parts = append(parts, fmt.Sprintf("… (%d steps)", len(acc)-maxStepsListed+1))
		}
		if len(acc) > maxStepsListed && k >= maxStepsListed-4 && k < len(acc)-3 {
			continue
		}
		parts = append(parts, fmt.Sprintf("%d:%.1f", k+1, 100*a))
	}
	return strings.Join(parts, " ")
}
