package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/harness"
	"arceval/internal/testenv"
	"arceval/models/checkpoint"
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
		src, err := harness.LoadTrainData("", []string{tc.path}, "", harness.TrainDataSpec{NumAug: tc.numAug, BuildSeed: 42})
		if err != nil {
			t.Fatal(err)
		}
		for g := range src.Data.Groups() {
			if m := src.Data.Members(g); m != tc.members {
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
	if _, errOut, err := runCLI(t, "train", "--resume", run, "--set", mazes, "--num-aug", "7"); err == nil || !strings.Contains(errOut+err.Error(), `--num-aug 7 (the run's: "-1")`) {
		t.Errorf("resume with another --num-aug: %v %s", err, errOut)
	}
	// Without its options file (a run of an older arceval), the data
	// description in the checkpoint still tells.
	os.Remove(filepath.Join(run, TrainOptionsFile))
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
	// Its protocol: the in-memory build's views and ids, named by the
	// digest of the build's identifiers.
	if p := ev.Header.Protocol; p == nil || p.ViewSource != results.ViewsBuild || p.PuzzleIDs != results.IDsBuild ||
		p.BuildIdentifiers < 2 || len(p.BuildIDsHash) != 16 {
		t.Errorf("evaluation protocol %+v: want the build's views and ids with the identifiers' digest", p)
	}
	if _, err := os.Stat(filepath.Join(run, "model.safetensors")); err != nil {
		t.Error(err)
	}
	// The checkpoint and the model file name the build's test subset with
	// its identity digest.
	es, err := harness.LoadEvalSet("", evalSet, harness.ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ck, err := harness.OpenCheckpoint(filepath.Join(run, harness.CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ck.Close()
	if want := "[test subset, identity " + es.Identity.Hash + "]"; !strings.Contains(ck.Data(), want) {
		t.Errorf("checkpoint data %q does not hold %q", ck.Data(), want)
	}
	model, err := checkpoint.OpenNative(filepath.Join(run, harness.ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	defer model.Close()
	if got := model.Meta[harness.MetaTrainData]; got != ck.Data() {
		t.Errorf("model file's training data %q, want the checkpoint's %q", got, ck.Data())
	}
}

// Training on ARC-AGI-1 evaluation without making it the test subset would
// train on its test outputs: refused with a usage error that says so and
// gives the official command; --allow-eval-test-pairs trains anyway and the
// data description says which set's test outputs were trained on. With
// --eval-set, the description names the test subset and its identity.
func TestTrainRefusesEvalTestPairs(t *testing.T) {
	root := testenv.DataRoot(t)
	names := []string{"trm-kaggle/training", "trm-kaggle/evaluation", "trm-kaggle/concept"}
	_, err := harness.LoadTrainData(root, names, "", harness.TrainDataSpec{BuildSeed: 42})
	var ue harness.OptionError
	if !errors.As(err, &ue) {
		t.Fatalf("training on trm-kaggle/evaluation without --eval-set: %v, want a usage error", err)
	}
	for _, want := range []string{"trm-kaggle/evaluation is the ARC-AGI-1 public evaluation", "test outputs", "--eval-set trm-kaggle/evaluation", "--allow-eval-test-pairs"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal does not say %q: %v", want, err)
		}
	}
	for _, tc := range []struct {
		evalSet string
		allow   bool
		want    []string
	}{
		{"", true, []string{"trm-kaggle/evaluation (400 tasks, fingerprint ", ") [its test outputs trained on: arc-agi-1/evaluation] + trm-kaggle/concept", "; no test subset;"}},
		{"trm-kaggle/evaluation", false, []string{") [test subset, identity 92cc93a726d35308: arc-agi-1/evaluation] + trm-kaggle/concept"}},
	} {
		src, err := harness.LoadTrainData(root, names, tc.evalSet, harness.TrainDataSpec{BuildSeed: 42, AllowEvalTestPairs: tc.allow})
		if err != nil {
			t.Fatalf("--eval-set %q, allow %v: %v", tc.evalSet, tc.allow, err)
		}
		for _, want := range tc.want {
			if !strings.Contains(src.Desc, want) {
				t.Errorf("--eval-set %q: the data description does not hold %q:\n%s", tc.evalSet, want, src.Desc)
			}
		}
	}
}

// --eval-views reaches the evaluation of a built test split: 0 is all the
// build's views, and the header and its protocol record them.
func TestTrainEvalViewsOfBuiltSplit(t *testing.T) {
	dir := t.TempDir()
	built := filepath.Join(dir, "tiny-aug-2")
	if _, errOut, err := runCLI(t, "data", "build", "arc", "--input-prefix", "../../tasks/testdata/kaggle_tiny/arc-agi", "--subsets", "tiny",
		"--test-set", "tiny", "--test-set2", "", "--num-aug", "2", "--out", built); err != nil {
		t.Fatalf("data build: %v\n%s", err, errOut)
	}
	run := filepath.Join(dir, "run")
	if _, errOut, err := runCLI(t, "train", "--preset", "arc1-att", "--override", `{"hidden_size":16,"num_heads":2,"H_cycles":1,"L_cycles":1,"L_layers":1,"halt_max_steps":2,"puzzle_emb_ndim":16}`,
		"--set", filepath.Join(built, "train"), "--eval-set", filepath.Join(built, "test"), "--eval-views", "0",
		"--batch", "4", "--steps", "1", "--warmup", "1", "--out", run); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	ev, err := results.Read(filepath.Join(run, "eval", "step-0000001.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	p := ev.Header.Protocol
	if p == nil || p.BuildViews != 3 || p.Views != 3 || ev.Header.Views != 3 || p.ViewSource != results.ViewsBuild {
		t.Errorf("--eval-views 0 of a 3-view build: header views %d, protocol %+v", ev.Header.Views, p)
	}
}
