package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"arceval/harness"
	"arceval/internal/testenv"
	"arceval/models"
	"arceval/results"
)

// The preflight printout for a plan with a given timing (no clock involved):
// 12 test inputs × 3 views × 20 steps at 2.5 ms per view-step.
func TestPrintPlanGolden(t *testing.T) {
	plan := harness.Plan{
		Work:        harness.Work{Tasks: 4, TestInputs: 12, Views: 36, Steps: 20, ViewSteps: 720},
		Shards:      []harness.Work{{Tasks: 2, TestInputs: 7, Views: 21, Steps: 20, ViewSteps: 420}, {Tasks: 2, TestInputs: 5, Views: 15, Steps: 20, ViewSteps: 300}},
		PerViewStep: 2500 * time.Microsecond,
	}
	pr := preflightRun{Header: results.Header{ModelKind: "trm", ModelSHA256: strings.Repeat("ab", 32), Set: "concept-arc/minimal", Subset: "first 4 of 16 tasks", Machine: "test machine"},
		Info: models.Info{SeqLen: 900, MaxSteps: 16, PuzzleIDs: 4}, Batch: 8, Timed: 2, Threads: 2, Halt: true}
	var b bytes.Buffer
	if err := printPlan(&b, plan, pr, "text"); err != nil {
		t.Fatal(err)
	}
	golden(t, "preflight.text", b.Bytes())
	b.Reset()
	if err := printPlan(&b, plan, pr, "json"); err != nil {
		t.Fatal(err)
	}
	var j struct {
		Wall      float64 `json:"estimated_seconds"`
		ShardWall float64 `json:"estimated_seconds_per_shard"`
	}
	if err := json.Unmarshal(b.Bytes(), &j); err != nil || j.Wall != 1.8 || j.ShardWall != 1.05 {
		t.Errorf("json estimate %+v (%v), want 720 × 2.5 ms = 1.8 s and 420 × 2.5 ms = 1.05 s", j, err)
	}
	for d, want := range map[time.Duration]string{1500 * time.Millisecond: "1.5 s", 125 * time.Second: "2 min 05 s", 26*time.Hour + 3*time.Minute: "26 h 03 min"} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %s, want %s", d, got, want)
		}
	}
}

// eval --dry-run checks the set and model, prints the work and writes
// nothing; --shards needs it.
func TestEvalDryRun(t *testing.T) {
	data := testenv.DataRoot(t)
	model := tinyModel(t, 900, 12)
	out := filepath.Join(t.TempDir(), "run.jsonl")
	stdout, errOut, err := runCLI(t, "eval", "--model", model, "--set", "concept-arc/minimal", "--data", data, "--limit", "4",
		"--views", "3", "--steps", "5", "--dry-run", "--shards", "2", "--out", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, want := range []string{"checked    4 tasks, 12 test inputs, 36 views", "12 test inputs × 3.0 views × 5 steps = 180 view-steps, past the training depth of 3",
		"per view-step", "estimate", "2 shards (--shard K/2)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("--dry-run wrote the run file")
	}
	if _, _, err := runCLI(t, "eval", "--model", model, "--set", "concept-arc/minimal", "--data", data, "--shards", "2"); exitCode(err) != 2 {
		t.Errorf("--shards without --dry-run: %v", err)
	}
	// The wrong set for the model is caught before any evaluation.
	if _, _, err := runCLI(t, "eval", "--model", model, "--set", "sudoku-extreme/test-sample-1200", "--data", data, "--limit", "2", "--dry-run"); err == nil || !strings.Contains(err.Error(), "the model reads 900") {
		t.Errorf("a Sudoku set for an ARC model: %v", err)
	}
}
