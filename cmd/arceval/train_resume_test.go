package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/results"
)

const tinyMazeOverride = `{"hidden_size":16,"num_heads":2,"H_cycles":1,"L_cycles":1,"L_layers":1,"halt_max_steps":2,"puzzle_emb_ndim":0}`

// A resumed run keeps its own seed: the periodic evaluation's header
// records the run's seed, not the --seed flag's default. Flags that set a
// new run's model, seed or length are refused on --resume, as the recipe
// flags are, not silently ignored.
func TestTrainResumeKeepsTheRun(t *testing.T) {
	dir := t.TempDir()
	mazes := "../../tasks/testdata/maze_tiny.csv"
	run := filepath.Join(dir, "run")
	// --budget 1ns stops after the first of 2 steps, with a checkpoint.
	if _, errOut, err := runCLI(t, "train", "--preset", "maze-att", "--override", tinyMazeOverride, "--set", mazes, "--eval-set", mazes,
		"--seed", "7", "--batch", "2", "--steps", "2", "--warmup", "1", "--budget", "1ns", "--out", run); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	for _, flags := range [][]string{
		{"--seed", "3"}, {"--steps", "5"}, {"--micro-batch", "1"}, {"--kind", "hrm"}, {"--preset", "maze-att"},
		{"--config", "x.json"}, {"--override", `{"hidden_size":32}`}, {"--ablation", "no-ema"}, {"--epochs-per-iter", "2"}, {"--precision", "bf16"},
	} {
		_, errOut, err := runCLI(t, append([]string{"train", "--resume", run, "--set", mazes}, flags...)...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), flags[0]+" set a new run's recipe or model") {
			t.Errorf("--resume with %s: %v (exit %d)\n%s", strings.Join(flags, " "), err, exitCode(err), errOut)
		}
	}
	if _, errOut, err := runCLI(t, "train", "--resume", run, "--set", mazes, "--eval-set", mazes); err != nil {
		t.Fatalf("resume: %v\n%s", err, errOut)
	}
	for _, step := range []string{"step-0000001.jsonl", "step-0000002.jsonl"} {
		ev, err := results.Read(filepath.Join(run, "eval", step))
		if err != nil {
			t.Fatal(err)
		}
		if ev.Header.Seed != 7 {
			t.Errorf("%s: header seed %d, want the run's 7", step, ev.Header.Seed)
		}
	}
}

// Values the trainer cannot use are usage errors, not a silent fall-back to
// the default: --epochs-per-iter must be ≥ 1 when given, --num-aug ≥ -1
// (-1: the official build's).
func TestTrainRefusesBadCounts(t *testing.T) {
	mazes := "../../tasks/testdata/maze_tiny.csv"
	for _, flags := range [][]string{{"--epochs-per-iter", "0"}, {"--epochs-per-iter", "-2"}, {"--num-aug", "-2"}} {
		args := append([]string{"train", "--preset", "maze-att", "--override", tinyMazeOverride, "--set", mazes,
			"--batch", "2", "--steps", "1", "--warmup", "1", "--out", filepath.Join(t.TempDir(), "run")}, flags...)
		_, errOut, err := runCLI(t, args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), strings.Join(flags, " ")) {
			t.Errorf("%s: %v (exit %d)\n%s", strings.Join(flags, " "), err, exitCode(err), errOut)
		}
	}
}

// `train --resume DIR` alone continues the run with every option it was
// started with (options.json): its data, evaluation set, cadence and
// subset, logging, seed and budget. A flag given with another value is
// refused; the same value (or the same file by another path) and the
// per-process flags are accepted.
func TestTrainResumeRestoresOptions(t *testing.T) {
	dir := t.TempDir()
	mazes := "../../tasks/testdata/maze_tiny.csv"
	abs, err := filepath.Abs(mazes)
	if err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(dir, "run")
	// --budget 1ns: each process trains one step.
	if _, errOut, err := runCLI(t, "train", "--preset", "maze-att", "--override", tinyMazeOverride, "--set", mazes, "--eval-set", mazes,
		"--eval-every", "1", "--eval-limit", "1", "--log-every", "1", "--seed", "7", "--batch", "2", "--steps", "4", "--warmup", "1",
		"--budget", "1ns", "--out", run); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	for _, flags := range [][]string{
		{"--eval-every", "2"}, {"--eval-set", "other.csv"}, {"--eval-limit", "0"}, {"--log-every", "10"},
		{"--set", "other.csv"}, {"--num-aug", "3"}, {"--build-seed", "1"}, {"--checkpoint-every", "5"}, {"--eval-views", "2"},
	} {
		_, errOut, err := runCLI(t, append([]string{"train", "--resume", run}, flags...)...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), strings.Join(flags, " ")+" (the run's: ") {
			t.Errorf("--resume with %s: %v (exit %d)\n%s", strings.Join(flags, " "), err, exitCode(err), errOut)
		}
	}
	// No flags: the budget is restored too, so this process trains step 2.
	if _, errOut, err := runCLI(t, "train", "--resume", run); err != nil {
		t.Fatalf("resume: %v\n%s", err, errOut)
	}
	// A new budget for this process; the run's own values given again.
	if _, errOut, err := runCLI(t, "train", "--resume", run, "--budget", "0", "--log-every", "1", "--set", abs, "--threads", "1"); err != nil {
		t.Fatalf("resume: %v\n%s", err, errOut)
	}
	if steps := logSteps(t, filepath.Join(run, "train.jsonl")); !slices.Equal(steps, []int{0, 1, 2, 3, 4}) {
		t.Errorf("logged steps %v, want 0 (the untrained evaluation) and 1..4: --log-every 1 and the budget restored", steps)
	}
	for step := 1; step <= 4; step++ {
		ev, err := results.Read(filepath.Join(run, "eval", fmt.Sprintf("step-%07d.jsonl", step)))
		if err != nil {
			t.Errorf("--eval-every 1 restored: %v", err)
			continue
		}
		if ev.Header.Seed != 7 || ev.Header.Tasks != 1 {
			t.Errorf("step %d: evaluation of seed %d on %d tasks, want the run's seed 7 and --eval-limit 1", step, ev.Header.Seed, ev.Header.Tasks)
		}
	}
}

// logSteps lists the step of every record of a train log.
func logSteps(t *testing.T, path string) []int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r struct {
			Step int `json:"step"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, r.Step)
	}
	return steps
}
