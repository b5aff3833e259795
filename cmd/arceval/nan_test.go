package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models/checkpoint"
	"arceval/results"
)

// rewriteTensors rewrites a safetensors file (native model or official
// checkpoint) with edit applied to every tensor as float32, keeping its
// metadata.
func rewriteTensors(t *testing.T, src, dst string, edit func(name string, v []float32)) {
	t.Helper()
	f, err := checkpoint.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var list []checkpoint.NamedTensor
	for _, name := range f.Keys() {
		tn, _ := f.Tensor(name)
		if !tn.DType.IsFloat() {
			b, err := tn.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			list = append(list, checkpoint.NamedTensor{Name: name, DType: tn.DType, Shape: tn.Shape, Data: b})
			continue
		}
		v, err := tn.Float32()
		if err != nil {
			t.Fatal(err)
		}
		edit(name, v)
		list = append(list, checkpoint.Float32Tensor(name, tn.Shape, v))
	}
	if err := checkpoint.WriteSafetensors(dst, list, f.Metadata()); err != nil {
		t.Fatal(err)
	}
}

// A model whose outputs are NaN (finite weights that overflow: token
// embeddings of 3e38, scaled by √hidden, are +Inf, and RMSNorm makes
// Inf·0 = NaN of them; eval refuses NaN weights themselves) evaluates to the end:
// every prediction is recorded as no answer, counted wrong and counted in
// the summary of eval and score; the run file stays valid JSON
// (q_halt_prob null) and resumes.
func TestEvalNaNModel(t *testing.T) {
	dir := t.TempDir()
	mazes := "../../tasks/testdata/maze_tiny.csv"
	run := filepath.Join(dir, "train")
	if _, errOut, err := runCLI(t, "train", "--preset", "maze-att", "--override", tinyMazeOverride, "--set", mazes,
		"--batch", "2", "--steps", "1", "--warmup", "1", "--out", run); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	model := filepath.Join(dir, "nan.safetensors")
	rewriteTensors(t, filepath.Join(run, "model.safetensors"), model, func(name string, v []float32) {
		if strings.HasPrefix(name, "embed_tokens") {
			for i := range v {
				v[i] = 3e38
			}
		}
	})
	out := filepath.Join(dir, "run.jsonl")
	stdout, errOut, err := runCLI(t, "eval", "--model", model, "--set", mazes, "--out", out, "--format", "json")
	if err != nil {
		t.Fatalf("eval of a NaN model: %v\n%s", err, errOut)
	}
	var s struct {
		N      int `json:"n"`
		Solved int `json:"solved"`
		Empty  int `json:"empty"`
		NaN    int `json:"nan_outputs"`
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if s.N != 2 || s.NaN != 2 || s.Solved != 0 || s.Empty != 2 {
		t.Errorf("summary %s: want 2 puzzles, 2 with NaN outputs, 0 solved, 2 empty", stdout)
	}
	raw, _ := os.ReadFile(out)
	if strings.Count(string(raw), `"q_halt_prob":null`) != 2 {
		t.Errorf("run file:\n%s\nwant q_halt_prob null for both puzzles", raw)
	}
	r, err := results.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range r.Items {
		if !math.IsNaN(float64(it.QHalt)) || it.NaNViews != 1 || it.Solved() {
			t.Errorf("item %s: q %v, nan views %d, solved %v", it.Key(), it.QHalt, it.NaNViews, it.Solved())
		}
	}
	text, _, err := runCLI(t, "score", out)
	if err != nil || !strings.Contains(text, "NaN outputs     2 test inputs") {
		t.Errorf("score: %v\n%s", err, text)
	}
	if _, errOut, err := runCLI(t, "eval", "--model", model, "--set", mazes, "--out", out, "--resume"); err != nil {
		t.Errorf("resume of a run file with null q_halt_prob: %v\n%s", err, errOut)
	}
}

// import refuses what eval would refuse: NaN or ±Inf anywhere in the
// checkpoint, including puzzle-table rows (which eval reads only when a
// puzzle uses them), naming the tensor and the element; nothing is written.
func TestImportRefusesNonFiniteWeights(t *testing.T) {
	for _, tc := range []struct{ fixture, kind string }{{"tiny_trm_att", "trm"}, {"tiny_hrm", "hrm"}, {"tiny_direct", "transformer_baseline"}} {
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(-1))} {
			dir := t.TempDir()
			ckpt := filepath.Join(dir, "ckpt.safetensors")
			src := testenv.Fixture(t, tc.fixture) + ".state_dict"
			target := nonFiniteTarget(t, src)
			rewriteTensors(t, src, ckpt, func(name string, v []float32) {
				if name == target {
					v[3] = bad
				}
			})
			out := filepath.Join(dir, "native.safetensors")
			_, errOut, err := runCLI(t, "import", ckpt, "--kind", tc.kind, "--config", testenv.Fixture(t, tc.fixture)+".json", "--out", out)
			want := fmt.Sprintf("tensor %q: element 3 is %v", target, bad)
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), ckpt) {
				t.Errorf("%s with %v in %s: %v (want it to name %s and %s)\n%s", tc.fixture, bad, target, err, ckpt, want, errOut)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("%s: import wrote %s: %v", tc.fixture, out, err)
			}
		}
	}
}

// nonFiniteTarget picks the tensor to spoil: the puzzle table when the
// checkpoint has one, else its last float tensor of at least 4 values.
func nonFiniteTarget(t *testing.T, path string) string {
	t.Helper()
	f, err := checkpoint.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	target := ""
	for _, name := range f.Keys() {
		tn, _ := f.Tensor(name)
		if !tn.DType.IsFloat() || tn.NumElements() < 4 {
			continue
		}
		if strings.Contains(name, "puzzle_emb") {
			return name
		}
		target = name
	}
	return target
}

// A run that diverges (an absurd learning rate) exits non-zero with
// "loss is NaN at step N"; its folder keeps the checkpoint and model of
// the last good step, which evaluate, and a log of valid JSON lines.
func TestTrainDivergesCleanly(t *testing.T) {
	mazes := "../../tasks/testdata/maze_tiny.csv"
	run := filepath.Join(t.TempDir(), "run")
	_, errOut, err := runCLI(t, "train", "--preset", "maze-att", "--override", tinyMazeOverride, "--set", mazes,
		"--batch", "2", "--steps", "20", "--warmup", "0", "--lr", "1e37", "--log-every", "1", "--checkpoint-every", "1", "--out", run)
	if err == nil || exitCode(err) != 1 || !strings.Contains(err.Error(), "loss is NaN at step ") || !strings.Contains(err.Error(), "the last good state") {
		t.Fatalf("a diverging run: %v (exit %d)\n%s", err, exitCode(err), errOut)
	}
	steps := logSteps(t, filepath.Join(run, "train.jsonl"))
	var n int
	fmt.Sscanf(err.Error()[strings.Index(err.Error(), "at step ")+len("at step "):], "%d", &n)
	if len(steps) != n-1 {
		t.Errorf("log steps %v for a run that diverged at step %d", steps, n)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("holds step %d", n-1)) {
		t.Errorf("%v: want the checkpoint of step %d named", err, n-1)
	}
	if _, errOut, err := runCLI(t, "eval", "--model", filepath.Join(run, "model.safetensors"), "--set", mazes); err != nil {
		t.Errorf("eval of the last good model: %v\n%s", err, errOut)
	}
}
