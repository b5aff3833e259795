package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/baselines/direct"
	"arceval/harness"
	"arceval/internal/testenv"
	"arceval/models/trm"
	"arceval/results"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// tinyModel writes a small random TRM for a task layout and returns its path.
func tinyModel(t *testing.T, seqLen, vocab int) string {
	t.Helper()
	return tinyModelIDs(t, seqLen, vocab, 4)
}

// tinyModelIDs is tinyModel with a puzzle-embedding table of ids rows.
func tinyModelIDs(t *testing.T, seqLen, vocab, ids int) string {
	t.Helper()
	dir := t.TempDir()
	cfg := map[string]any{"seq_len": seqLen, "vocab_size": vocab, "hidden_size": 16, "num_heads": 2, "expansion": 2,
		"L_layers": 1, "H_cycles": 1, "L_cycles": 1, "halt_max_steps": 3, "puzzle_emb_ndim": 16, "puzzle_emb_len": 1,
		"num_puzzle_identifiers": ids, "pos_encodings": "rope"}
	data, _ := json.Marshal(cfg)
	cfgPath := filepath.Join(dir, "cfg.json")
	os.WriteFile(cfgPath, data, 0o644)
	model := filepath.Join(dir, "tiny.safetensors")
	if _, errOut, err := runCLI(t, "init", "--config", cfgPath, "--seed", "3", "--out", model); err != nil {
		t.Fatalf("init: %v\n%s", err, errOut)
	}
	return model
}

// normalizedRun reads a run file and blanks what legitimately varies between
// machines and runs (provenance, model hash of a temp file, wall time).
func normalizedRun(t *testing.T, path string) []byte {
	t.Helper()
	run, err := results.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	h := run.Header
	h.Version, h.Revision, h.GoVersion, h.Kernel, h.Machine, h.ModelSHA256 = "", "", "", "", "", ""
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.Encode(h)
	for _, it := range run.Items {
		it.Seconds, it.CPUSeconds = 0, 0
		enc.Encode(it)
	}
	return b.Bytes()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs from the golden file (-want +got; go test -update rewrites it):\n%s", name, diff)
	}
}

// dropTiming removes the wall-time and CPU-time fields from a JSON summary.
func dropTiming(t *testing.T, out string) []byte {
	t.Helper()
	var obj map[string]any
	if err := json.Unmarshal([]byte(out), &obj); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	for _, k := range []string{"seconds", "cpu_seconds", "cpu_seconds_per_task"} {
		delete(obj, k)
	}
	b, _ := json.MarshalIndent(obj, "", "  ")
	return append(b, '\n')
}

func TestEvalARCGolden(t *testing.T) {
	data := testenv.DataRoot(t)
	model := tinyModel(t, 900, 12)
	dir := t.TempDir()
	run, sub := filepath.Join(dir, "run.jsonl"), filepath.Join(dir, "sub.json")
	out, errOut, err := runCLI(t, "eval", "--model", model, "--set", "concept-arc/minimal", "--data", data, "--limit", "4",
		"--views", "3", "--seed", "5", "--batch", "4", "--out", run, "--submission", sub, "--format", "json")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(errOut, "subset: first 4 of 16 tasks") {
		t.Errorf("no subset banner on stderr: %q", errOut)
	}
	golden(t, "eval_arc.run.jsonl", normalizedRun(t, run))
	subData, _ := os.ReadFile(sub)
	golden(t, "eval_arc.submission.json", subData)
	golden(t, "eval_arc.summary.json", dropTiming(t, out))
	// score reads the run file back to the same summary; the submission
	// scored against the set gives the same two-attempt numbers.
	again, _, err := runCLI(t, "score", run, "--format", "json")
	if err != nil || !bytes.Equal(dropTiming(t, again), dropTiming(t, out)) {
		t.Errorf("score of the run file differs from eval's summary (%v):\n%s", err, again)
	}
	scored, _, err := runCLI(t, "score", "--submission", sub, "--set", "concept-arc/minimal", "--data", data, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var a, b struct {
		Solved int `json:"solved"`
	}
	json.Unmarshal([]byte(out), &a)
	json.Unmarshal([]byte(scored), &b)
	if a.Solved != b.Solved {
		t.Errorf("submission solves %d test inputs, the run %d", b.Solved, a.Solved)
	}
}

// evalSudoku runs the tiny Sudoku model on the first 12 puzzles of the test
// sample with extra flags.
func evalSudoku(t *testing.T, model, data string, extra ...string) (string, error) {
	t.Helper()
	args := append([]string{"eval", "--model", model, "--set", "sudoku-extreme/test-sample-1200", "--data", data, "--limit", "12", "--format", "json"}, extra...)
	out, errOut, err := runCLI(t, args...)
	if err != nil {
		return errOut, err
	}
	return out, nil
}

func TestEvalResumeAndShards(t *testing.T) {
	data := testenv.DataRoot(t)
	model := tinyModel(t, 81, 11)
	dir := t.TempDir()
	full := filepath.Join(dir, "full.jsonl")
	ref, err := evalSudoku(t, model, data, "--out", full, "--batch", "5")
	if err != nil {
		t.Fatalf("%v: %s", err, ref)
	}
	golden(t, "eval_sudoku.summary.json", dropTiming(t, ref))

	// A run killed after 5 records, in the middle of writing the 6th.
	lines := readLines(t, full)
	killed := filepath.Join(dir, "killed.jsonl")
	os.WriteFile(killed, []byte(strings.Join(lines[:6], "\n")+"\n"+lines[6][:len(lines[6])/2]), 0o644)
	if out, err := evalSudoku(t, model, data, "--out", killed); err == nil {
		t.Errorf("an existing run file was overwritten without --resume: %s", out)
	}
	if out, err := evalSudoku(t, model, data, "--out", killed, "--steps", "2", "--resume"); err == nil {
		t.Errorf("resume with different flags was accepted: %s", out)
	}
	resumed, err := evalSudoku(t, model, data, "--out", killed, "--resume", "--batch", "3")
	if err != nil {
		t.Fatalf("%v: %s", err, resumed)
	}
	if !bytes.Equal(dropTiming(t, resumed), dropTiming(t, ref)) {
		t.Errorf("resumed scores differ:\n%s\nwant\n%s", resumed, ref)
	}
	if !bytes.Equal(normalizedRun(t, killed), normalizedRun(t, full)) {
		t.Error("the resumed run file differs from the uninterrupted one")
	}

	// Two shards merged equal the unsharded run.
	var shards []string
	for _, k := range []string{"1/2", "2/2"} {
		p := filepath.Join(dir, "shard"+k[:1]+".jsonl")
		if out, err := evalSudoku(t, model, data, "--out", p, "--shard", k); err != nil {
			t.Fatalf("shard %s: %v %s", k, err, out)
		}
		shards = append(shards, p)
	}
	merged := filepath.Join(dir, "merged.jsonl")
	if _, errOut, err := runCLI(t, append([]string{"merge", "--out", merged}, shards...)...); err != nil {
		t.Fatalf("merge: %v %s", err, errOut)
	}
	scored, _, err := runCLI(t, "score", merged, "--format", "json")
	if err != nil || !bytes.Equal(dropTiming(t, scored), dropTiming(t, ref)) {
		t.Errorf("merged shards score %s, unsharded %s (%v)", scored, ref, err)
	}
	if _, _, err := runCLI(t, "merge", "--out", filepath.Join(dir, "m2.jsonl"), shards[0]); err == nil {
		t.Error("merge of one shard of two succeeded")
	}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// Every model kind evaluates through the same harness: the tiny official
// TRM, HRM and transformer-baseline fixtures (seq_len 16) on 4×4 mazes.
func TestEvalEveryKind(t *testing.T) {
	dir := t.TempDir()
	mazes := filepath.Join(dir, "mazes.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "6", "--size", "4", "--min-path", "2", "--seed", "2", "--out", mazes); err != nil {
		t.Fatalf("gen: %v %s", err, errOut)
	}
	for _, tc := range []struct{ fixture, kind string }{{"tiny_trm_att", "trm"}, {"tiny_hrm", "hrm"}, {"tiny_direct", "transformer_baseline"}} {
		native := filepath.Join(dir, tc.fixture+".safetensors")
		if _, errOut, err := runCLI(t, "import", testenv.Fixture(t, tc.fixture)+".state_dict", "--kind", tc.kind,
			"--config", testenv.Fixture(t, tc.fixture)+".json", "--out", native); err != nil {
			t.Fatalf("%s: import: %v %s", tc.fixture, err, errOut)
		}
		run := filepath.Join(dir, tc.fixture+".jsonl")
		out, errOut, err := runCLI(t, "eval", "--model", native, "--set", mazes, "--out", run, "--format", "json")
		if err != nil {
			t.Fatalf("%s: eval: %v %s", tc.fixture, err, errOut)
		}
		var s struct {
			Kind string `json:"model_kind"`
			N    int    `json:"n"`
		}
		if json.Unmarshal([]byte(out), &s); s.Kind != tc.kind || s.N != 6 {
			t.Errorf("%s: summary %s", tc.fixture, out)
		}
		// An official checkpoint needs its kind; a native file says it.
		if _, _, err := runCLI(t, "eval", "--model", native, "--kind", "hrm", "--set", mazes); tc.kind != "hrm" && err == nil {
			t.Errorf("%s: --kind hrm accepted for a %s file", tc.fixture, tc.kind)
		}
	}
}

// train → eval through the CLI, with an interrupted run resumed.
func TestTrainCommand(t *testing.T) {
	dir := t.TempDir()
	train, test := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	for _, f := range []struct {
		path, seed string
	}{{train, "1"}, {test, "2"}} {
		if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "20", "--size", "5", "--min-path", "3", "--seed", f.seed, "--out", f.path); err != nil {
			t.Fatalf("gen: %v %s", err, errOut)
		}
	}
	args := []string{"train", "--preset", "maze-att", "--override", `{"hidden_size":16,"num_heads":2,"H_cycles":1,"L_cycles":1,"L_layers":1,"halt_max_steps":2,"puzzle_emb_ndim":0}`,
		"--set", train, "--eval-set", test, "--batch", "8", "--micro-batch", "4", "--steps", "6", "--warmup", "1", "--lr", "1e-3", "--log-every", "2"}
	run := filepath.Join(dir, "run")
	if _, errOut, err := runCLI(t, append(args, "--out", run)...); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	if _, _, err := runCLI(t, append(args, "--out", run)...); err == nil {
		t.Error("train reused a run directory without --resume")
	}
	// The native model evaluates like any other.
	out, errOut, err := runCLI(t, "eval", "--model", filepath.Join(run, "model.safetensors"), "--set", test, "--format", "json")
	if err != nil {
		t.Fatalf("eval: %v %s", err, errOut)
	}
	if !strings.Contains(out, `"n": 20`) {
		t.Errorf("eval of the trained model: %s", out)
	}
	if _, err := os.Stat(filepath.Join(run, "eval", "step-0000006.jsonl")); err != nil {
		t.Errorf("no evaluation run file at the last step: %v", err)
	}
	// An official built split trains too (its exact puzzles, no augmentation).
	built := filepath.Join(dir, "built")
	if _, errOut, err := runCLI(t, "data", "build", "maze", "--train", train, "--test", test, "--out", built); err != nil {
		t.Fatalf("build: %v %s", err, errOut)
	}
	if _, errOut, err := runCLI(t, append(slices.Clone(args), "--set", filepath.Join(built, "train"), "--steps", "2", "--out", filepath.Join(dir, "run2"))...); err != nil {
		t.Fatalf("train on a built split: %v\n%s", err, errOut)
	}
	// A resume with other data is refused.
	if _, errOut, err := runCLI(t, "train", "--resume", run, "--set", test); err == nil || !strings.Contains(errOut+err.Error(), "--set "+test+" (the run's: ") {
		t.Errorf("resume on other data: %v %s", err, errOut)
	}
}

// The MLP baseline (a trained model saved as an "mlp_baseline" native file)
// evaluates through the same harness and is reported under its kind.
func TestEvalMLPBaseline(t *testing.T) {
	dir := t.TempDir()
	mazes := filepath.Join(dir, "mazes.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "4", "--size", "4", "--min-path", "2", "--seed", "2", "--out", mazes); err != nil {
		t.Fatalf("gen: %v %s", err, errOut)
	}
	c := direct.MLP(16, 6, 1)
	c.HiddenSize, c.PuzzleEmbNdim = 16, 16
	m, err := direct.LoadTrainable(c, direct.InitTensors(c, 1))
	if err != nil {
		t.Fatal(err)
	}
	native := filepath.Join(dir, "mlp.safetensors")
	if err := m.Save(native, nil, nil); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCLI(t, "eval", "--model", native, "--set", mazes, "--out", filepath.Join(dir, "mlp.jsonl"), "--format", "json")
	if err != nil {
		t.Fatalf("eval: %v %s", err, errOut)
	}
	var s struct {
		Kind string `json:"model_kind"`
		N    int    `json:"n"`
	}
	if json.Unmarshal([]byte(out), &s); s.Kind != direct.MLPKind || s.N != 4 {
		t.Errorf("summary %s", out)
	}
}

// Every trainable kind trains, resumes and evaluates through the same commands.
func TestTrainEveryKind(t *testing.T) {
	dir := t.TempDir()
	mazes := filepath.Join(dir, "mazes.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "12", "--size", "4", "--min-path", "2", "--seed", "3", "--out", mazes); err != nil {
		t.Fatalf("gen: %v %s", err, errOut)
	}
	for _, tc := range []struct{ kind, preset string }{{"hrm", "maze-30x30-hard"}, {"transformer_baseline", "maze"}, {"mlp_baseline", ""}} {
		run := filepath.Join(dir, tc.kind)
		args := []string{"train", "--kind", tc.kind, "--override", `{"hidden_size":16,"num_heads":2,"H_layers":1,"L_layers":1,"puzzle_emb_ndim":0}`,
			"--set", mazes, "--batch", "4", "--steps", "3", "--warmup", "1", "--checkpoint-every", "1", "--out", run}
		if tc.preset != "" {
			args = append(args, "--preset", tc.preset)
		}
		if _, errOut, err := runCLI(t, args...); err != nil {
			t.Fatalf("%s: train: %v\n%s", tc.kind, err, errOut)
		}
		out, errOut, err := runCLI(t, "eval", "--model", filepath.Join(run, "model.safetensors"), "--set", mazes, "--format", "json")
		if err != nil || !strings.Contains(out, `"model_kind": "`+tc.kind+`"`) {
			t.Errorf("%s: eval: %v %s %s", tc.kind, err, errOut, out)
		}
		// A finished run resumes to nothing left to do.
		if _, errOut, err := runCLI(t, "train", "--resume", run, "--set", mazes); err != nil {
			t.Errorf("%s: resume: %v %s", tc.kind, err, errOut)
		}
	}
}

// Ablations change the model and the recipe on top of the preset and overrides.
func TestTrainAblations(t *testing.T) {
	dir := t.TempDir()
	mazes := filepath.Join(dir, "mazes.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "8", "--size", "4", "--min-path", "2", "--seed", "3", "--out", mazes); err != nil {
		t.Fatalf("gen: %v %s", err, errOut)
	}
	run := filepath.Join(dir, "run")
	if _, errOut, err := runCLI(t, "train", "--preset", "sudoku-mlp", "--override", `{"hidden_size":16,"L_layers":1,"halt_max_steps":2,"puzzle_emb_ndim":0}`,
		"--ablation", "att,T1n3,no-ema,no-act", "--set", mazes, "--batch", "4", "--steps", "2", "--warmup", "1", "--out", run); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	ck, err := harness.OpenCheckpoint(filepath.Join(run, harness.CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ck.Close()
	c, err := trm.ParseConfig(ck.Config)
	if err != nil {
		t.Fatal(err)
	}
	rc := ck.TrainConfig()
	if c.MLPT || c.PosEncodings != "rope" || c.HCycles != 1 || c.LCycles != 3 || rc.EMA != 0 || !rc.NoACT {
		t.Errorf("ablations not applied: mlp_t %v pos %s T %d n %d ema %v no_act %v", c.MLPT, c.PosEncodings, c.HCycles, c.LCycles, rc.EMA, rc.NoACT)
	}
	if _, _, err := runCLI(t, "train", "--preset", "sudoku-mlp", "--ablation", "1-step-grad", "--set", mazes, "--out", filepath.Join(dir, "x")); err == nil {
		t.Error("an ablation we cannot express was accepted")
	}
}

func TestReproduce(t *testing.T) {
	data := testenv.DataRoot(t)
	model := tinyModel(t, 81, 11)
	out := t.TempDir()
	stdout, errOut, err := runCLI(t, "reproduce", "sudoku", "--model", model, "--data", data, "--limit", "4", "--out", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if _, statErr := os.Stat(filepath.Join(out, "sudoku.jsonl")); statErr != nil || !strings.Contains(stdout, "Table 4") || !strings.Contains(stdout, "SUBSET") {
		t.Errorf("reproduce sudoku: %v\n%s", statErr, stdout)
	}
	// The set evaluated is named: the full test set, or the sample standing in for it.
	if !strings.Contains(errOut, "reproduce sudoku: sudoku-extreme/test") {
		t.Errorf("reproduce does not say which set it evaluates: %s", errOut)
	}
	if _, _, err := runCLI(t, "reproduce", "arc1", "--model", model); err == nil || exitCode(err) != 2 {
		t.Errorf("ARC without --build: %v", err)
	}
}

// --submission on a Sudoku set is a usage error before any work: no run
// file is written.
func TestEvalSubmissionNeedsARCBeforeWork(t *testing.T) {
	data := testenv.DataRoot(t)
	dir := t.TempDir()
	out, sub := filepath.Join(dir, "run.jsonl"), filepath.Join(dir, "sub.json")
	errOut, err := evalSudoku(t, tinyModel(t, 81, 11), data, "--out", out, "--submission", sub)
	var ue usageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "--submission is for ARC sets") {
		t.Fatalf("err %v (%s), want the usage error", err, errOut)
	}
	for _, p := range []string{out, sub} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
}
