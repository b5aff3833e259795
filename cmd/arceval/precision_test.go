package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"arceval/models/nn"
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
		{[]string{"bench", "--plan", "maze", "--precision", "fp32,bf16"}, "takes one precision"},
		{[]string{"bench", "--precision", "bf16,bfloat16"}, "bfloat16 given twice"},
	} {
		_, _, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "--precision: --precision") {
			t.Errorf("%s: err = %v, want %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}

// $ARCEVAL_BF16_KERNEL picks the bf16 kernel: version names it, an eval
// run's header records it, the chain kernels (all but amx) give the same
// forward output, and an unknown name is a usage error naming the variable.
func TestBF16KernelEnv(t *testing.T) {
	prev := nn.BF16Kernel()
	t.Cleanup(func() { nn.SetBF16Kernel(prev) })
	dir := t.TempDir()
	model := tinyModel(t, 25, 6)
	inputs := filepath.Join(dir, "inputs.json")
	row := "[" + strings.TrimSuffix(strings.Repeat("2,3,", 12), ",") + ",4]"
	os.WriteFile(inputs, []byte(`{"inputs": [`+row+`], "puzzle_identifiers": [0]}`), 0o644)
	test := filepath.Join(dir, "test.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "2", "--size", "5", "--min-path", "3", "--seed", "2", "--out", test); err != nil {
		t.Fatalf("gen: %v %s", err, errOut)
	}
	chainOut := ""
	for _, name := range nn.BF16Kernels() {
		t.Setenv("ARCEVAL_BF16_KERNEL", name)
		out, _, err := runCLI(t, "version")
		if err != nil || !strings.Contains(out, "bf16      "+name+" ") {
			t.Errorf("%s: version: %v\n%s", name, err, out)
		}
		fwd, errOut, err := runCLI(t, "forward", "--model", model, "--inputs", inputs, "--precision", "bf16")
		if err != nil {
			t.Fatalf("%s: forward: %v\n%s", name, err, errOut)
		}
		if slices.Contains(nn.BF16ChainKernels(), name) {
			if chainOut == "" {
				chainOut = fwd
			} else if fwd != chainOut {
				t.Errorf("%s: forward output differs from the first chain kernel's", name)
			}
		}
		rec := filepath.Join(dir, name+".jsonl")
		if _, errOut, err := runCLI(t, "eval", "--model", model, "--set", test, "--precision", "bf16", "--out", rec); err != nil {
			t.Fatalf("%s: eval: %v\n%s", name, err, errOut)
		}
		r, err := results.Read(rec)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(r.Header.Kernel, ", bf16 "+name) {
			t.Errorf("%s: header kernel %q does not name the bf16 kernel", name, r.Header.Kernel)
		}
	}
	t.Setenv("ARCEVAL_BF16_KERNEL", "no-such")
	_, errOut, err := runCLI(t, "version")
	if code := exitCode(err); code != 2 || err == nil || !strings.Contains(err.Error(), "ARCEVAL_BF16_KERNEL") {
		t.Errorf("unknown kernel: exit %d, %v %s", code, err, errOut)
	}
}

// train --precision bf16 trains a model's network in bf16 (every family):
// the run finishes with finite losses, its evaluations record the bf16
// protocol, and a resumed run keeps the precision from its options.
func TestTrainBF16(t *testing.T) {
	mazes := "../../tasks/testdata/maze_tiny.csv"
	small := `{"hidden_size":16,"num_heads":2,"H_layers":1,"L_layers":1,"H_cycles":1,"L_cycles":1,"halt_max_steps":2,"puzzle_emb_ndim":0}`
	for _, tc := range []struct{ kind, preset, override string }{
		{"trm", "maze-att", tinyMazeOverride}, {"trm", "sudoku-mlp", tinyMazeOverride},
		{"hrm", "maze-30x30-hard", small}, {"transformer_baseline", "maze", small},
	} {
		t.Run(tc.kind+"/"+tc.preset, func(t *testing.T) {
			run := filepath.Join(t.TempDir(), "run")
			// --budget 1ns: the first process trains one of the 2 steps.
			args := []string{"train", "--kind", tc.kind, "--preset", tc.preset, "--override", tc.override, "--set", mazes, "--eval-set", mazes,
				"--eval-every", "1", "--seed", "7", "--batch", "2", "--steps", "2", "--warmup", "1", "--precision", "bf16", "--out", run}
			if _, errOut, err := runCLI(t, append(args, "--budget", "1ns")...); err != nil {
				t.Fatalf("train: %v\n%s", err, errOut)
			}
			_, errOut, err := runCLI(t, "train", "--resume", run, "--set", mazes, "--eval-set", mazes)
			if err != nil {
				t.Fatalf("resume: %v\n%s", err, errOut)
			}
			for _, step := range []string{"step-0000001.jsonl", "step-0000002.jsonl"} {
				ev, err := results.Read(filepath.Join(run, "eval", step))
				if err != nil {
					t.Fatal(err)
				}
				if p := ev.Header.Protocol; p == nil || p.Precision != results.PrecisionBF16 {
					t.Errorf("%s: protocol %+v, want precision %s", step, p, results.PrecisionBF16)
				}
			}
		})
	}
}

// bench --train times each precision in its own row beside the PyTorch
// anchor (a stand-in script here), says that a bf16 row's ratio compares
// different precisions, and gives each row its own ratio to the anchor.
func TestBenchTrainPrecisions(t *testing.T) {
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("no /usr/bin/python3 for the anchor stand-in")
	}
	script := filepath.Join(t.TempDir(), "anchor.py")
	os.WriteFile(script, []byte("print('mode=train train_examples_per_s=2.000')\n"), 0o644)
	out, errOut, err := runCLI(t, "bench", "--train", "--preset", "sudoku-mlp", "--batch", "1", "--reps", "1",
		"--precision", "fp32,bf16", "--torch", script)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "a bf16 row's ratio compares different precisions") {
		t.Errorf("no note on the bf16 row's ratio:\n%s", out)
	}
	for _, prec := range []string{"fp32", "bf16"} {
		var rate, torch float64
		var ratio string
		found := false
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) == 9 && f[0] == "sudoku-mlp" && f[2] == prec {
				rate, _ = strconv.ParseFloat(f[3], 64)
				torch, _ = strconv.ParseFloat(f[7], 64)
				ratio, found = f[8], true
			}
		}
		if !found || rate <= 0 || torch != 2 || ratio != fmt.Sprintf("%.2f×", rate/2) {
			t.Errorf("%s row: found %v, rate %v, torch %v, ratio %q\n%s", prec, found, rate, torch, ratio, out)
		}
	}
}
