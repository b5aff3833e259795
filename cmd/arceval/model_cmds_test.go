package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models/act"
	"arceval/models/registry"
)

// import + forward on the tiny fixture of every family: the native file
// reproduces the official outputs stored in the fixture (q_halt, halting,
// confident argmaxes), via the fixture's own JSON as --config and
// --inputs; forward on the official checkpoint (--kind, --config) and on
// an init file of the fixture's shape run too.
func TestImportAndForward(t *testing.T) {
	for _, tc := range []struct{ fixture, kind string }{{"tiny_trm_att", "trm"}, {"tiny_hrm", "hrm"}, {"tiny_direct", "transformer_baseline"}} {
		t.Run(tc.kind, func(t *testing.T) {
			fixture := testenv.Fixture(t, tc.fixture) + ".json"
			ckpt := testenv.Fixture(t, tc.fixture) + ".state_dict"
			native := filepath.Join(t.TempDir(), "tiny.safetensors")
			out, errOut, err := runCLI(t, "import", ckpt, "--kind", tc.kind, "--config", fixture, "--out", native)
			if err != nil {
				t.Fatalf("%v\n%s", err, errOut)
			}
			if !strings.Contains(out, "tensors (key prefix \"_orig_mod.model.inner.\")") || !strings.Contains(out, "("+tc.kind+")") {
				t.Errorf("unexpected import output %q", out)
			}
			checkForward(t, fixture, "--model", native)
			checkForward(t, fixture, "--model", ckpt, "--kind", tc.kind, "--config", fixture)
			initFile := filepath.Join(t.TempDir(), "init.safetensors")
			if out, errOut, err := runCLI(t, "init", "--kind", tc.kind, "--config", fixture, "--seed", "2", "--out", initFile); err != nil {
				t.Fatalf("init: %v\n%s", err, errOut)
			} else if !strings.Contains(out, "untrained "+tc.kind+" ("+fixture+"), hidden 32, seq_len 16, vocab 7, 3 puzzle ids") {
				t.Errorf("init output %q", out)
			}
			res := filepath.Join(t.TempDir(), "init.json")
			if _, errOut, err := runCLI(t, "forward", "--model", initFile, "--inputs", fixture, "--steps", "2", "--out", res); err != nil {
				t.Fatalf("forward on the init file: %v\n%s", err, errOut)
			}
		})
	}
}

// checkForward runs forward with args on a fixture's batch and compares
// each step's q_halt, halting and confident argmaxes with the fixture's.
func checkForward(t *testing.T, fixture string, args ...string) {
	t.Helper()
	res := filepath.Join(t.TempDir(), "out.json")
	if _, errOut, err := runCLI(t, append([]string{"forward", "--inputs", fixture, "--out", res}, args...)...); err != nil {
		t.Fatalf("forward %v: %v\n%s", args, err, errOut)
	}
	type step struct {
		Step   int           `json:"step"`
		QHalt  []float64     `json:"q_halt"`
		Argmax [][]int       `json:"argmax"`
		Logits [][][]float64 `json:"logits"`
		Halted []bool        `json:"halted"`
	}
	var got struct {
		EvalSteps []step          `json:"eval_steps"`
		Config    json.RawMessage `json:"config"`
	}
	var want struct {
		EvalSteps []step `json:"eval_steps"`
	}
	for path, dst := range map[string]any{res: &got, fixture: &want} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, dst); err != nil {
			t.Fatal(err)
		}
	}
	if len(got.EvalSteps) < len(want.EvalSteps) || len(got.Config) == 0 {
		t.Fatalf("%d steps, fixture has %d; config %s", len(got.EvalSteps), len(want.EvalSteps), got.Config)
	}
	for i, w := range want.EvalSteps {
		g := got.EvalSteps[i]
		for r := range w.QHalt {
			if math.Abs(g.QHalt[r]-w.QHalt[r]) > 1e-4 || g.Halted[r] != w.Halted[r] {
				t.Errorf("step %d row %d: q_halt %g halted %v, fixture %g %v", g.Step, r, g.QHalt[r], g.Halted[r], w.QHalt[r], w.Halted[r])
			}
		}
		if len(g.Logits) != len(w.Logits) || len(g.Argmax[0]) != len(w.Argmax[0]) {
			t.Errorf("step %d: output shapes differ from the fixture", g.Step)
		}
		for r := range w.Logits {
			for p, ref := range w.Logits[r] {
				best, second := math.Inf(-1), math.Inf(-1)
				for _, v := range ref {
					if v > best {
						best, second = v, best
					} else if v > second {
						second = v
					}
				}
				if best-second > 1e-3 && g.Argmax[r][p] != w.Argmax[r][p] {
					t.Errorf("step %d row %d position %d: argmax %d, fixture %d", g.Step, r, p, g.Argmax[r][p], w.Argmax[r][p])
				}
			}
		}
	}
}

// bench times every family's models (here: of the tiny fixtures' shapes
// and the MLP baseline's), with their GFLOP/s.
func TestBenchEveryFamily(t *testing.T) {
	for _, f := range registry.Families {
		t.Run(f.Kind(), func(t *testing.T) {
			cfg, err := benchConfig(f, f.Presets()[0])
			if err != nil {
				t.Fatal(err)
			}
			// A small model of the family: the preset's shape with a small
			// hidden size, few layers and steps.
			if err := act.Override(cfg, []byte(`{"hidden_size":16,"num_heads":2,"H_layers":1,"L_layers":1,"H_cycles":1,"L_cycles":1,"halt_max_steps":2,"seq_len":8,"puzzle_emb_ndim":16}`)); err != nil {
				t.Fatal(err)
			}
			m, err := f.Load(cfg, act.InitTensors(cfg.Specs(), 1))
			if err != nil {
				t.Fatal(err)
			}
			if rate, err := benchModel(m, 2, 3, 1); err != nil || !(rate > 0) {
				t.Errorf("rate %v, %v", rate, err)
			}
			if fl, ok := cfg.(interface{ FLOPsPerStep() float64 }); !ok || !(fl.FLOPsPerStep() > 0) {
				t.Error("no FLOPs per step")
			}
		})
	}
}

func TestImportErrors(t *testing.T) {
	ckpt := testenv.Fixture(t, "tiny_trm_att") + ".state_dict"
	if _, _, err := runCLI(t, "import", ckpt, "--out", filepath.Join(t.TempDir(), "x")); err == nil || exitCode(err) != 2 {
		t.Errorf("import without config: err %v", err)
	}
	_, _, err := runCLI(t, "import", ckpt, "--preset", "sudoku-mlp", "--out", filepath.Join(t.TempDir(), "x"))
	if err == nil || !strings.Contains(err.Error(), "does not match the TRM config") {
		t.Errorf("mismatched preset: err %v", err)
	}
	if _, _, err := runCLI(t, "forward", "--model", ckpt, "--inputs", testenv.Fixture(t, "tiny_trm_att")+".json"); err == nil {
		t.Error("official checkpoint without config accepted")
	}
}
