package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/results"
)

// The defaults of training from a set follow the official build commands:
// mazes unaugmented, Sudoku puzzles with 1000 fixed copies.
func TestTrainDataDefaults(t *testing.T) {
	for _, tc := range []struct {
		path    string
		numAug  int
		members int
	}{
		{"../../tasks/testdata/maze_tiny.csv", -1, 1},
		{"../../tasks/testdata/maze_tiny.csv", 7, 8},
		{"../../tasks/testdata/sudoku_tiny.csv", -1, 1001},
		{"../../tasks/testdata/sudoku_tiny.csv", 0, 1},
	} {
		src, err := loadTrainData("", []string{tc.path}, "", tc.numAug, 42, nil)
		if err != nil {
			t.Fatal(err)
		}
		for g := range src.data.Groups() {
			if m := src.data.Members(g); m != tc.members {
				t.Errorf("%s --num-aug %d: group %d has %d members, want %d", tc.path, tc.numAug, g, m, tc.members)
			}
		}
	}
}

// A run resumes only on the same data description: another --num-aug is
// other data.
func TestTrainResumeRefusesOtherNumAug(t *testing.T) {
	dir := t.TempDir()
	mazes := "../../tasks/testdata/maze_tiny.csv"
	run := filepath.Join(dir, "run")
	if _, errOut, err := runCLI(t, "train", "--preset", "maze-att", "--override", `{"hidden_size":16,"num_heads":2,"H_cycles":1,"L_cycles":1,"L_layers":1,"halt_max_steps":2,"puzzle_emb_ndim":0}`,
		"--set", mazes, "--batch", "2", "--steps", "1", "--warmup", "1", "--out", run); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	if _, errOut, err := runCLI(t, "train", "--resume", run, "--set", mazes, "--num-aug", "7"); err == nil || !strings.Contains(errOut+err.Error(), "trained on") {
		t.Errorf("resume with another --num-aug: %v %s", err, errOut)
	}
	if _, errOut, err := runCLI(t, "train", "--set", mazes, "--augment", "--out", filepath.Join(dir, "x")); err == nil || !strings.Contains(errOut+err.Error(), "--num-aug") {
		t.Errorf("--augment: %v %s", err, errOut)
	}
}

// An ARC run with an --eval-set trains on the set plus the evaluation
// tasks' demonstrations and evaluates their test inputs with the build's
// views and puzzle identifiers.
func TestTrainARCEvalSetIsTestSubset(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	evalSet := "../../tasks/testdata/kaggle_tiny/arc-agi_tiny_challenges.json"
	_, errOut, err := runCLI(t, "train", "--preset", "arc1-att", "--override", `{"hidden_size":16,"num_heads":2,"H_cycles":1,"L_cycles":1,"L_layers":1,"halt_max_steps":2,"puzzle_emb_ndim":16}`,
		"--set", "../../tasks/testdata/arc_tiny", "--eval-set", evalSet, "--num-aug", "3", "--eval-views", "2",
		"--batch", "4", "--steps", "2", "--warmup", "1", "--out", run)
	if err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut, "test subset") {
		t.Errorf("the data description does not name the test subset:\n%s", errOut)
	}
	ev, err := results.Read(filepath.Join(run, "eval", "step-0000002.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if h := ev.Header; h.Views != 2 || h.TestInputs != 3 || len(ev.Items) != 3 {
		t.Errorf("evaluation: %d views, %d test inputs, %d records; want 2, 3, 3", h.Views, h.TestInputs, len(ev.Items))
	}
	if _, err := os.Stat(filepath.Join(run, "model.safetensors")); err != nil {
		t.Error(err)
	}
}
