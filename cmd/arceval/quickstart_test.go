package main

import (
	"path/filepath"
	"strings"
	"testing"

	"arceval/harness"

	"github.com/google/go-cmp/cmp"
)

// The quickstart trains every contestant with one recipe, named in its
// flags, so that no family's own default (HRM: no EMA) changes the
// comparison: the five checkpoints hold the same training config.
func TestQuickstartOneRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("trains five models")
	}
	out := t.TempDir()
	if _, errOut, err := runCLI(t, "quickstart", "--out", out, "--steps", "1", "--train-size", "16", "--test-size", "4"); err != nil {
		t.Fatalf("quickstart: %v\n%s", err, errOut)
	}
	var first harness.TrainConfig
	for i, m := range quickSettings["maze"].models {
		ck, err := harness.OpenCheckpoint(filepath.Join(out, "train", strings.ToLower(m.name), harness.CheckpointFile))
		if err != nil {
			t.Fatal(err)
		}
		c := ck.TrainConfig()
		ck.Close()
		if c.Recipe != quickRecipe {
			t.Errorf("%s: recipe %q", m.name, c.Recipe)
		}
		if i == 0 {
			first = c
		} else if diff := cmp.Diff(first, c); diff != "" {
			t.Errorf("%s trained with another config than %s (-%[2]s +%[1]s):\n%[3]s", m.name, quickSettings["maze"].models[0].name, diff)
		}
	}
	if first.EMA != 0.99 || first.LR != 1e-3 || first.WeightDecay != 0.1 || first.Warmup != 20 || first.GlobalBatch != 64 {
		t.Errorf("the quickstart's values changed: %+v", first)
	}
}
