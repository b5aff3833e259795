package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"arceval/harness"
	"arceval/models"
	"arceval/models/nn"
	"arceval/results"
)

// preflightSteps is how many supervision steps eval --dry-run times (after
// one warm-up step).
const preflightSteps = 2

// preflightRun is the setting a preflight estimate was made in, for its
// printout.
type preflightRun struct {
	Header  results.Header
	Info    models.Info
	Batch   int
	Timed   int // steps timed
	Threads int
	Halt    bool
}

// runPreflight is eval --dry-run: it checks every view of the selection
// against the model, times a few steps of a batch and prints the work and
// the estimated wall time, here and in shards.
func runPreflight(ctx context.Context, c *cli, m models.Model, items []*harness.Item, pr preflightRun, steps, shards int, format string) error {
	per, err := harness.TimeSteps(ctx, m, items, pr.Batch, preflightSteps)
	if err != nil {
		return err
	}
	plan, err := harness.PlanWork(pr.Info, items, steps, shards, per)
	if err != nil {
		return err
	}
	pr.Timed, pr.Threads = preflightSteps, nn.Threads()
	return printPlan(c.stdout, plan, pr, format)
}

// printPlan prints a preflight estimate as text or JSON.
func printPlan(w io.Writer, p harness.Plan, pr preflightRun, format string) error {
	h, wk := pr.Header, p.Work
	if format == "json" {
		type shard struct {
			Shard int `json:"shard"`
			harness.Work
		}
		out := struct {
			Set             string       `json:"set"`
			Subset          string       `json:"subset,omitempty"`
			Work            harness.Work `json:"work"`
			PerViewStep     float64      `json:"seconds_per_view_step"`
			Wall            float64      `json:"estimated_seconds"`
			Shards          []shard      `json:"shards,omitempty"`
			ShardWall       float64      `json:"estimated_seconds_per_shard,omitempty"`
			Batch           int          `json:"batch"`
			Threads         int          `json:"threads"`
			Machine         string       `json:"machine"`
			EarlyHaltBounds bool         `json:"upper_bound"`
		}{Set: h.Set, Subset: h.Subset, Work: wk, PerViewStep: p.PerViewStep.Seconds(), Wall: p.Wall().Seconds(),
			Batch: pr.Batch, Threads: pr.Threads, Machine: h.Machine, EarlyHaltBounds: pr.Halt}
		for i, s := range p.Shards {
			out.Shards = append(out.Shards, shard{i + 1, s})
		}
		if len(p.Shards) > 0 {
			out.ShardWall = p.ShardWall().Seconds()
		}
		b, err := json.MarshalIndent(out, "", "  ")
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
	fmt.Fprintf(w, "preflight  %s on %s\n", model, h.Set)
	if h.Subset != "" {
		fmt.Fprintf(w, "SUBSET     %s\n", h.Subset)
	}
	ids := "no puzzle-embedding table"
	if pr.Info.PuzzleIDs > 0 {
		ids = plural(pr.Info.PuzzleIDs, "puzzle identifier")
	}
	fmt.Fprintf(w, "checked    %s, %s, %s: every view fits the model (seq_len %d, %s)\n",
		plural(wk.Tasks, "task"), plural(wk.TestInputs, "test input"), plural(wk.Views, "view"), pr.Info.SeqLen, ids)
	per := 0.0
	if wk.TestInputs > 0 {
		per = float64(wk.Views) / float64(wk.TestInputs)
	}
	depth := ""
	if wk.Steps > pr.Info.MaxSteps {
		depth = fmt.Sprintf(", past the training depth of %d", pr.Info.MaxSteps)
	}
	fmt.Fprintf(w, "work       %d test inputs × %.1f views × %d steps = %d view-steps%s\n", wk.TestInputs, per, wk.Steps, wk.ViewSteps, depth)
	fmt.Fprintf(w, "timing     %s per view-step: %d steps of a batch of %d views after a warm-up step, %d GEMM threads\n",
		perStep(p.PerViewStep), pr.Timed, pr.Batch, pr.Threads)
	bound := "model time (voting and writing add a few %)"
	if pr.Halt {
		bound = "at most: --halt stops views sooner; " + bound
	}
	fmt.Fprintf(w, "estimate   %s on this machine (%s), %s\n", humanDuration(p.Wall()), h.Machine, bound)
	if len(p.Shards) > 0 {
		k, s := p.LargestShard()
		fmt.Fprintf(w, "shards     %d shards (--shard K/%d): the largest, shard %d, has %s, %s, %d view-steps: %s on each of %d machines like this one\n",
			len(p.Shards), len(p.Shards), k, plural(s.Tasks, "task"), plural(s.TestInputs, "test input"), s.ViewSteps, humanDuration(p.ShardWall()), len(p.Shards))
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// perStep formats a per-view-step time in s, ms or µs.
func perStep(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.3f s", d.Seconds())
	}
	if d >= time.Millisecond {
		return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}

// humanDuration formats an estimate: seconds under a minute, then minutes,
// then hours and minutes.
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}
