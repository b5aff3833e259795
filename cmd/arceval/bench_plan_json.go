package main

import (
	"encoding/json"
	"fmt"
	"io"
)

// planJSON is bench --plan --format json: the setting, then each protocol
// with its work, speed, memory and estimates (seconds) here and per shard
// count.
type planJSON struct {
	Machine    string             `json:"machine"`
	Kernel     string             `json:"kernel"`
	Threads    int                `json:"threads"`
	PeakGFLOPS float64            `json:"peak_gflops"`
	Precision  string             `json:"precision"`
	Load       string             `json:"load_average"`
	Protocols  []planProtocolJSON `json:"protocols"`
}

type planProtocolJSON struct {
	Benchmark       string          `json:"benchmark"`
	Kind            string          `json:"kind"`
	Preset          string          `json:"preset"`
	Checkpoint      string          `json:"checkpoint,omitempty"`
	Set             string          `json:"set"`
	Tasks           int             `json:"tasks"`
	TestInputs      int             `json:"test_inputs"`
	Views           int             `json:"views"`
	ViewsUpperBound bool            `json:"views_upper_bound"`
	Source          string          `json:"source"`
	Steps           int             `json:"steps"`
	ViewSteps       int64           `json:"view_steps"`
	FLOPPerViewStep float64         `json:"flop_per_view_step"`
	FLOP            float64         `json:"flop"`
	Batch           int             `json:"batch"`
	ViewStepsPerSec float64         `json:"view_steps_per_second"`
	CPURate         float64         `json:"view_steps_per_cpu_second_x_threads,omitempty"`
	IdleSeconds     float64         `json:"estimated_seconds_idle,omitempty"`
	TimedLike       string          `json:"timed_like,omitempty"`
	Seconds         float64         `json:"estimated_seconds"`
	MemoryBytes     int64           `json:"memory_bytes"`
	Shards          []planShardJSON `json:"shards,omitempty"`
}

type planShardJSON struct {
	Shards       int     `json:"shards"`
	LargestViews int     `json:"largest_shard_views"`
	Exact        bool    `json:"exact"`
	Seconds      float64 `json:"estimated_seconds"`
	IdleSeconds  float64 `json:"estimated_seconds_idle,omitempty"`
	Command      string  `json:"command"` // the run of shard i (i for its number); the whole run for 1 shard
}

// printBenchPlanJSON writes the plan as one JSON object.
func printBenchPlanJSON(w io.Writer, h planHeader, ests []planEstimate, shards []int) error {
	out := planJSON{Machine: h.Machine, Kernel: h.Kernel, Threads: h.Threads, PeakGFLOPS: h.Peak, Precision: h.Precision, Load: h.Load,
		Protocols: []planProtocolJSON{}}
	for _, e := range ests {
		p := planProtocolJSON{Benchmark: e.Benchmark, Kind: e.Kind, Preset: e.Preset, Checkpoint: e.Checkpoint, Set: e.Set,
			Tasks: e.Tasks, TestInputs: e.TestInputs, Views: e.Views, ViewsUpperBound: e.ViewsBound, Source: e.Source,
			Steps: e.Steps, ViewSteps: e.ViewSteps(), FLOPPerViewStep: e.FLOPsPerViewStep(), FLOP: e.FLOPsPerViewStep() * float64(e.ViewSteps()),
			Batch: e.Batch, ViewStepsPerSec: e.Rate, CPURate: e.CPURate, IdleSeconds: rateDuration(e.ViewSteps(), e.CPURate).Seconds(), TimedLike: e.SameAs, Seconds: e.Wall().Seconds(), MemoryBytes: e.MemoryBytes()}
		for _, n := range shards {
			v, exact := e.ShardViews(n)
			extra := fmt.Sprintf("--shard i/%d", n)
			if n == 1 {
				extra = ""
			}
			p.Shards = append(p.Shards, planShardJSON{Shards: n, LargestViews: v, Exact: exact,
				Seconds: rateDuration(int64(v)*int64(e.Steps), e.Rate).Seconds(), IdleSeconds: rateDuration(int64(v)*int64(e.Steps), e.CPURate).Seconds(), Command: reproCommand(e.ReproProtocol, extra)})
		}
		out.Protocols = append(out.Protocols, p)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
