package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"arceval/harness"

	"github.com/google/go-cmp/cmp"
)

// The quickstart trains every contestant with one recipe, named in its
// flags, so that no family's own default (HRM: no EMA) changes the
// comparison: the five checkpoints hold the same training config, the same
// step count too when the budget scales it down.
func TestQuickstartOneRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("trains five models")
	}
	// The speed measurement and the clock are faked: each model "takes"
	// 100 s a step, so the 10-minute budget (540 s usable) fits 1 of the 2
	// steps asked for, and every model must train exactly 1.
	var measured []string
	quickMeasure = func(q quickRun, m quickModel) (quickSpeed, error) {
		measured = append(measured, m.name)
		return quickSpeed{PerStep: 100 * time.Second}, nil
	}
	clock := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	quickNow = func() time.Time { return clock }
	t.Cleanup(func() { quickMeasure, quickNow = nil, time.Now })
	out := t.TempDir()
	stdout, errOut, err := runCLI(t, "quickstart", "--out", out, "--steps", "2", "--budget", "10m", "--train-size", "16", "--test-size", "4")
	if err != nil {
		t.Fatalf("quickstart: %v\n%s", err, errOut)
	}
	if len(measured) != len(quickSettings["maze"].models) {
		t.Errorf("measured %v", measured)
	}
	if !strings.Contains(stdout, "all models 1 of 2 optimiser steps of 64 examples (scaled down for all alike to fit --budget 10m0s; measured per step: TRM 100 s, TRM-Att 100 s, HRM 100 s, Direct 100 s, MLP 100 s)") {
		t.Errorf("the header does not say the steps were scaled:\n%s", stdout)
	}
	if strings.Contains(stdout, "warning:") {
		t.Errorf("a model was cut:\n%s", stdout)
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
	if first.Steps != 1 {
		t.Errorf("every model trained %d steps, want the planned 1", first.Steps)
	}
	if first.EMA != 0.99 || first.LR != 1e-3 || first.WeightDecay != 0.1 || first.Warmup != 20 || first.GlobalBatch != 64 {
		t.Errorf("the quickstart's values changed: %+v", first)
	}
}
