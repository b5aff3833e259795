package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"arceval/results"
)

// score prints a run's cost from its records' CPU-seconds: in total, per
// task with a record, and in money at --price-per-cpu-hour.
func TestScoreCost(t *testing.T) {
	h := results.Header{Format: results.FormatVersion, TaskKind: "arc", Set: "s", Tasks: 3, TestInputs: 4, Views: 1, Steps: 1}
	grid := [][]int{{1}}
	item := func(task string, test, tests int, cpu float64) results.Item {
		return results.Item{TaskID: task, TestIndex: test, Tests: tests, StepExact: []bool{false}, Steps: 1, CPUSeconds: cpu,
			Attempts: []results.Attempt{{Grid: grid}, {Grid: grid}}}
	}
	path := filepath.Join(t.TempDir(), "run.jsonl")
	if err := results.WriteFile(path, h, []results.Item{item("a", 0, 2, 100), item("a", 1, 2, 260), item("b", 0, 1, 360)}, false); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCLI(t, "score", path, "--price-per-cpu-hour", "2", "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var s map[string]float64
	json.Unmarshal([]byte(out), &s)
	// 720 CPU-s over 2 tasks with records (c is missing) = 360 per task; at
	// $2 per CPU-hour, $0.40 and $0.20.
	if s["cpu_seconds"] != 720 || s["cpu_seconds_per_task"] != 360 || s["cost"] != 0.4 || s["cost_per_task"] != 0.2 {
		t.Errorf("cost fields of %s", out)
	}
	text, _, err := runCLI(t, "score", path, "--price-per-cpu-hour", "2")
	if err != nil || !strings.Contains(text, "cost            720 CPU-s, 360 CPU-s per task (2 tasks), $0.400 total, $0.200 per task at $2.00 per CPU-hour") {
		t.Errorf("%v: %s", err, text)
	}
	if _, _, err := runCLI(t, "score", path, "--price-per-cpu-hour", "-1"); err == nil {
		t.Error("a negative price was accepted")
	}
}
