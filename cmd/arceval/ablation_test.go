package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"arceval/harness"
	"arceval/models/trm"

	"github.com/google/go-cmp/cmp"
)

// no-recursion and no-deep-supervision each change exactly what they say
// and nothing of the recipe; trained, a no-deep-supervision TRM takes one
// supervision step per example.
func TestRecursionAndDeepSupervisionAblations(t *testing.T) {
	base, _ := trm.Preset("sudoku-mlp")
	for _, tc := range []struct {
		name string
		want func(c *trm.Config)
	}{
		{"no-recursion", func(c *trm.Config) { c.HCycles, c.LCycles = 1, 1 }},
		{"no-deep-supervision", func(c *trm.Config) { c.HaltMaxSteps = 1 }},
	} {
		model, recipe, err := parseAblations(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		got, want := base, base
		model(&got)
		tc.want(&want)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: config (-want +got):\n%s", tc.name, diff)
		}
		rc := harness.DefaultTrainConfig(3)
		recipe(&rc)
		if diff := cmp.Diff(harness.DefaultTrainConfig(3), rc); diff != "" {
			t.Errorf("%s changed the recipe (-default +got):\n%s", tc.name, diff)
		}
	}

	dir := t.TempDir()
	mazes := filepath.Join(dir, "mazes.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "maze", "--n", "8", "--size", "4", "--min-path", "2", "--seed", "3", "--out", mazes); err != nil {
		t.Fatalf("gen: %v %s", err, errOut)
	}
	for _, tc := range []struct {
		ablation               string
		hCycles, lCycles, halt int
	}{{"no-recursion", 1, 1, 3}, {"no-deep-supervision", 2, 2, 1}} {
		run := filepath.Join(dir, tc.ablation)
		if _, errOut, err := runCLI(t, "train", "--preset", "sudoku-mlp", "--override", `{"hidden_size":16,"L_layers":1,"H_cycles":2,"L_cycles":2,"halt_max_steps":3,"puzzle_emb_ndim":0}`,
			"--ablation", tc.ablation, "--set", mazes, "--batch", "4", "--steps", "2", "--warmup", "1", "--log-every", "1", "--out", run); err != nil {
			t.Fatalf("train: %v\n%s", err, errOut)
		}
		ck, err := harness.OpenCheckpoint(filepath.Join(run, harness.CheckpointFile))
		if err != nil {
			t.Fatal(err)
		}
		c, err := trm.ParseConfig(ck.Config)
		ck.Close()
		if err != nil {
			t.Fatal(err)
		}
		if c.HCycles != tc.hCycles || c.LCycles != tc.lCycles || c.HaltMaxSteps != tc.halt {
			t.Errorf("%s: T %d n %d halt_max_steps %d", tc.ablation, c.HCycles, c.LCycles, c.HaltMaxSteps)
		}
		if tc.halt == 1 {
			for _, r := range trainLog(t, filepath.Join(run, harness.LogFile)) {
				if r.Halted != 4 || r.Steps != 1 {
					t.Errorf("%s step %d: %d rows halted after %.2f steps, want all 4 after 1", tc.ablation, r.Step, r.Halted, r.Steps)
				}
			}
		}
	}
}

type logRecord struct {
	Step   int     `json:"step"`
	Halted int     `json:"halted"`
	Steps  float64 `json:"steps"`
}

func trainLog(t *testing.T, path string) []logRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []logRecord
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r logRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		if r.Step > 0 {
			recs = append(recs, r)
		}
	}
	if len(recs) == 0 {
		t.Fatalf("%s: no step records", path)
	}
	return recs
}
