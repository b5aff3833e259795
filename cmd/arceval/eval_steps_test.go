package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"arceval/results"
)

// Test-time compute: a model trained for 2 supervision steps evaluated with
// --steps 5 goes on recursing; its first 2 steps are bit-identical to a run
// at the training depth, every step records exactness and q_halt, the
// protocol says the steps exceed the training depth, and the report shows
// the Q-halting frontier of the run.
func TestEvalStepsBeyondTrainingDepth(t *testing.T) {
	dir := t.TempDir()
	train, test := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	for _, f := range []struct{ path, seed string }{{train, "1"}, {test, "2"}} {
		if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "12", "--size", "5", "--min-path", "3", "--seed", f.seed, "--out", f.path); err != nil {
			t.Fatalf("gen: %v %s", err, errOut)
		}
	}
	run := filepath.Join(dir, "run")
	if _, errOut, err := runCLI(t, "train", "--preset", "maze-att", "--override", `{"hidden_size":16,"num_heads":2,"H_cycles":1,"L_cycles":1,"L_layers":1,"halt_max_steps":2,"puzzle_emb_ndim":0}`,
		"--set", train, "--batch", "8", "--micro-batch", "4", "--steps", "4", "--warmup", "1", "--lr", "1e-3", "--out", run); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	model := filepath.Join(run, "model.safetensors")
	eval := func(steps string) *results.Run {
		out := filepath.Join(dir, "steps"+steps+".jsonl")
		if _, errOut, err := runCLI(t, "eval", "--model", model, "--set", test, "--steps", steps, "--out", out); err != nil {
			t.Fatalf("eval --steps %s: %v\n%s", steps, err, errOut)
		}
		r, err := results.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	depth, deep := eval("2"), eval("5")
	if p := deep.Header.Protocol; deep.Header.Steps != 5 || p == nil || p.Steps != 5 || p.TrainDepth != 2 {
		t.Errorf("--steps 5 header: steps %d, protocol %+v", deep.Header.Steps, p)
	}
	for i, it := range deep.Items {
		ref := depth.Items[i]
		if it.Steps != 5 || len(it.StepExact) != 5 || len(it.StepQHalt) != 5 {
			t.Fatalf("%s: %d steps, %d exact, %d q_halt; want 5 each", it.Key(), it.Steps, len(it.StepExact), len(it.StepQHalt))
		}
		if !slices.Equal(it.StepExact[:2], ref.StepExact) || !slices.Equal(it.StepQHalt[:2], ref.StepQHalt) {
			t.Errorf("%s: the first 2 of 5 steps differ from the run at the training depth: %v %v vs %v %v", it.Key(), it.StepExact, it.StepQHalt, ref.StepExact, ref.StepQHalt)
		}
		if it.StepQHalt[2] == it.StepQHalt[0] {
			t.Errorf("%s: step 3 repeats step 1's q_halt %v: the recursion restarted instead of going on", it.Key(), it.StepQHalt)
		}
	}
	out, errOut, err := runCLI(t, "report", filepath.Join(dir, "steps5.jsonl"), "--format", "json")
	if err != nil {
		t.Fatalf("report: %v\n%s", err, errOut)
	}
	var rep struct {
		Runs []struct {
			StepAccuracy []float64               `json:"step_accuracy"`
			HaltFrontier []results.FrontierPoint `json:"halt_frontier"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if r := rep.Runs[0]; len(r.StepAccuracy) != 5 || len(r.HaltFrontier) != len(results.DefaultHaltThresholds) || r.HaltFrontier[0].MeanSteps != 1 {
		t.Errorf("report of the --steps 5 run: %+v", r)
	}
}
