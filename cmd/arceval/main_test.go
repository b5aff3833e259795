package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

// runCLI runs arceval with args and returns stdout, stderr and the error.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(args, &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestUsageAndExitCodes(t *testing.T) {
	cases := []struct {
		name     string
		args     []string
		wantCode int // 0 = no error
		wantOut  string
		wantErr  string
	}{
		{"no args", nil, 2, "", "Usage: arceval"},
		{"help", []string{"help"}, 0, "Commands:", ""},
		{"--help", []string{"--help"}, 0, "data", ""},
		{"unknown", []string{"frobnicate"}, 2, "", "Usage"},
		{"version", []string{"version"}, 0, "go        go1.", ""},
		{"data no sub", []string{"data"}, 2, "", "Subcommands"},
		{"data unknown", []string{"data", "nope"}, 2, "", "Subcommands"},
		{"data help", []string{"help", "data"}, 0, "validate", ""},
		{"bad flag", []string{"data", "ls", "--nope"}, 2, "", "Usage: arceval data ls"},
		{"bad format", []string{"data", "stats", "--format", "xml"}, 2, "", ""},
		{"show needs args", []string{"data", "show"}, 2, "", ""},
		{"build needs out", []string{"data", "build", "arc"}, 2, "", ""},
		{"unknown set", []string{"data", "stats", "no-such-set"}, 1, "", ""},
		{"models no sub", []string{"models"}, 2, "", "Subcommands"},
		{"models help", []string{"help", "models"}, 0, "fetch", ""},
		{"models fetch needs names", []string{"models", "fetch"}, 2, "", "Usage: arceval models fetch"},
		{"models fetch unknown", []string{"models", "fetch", "no-such-model"}, 2, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, err := runCLI(t, tc.args...)
			code := 0
			if err != nil {
				code = exitCode(err)
			}
			if code != tc.wantCode {
				t.Fatalf("exit code %d (err %v), want %d", code, err, tc.wantCode)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout %q does not contain %q", out, tc.wantOut)
			}
			if !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr %q does not contain %q", errOut, tc.wantErr)
			}
		})
	}
}

// The counts the benchmark definitions fix (issue "Done when").
func TestDataStatsCounts(t *testing.T) {
	root := testenv.DataRoot(t)
	want := map[string][2]int{
		"arc-agi-1/evaluation":            {400, 419},
		"arc-agi-2/evaluation":            {120, 167},
		"trm-kaggle/evaluation2":          {120, 172},
		"concept-arc":                     {160, 480},
		"maze-hard/test":                  {1000, 1000},
		"sudoku-extreme/test-sample-1200": {1200, 1200},
	}
	args := []string{"data", "stats", "--data", root, "--format", "json"}
	for name := range want {
		args = append(args, name)
	}
	out, _, err := runCLI(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Set        string `json:"set"`
		Tasks      int    `json:"tasks"`
		TestInputs int    `json:"test_inputs"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d sets in output, want %d", len(got), len(want))
	}
	for _, g := range got {
		if w := want[g.Set]; g.Tasks != w[0] || g.TestInputs != w[1] {
			t.Errorf("%s: %d tasks / %d test inputs, want %d / %d", g.Set, g.Tasks, g.TestInputs, w[0], w[1])
		}
	}
}

func TestDataValidate(t *testing.T) {
	root := testenv.DataRoot(t)
	if _, _, err := runCLI(t, "data", "validate", "--data", root, "arc-agi-1/evaluation", "maze-hard/test"); err != nil {
		t.Fatal(err)
	}
	// A corrupted copy of one task: a ragged row and a colour out of range.
	dir := t.TempDir()
	good := `{"train":[{"input":[[1,2],[3,4]],"output":[[1]]}],"test":[{"input":[[0]],"output":[[5]]}]}`
	bad := `{"train":[{"input":[[1,2],[3]],"output":[[1]]}],"test":[{"input":[[0]],"output":[[12]]}]}`
	os.WriteFile(filepath.Join(dir, "a.json"), []byte(good), 0o644)
	os.WriteFile(filepath.Join(dir, "b.json"), []byte(bad), 0o644)
	out, errOut, err := runCLI(t, "data", "validate", dir)
	if err == nil || exitCode(err) != 1 || !errors.Is(err, errSilent) {
		t.Fatalf("err = %v, want a failure with exit code 1", err)
	}
	for _, want := range []string{"b.json: train[0].input: row 1 has 1 cells, row 0 has 2", "b.json: test[0].output: row 0, column 0: value 12"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
	if !strings.Contains(out, "FAIL") {
		t.Errorf("stdout %q lacks FAIL", out)
	}
}

func TestDataShow(t *testing.T) {
	root := testenv.DataRoot(t)
	out, _, err := runCLI(t, "data", "show", "--data", root, "--colour", "never", "arc-agi-1/evaluation", "00576224")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "train[0]  input 2×2 → output 6×6") || !strings.Contains(out, "test[0]") {
		t.Errorf("unexpected rendering:\n%s", out)
	}
	out, _, err = runCLI(t, "data", "show", "--data", root, "--colour", "always", "arc-agi-1/evaluation", "00576224")
	if err != nil || !strings.Contains(out, "\x1b[48;2;") {
		t.Errorf("no ARC palette colours with --colour always (err %v)", err)
	}
	if _, _, err := runCLI(t, "data", "show", "--data", root, "arc-agi-1/evaluation", "nope"); err == nil {
		t.Error("unknown task id accepted")
	}
}

func TestDataBuildAndLeakage(t *testing.T) {
	root := testenv.DataRoot(t)
	out := filepath.Join(t.TempDir(), "arc")
	stdout, _, err := runCLI(t, "data", "build", "arc", "--data", root, "--num-aug", "1", "--out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "puzzle identifiers") {
		t.Errorf("unexpected output %q", stdout)
	}
	if _, _, err := runCLI(t, "data", "build", "arc", "--data", root, "--num-aug", "1", "--out", out); err == nil {
		t.Error("existing output overwritten without --force")
	}
	if _, _, err := runCLI(t, "data", "validate", filepath.Join(out, "test")); err != nil {
		t.Errorf("built test split does not validate: %v", err)
	}
	stdout, _, err = runCLI(t, "data", "leakage", "--data", root, "--eval", "arc-agi-1/evaluation", "--train", "arc-agi-2/training", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var reps []struct {
		SharedTaskIDs []string `json:"shared_task_ids"`
	}
	if err := json.Unmarshal([]byte(stdout), &reps); err != nil {
		t.Fatal(err)
	}
	// ARC-AGI-2 training contains a large part of ARC-AGI-1 evaluation.
	if len(reps) != 1 || len(reps[0].SharedTaskIDs) < 100 {
		t.Errorf("ARC-AGI-2 training shares %v ARC-AGI-1 evaluation task ids, want ≥ 100", reps)
	}
}

func TestDataFetchVerify(t *testing.T) {
	root := testenv.DataRoot(t)
	out, errOut, err := runCLI(t, "data", "fetch", "--verify", "--data", root, "arc-agi-1", "trm-kaggle")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "verify") {
		t.Errorf("unexpected output %q", out)
	}
}

// Generated files validate, and puzzle i depends only on (seed, i).
func TestDataGen(t *testing.T) {
	dir := t.TempDir()
	for _, kind := range []string{"sudoku", "maze"} {
		t.Run(kind, func(t *testing.T) {
			var files []string
			for _, threads := range []string{"1", "2"} {
				path := filepath.Join(dir, kind+threads+".csv")
				args := []string{"data", "gen", kind, "--n", "6", "--seed", "3", "--threads", threads, "--out", path}
				if kind == "maze" {
					args = append(args, "--size", "12", "--min-path", "20")
				}
				out, errOut, err := runCLI(t, args...)
				if err != nil {
					t.Fatalf("%v\n%s", err, errOut)
				}
				if !strings.Contains(out, "wrote 6 puzzles") || !strings.Contains(out, "(validated)") {
					t.Errorf("unexpected output %q", out)
				}
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, string(data))
			}
			if files[0] != files[1] {
				t.Error("output depends on --threads")
			}
		})
	}
}
