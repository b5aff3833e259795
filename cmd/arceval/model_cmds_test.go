package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

// import + forward on the tiny fixture: the native file reproduces the
// official outputs stored in the fixture, via the fixture's own JSON as
// --config and --inputs.
func TestImportAndForward(t *testing.T) {
	fixture := testenv.Fixture(t, "tiny_trm_att") + ".json"
	native := filepath.Join(t.TempDir(), "tiny.safetensors")
	out, errOut, err := runCLI(t, "import", testenv.Fixture(t, "tiny_trm_att")+".state_dict", "--config", fixture, "--out", native)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "tensors (key prefix \"_orig_mod.model.inner.\")") {
		t.Errorf("unexpected import output %q", out)
	}
	res := filepath.Join(t.TempDir(), "out.json")
	if _, errOut, err := runCLI(t, "forward", "--model", native, "--inputs", fixture, "--out", res); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var got, want struct {
		EvalSteps []struct {
			Step   int           `json:"step"`
			QHalt  []float64     `json:"q_halt"`
			Argmax [][]int       `json:"argmax"`
			Logits [][][]float64 `json:"logits"`
			Halted []bool        `json:"halted"`
		} `json:"eval_steps"`
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
	if len(got.EvalSteps) != len(want.EvalSteps) {
		t.Fatalf("%d steps, fixture has %d", len(got.EvalSteps), len(want.EvalSteps))
	}
	for i, g := range got.EvalSteps {
		w := want.EvalSteps[i]
		for r := range g.QHalt {
			if math.Abs(g.QHalt[r]-w.QHalt[r]) > 1e-4 || g.Halted[r] != w.Halted[r] {
				t.Errorf("step %d row %d: q_halt %g halted %v, fixture %g %v", g.Step, r, g.QHalt[r], g.Halted[r], w.QHalt[r], w.Halted[r])
			}
		}
		if len(g.Logits) != len(w.Logits) || len(g.Argmax[0]) != len(w.Argmax[0]) {
			t.Errorf("step %d: output shapes differ from the fixture", g.Step)
		}
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
