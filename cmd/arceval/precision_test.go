package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/results"
)

// --precision bf16: forward marks its output and computes other values than
// fp32 (whose output keeps its layout); eval records the precision in the
// run's protocol; an unknown precision is a usage error; training refuses
// bf16.
func TestPrecisionFlag(t *testing.T) {
	dir := t.TempDir()
	test := filepath.Join(dir, "test.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "4", "--size", "5", "--min-path", "3", "--seed", "2", "--out", test); err != nil {
		t.Fatalf("gen: %v %s", err, errOut)
	}
	model := tinyModel(t, 25, 6)
	inputs := filepath.Join(dir, "inputs.json")
	row := "[" + strings.TrimSuffix(strings.Repeat("2,3,", 12), ",") + ",4]"
	os.WriteFile(inputs, []byte(`{"inputs": [`+row+`,`+row+`], "puzzle_identifiers": [0, 1]}`), 0o644)
	forward := func(prec string) map[string]any {
		out, errOut, err := runCLI(t, "forward", "--model", model, "--inputs", inputs, "--precision", prec)
		if err != nil {
			t.Fatalf("forward --precision %s: %v\n%s", prec, err, errOut)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	fp, bf := forward("fp32"), forward("bf16")
	if _, ok := fp["precision"]; ok || bf["precision"] != results.PrecisionBF16 {
		t.Errorf("precision fields: fp32 %v, bf16 %v", fp["precision"], bf["precision"])
	}
	fs, _ := json.Marshal(fp["eval_steps"])
	bs, _ := json.Marshal(bf["eval_steps"])
	if string(fs) == string(bs) {
		t.Error("bf16 forward gives the fp32 values")
	}
	for _, prec := range []string{"fp32", "bf16"} {
		out := filepath.Join(dir, prec+".jsonl")
		if _, errOut, err := runCLI(t, "eval", "--model", model, "--set", test, "--precision", prec, "--out", out); err != nil {
			t.Fatalf("eval --precision %s: %v\n%s", prec, err, errOut)
		}
		r, err := results.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"fp32": results.PrecisionFloat32, "bf16": results.PrecisionBF16}[prec]
		if p := r.Header.Protocol; p == nil || p.Precision != want {
			t.Errorf("eval --precision %s: protocol %+v", prec, p)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"forward", "--model", model, "--inputs", inputs, "--precision", "fp16"}, `--precision "fp16": want fp32 or bf16`},
		{[]string{"train", "--preset", "maze-att", "--set", test, "--out", filepath.Join(dir, "run"), "--precision", "bf16"}, "training runs in float32"},
		{[]string{"bench", "--train", "--precision", "bf16"}, "training runs in float32"},
		{[]string{"bench", "--plan", "maze", "--precision", "fp32,bf16"}, "takes one precision"},
		{[]string{"bench", "--precision", "bf16,bfloat16"}, "bfloat16 given twice"},
	} {
		_, _, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "--precision: --precision") {
			t.Errorf("%s: err = %v, want %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}
