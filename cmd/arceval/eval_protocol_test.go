package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/results"
)

// eval on an official built split records the build's protocol: the set
// identified from its content (not the split's path), every view the build
// offers, the build's puzzle ids; the header is the same in every shard
// (the views come from the whole build, not from the shard's first task),
// so the shards merge.
func TestEvalBuiltSplitProtocol(t *testing.T) {
	data := testenv.DataRoot(t)
	dir := t.TempDir()
	build := filepath.Join(dir, "concept-aug-2")
	if _, errOut, err := runCLI(t, "data", "build", "arc", "--data", data, "--subsets", "concept", "--test-set", "concept", "--test-set2", "",
		"--num-aug", "2", "--out", build); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var names []string
	raw, err := os.ReadFile(filepath.Join(build, "identifiers.json"))
	if err != nil || json.Unmarshal(raw, &names) != nil {
		t.Fatalf("identifiers.json: %v", err)
	}
	model := tinyModelIDs(t, 900, 12, len(names))
	var shards []string
	for _, k := range []string{"1/2", "2/2"} {
		p := filepath.Join(dir, "shard"+k[:1]+".jsonl")
		if _, errOut, err := runCLI(t, "eval", "--model", model, "--set", filepath.Join(build, "test"), "--views", "0", "--limit", "3",
			"--shard", k, "--out", p, "--batch", "8"); err != nil {
			t.Fatalf("shard %s: %v\n%s", k, err, errOut)
		}
		shards = append(shards, p)
	}
	merged := filepath.Join(dir, "merged.jsonl")
	if _, errOut, err := runCLI(t, append([]string{"merge", "--out", merged}, shards...)...); err != nil {
		t.Fatalf("merge: %v\n%s", err, errOut)
	}
	run, err := results.Read(merged)
	if err != nil {
		t.Fatal(err)
	}
	p := run.Header.Protocol
	if p == nil {
		t.Fatal("no protocol in the header")
	}
	if p.SetID != "concept-arc" || p.SetMatch != results.MatchContent || p.SetTasks != 160 || p.SetTestInputs != 480 {
		t.Errorf("set: %+v", p)
	}
	if p.ViewSource != results.ViewsBuild || p.BuildViews != 3 || p.Views != 3 || run.Header.Views != 3 {
		t.Errorf("views: %+v (header %d)", p, run.Header.Views)
	}
	if p.PuzzleIDs != results.IDsBuild || p.BuildIdentifiers != len(names) || p.PuzzleTable != len(names) {
		t.Errorf("puzzle ids: %+v", p)
	}
	if p.Steps != 3 || p.TrainDepth != 3 || p.EarlyHalt || p.Precision != "float32" || p.Scoring != results.ScoreTaskMacro {
		t.Errorf("steps/precision/scoring: %+v", p)
	}
	// ConceptARC is not a paper benchmark: report --paper says so.
	out, errOut, err := runCLI(t, "report", "--paper", merged)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "ConceptARC corpus (160 tasks, 480 test inputs) is not a paper benchmark") {
		t.Errorf("report --paper:\n%s", out)
	}
}

// The periodic evaluation during training writes run files with the
// protocol of what it measures: the identified set, one view, every step of
// the model.
func TestTrainEvalProtocol(t *testing.T) {
	data := testenv.DataRoot(t)
	dir := t.TempDir()
	if _, errOut, err := runCLI(t, "train", "--preset", "sudoku-mlp", "--set", "sudoku-extreme/train-sample-1k", "--data", data,
		"--override", `{"hidden_size":16,"num_heads":2,"expansion":2,"L_layers":1,"H_cycles":1,"L_cycles":1,"halt_max_steps":2,"puzzle_emb_ndim":0}`,
		"--steps", "2", "--batch", "4", "--warmup", "1", "--eval-set", "sudoku-extreme/test-sample-1200", "--eval-limit", "3",
		"--out", filepath.Join(dir, "run")); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "run", "eval", "*.jsonl"))
	if len(files) == 0 {
		t.Fatal("no periodic evaluation written")
	}
	run, err := results.Read(files[0])
	if err != nil {
		t.Fatal(err)
	}
	p := run.Header.Protocol
	if p == nil || p.SetID != "sudoku-extreme/test-sample-1200" || p.Steps != 2 || p.TrainDepth != 2 || p.ViewSource != results.ViewsPuzzle ||
		run.Header.Subset == "" {
		t.Errorf("periodic evaluation header: %+v, protocol %+v", run.Header, p)
	}
}
