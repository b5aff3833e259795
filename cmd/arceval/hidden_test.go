package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/harness"
	"arceval/results"
)

// hiddenChallenges writes the tasks of tinyARCDir as a Kaggle challenges
// file without solutions (test inputs only), as the ARC Prize's hidden test
// set is given; with solutions it also writes the solutions file beside.
func hiddenChallenges(t *testing.T, solutions bool) string {
	t.Helper()
	dir := t.TempDir()
	ch := `{"aaaa1111": {"train": [{"input": [[1, 2], [3, 4]], "output": [[4, 3], [2, 1]]}], "test": [{"input": [[5, 6]]}]},
 "bbbb2222": {"train": [{"input": [[0, 7]], "output": [[7, 0]]}], "test": [{"input": [[1]]}, {"input": [[2, 2, 3]]}]}}`
	path := filepath.Join(dir, "arc-agi_test_challenges.json")
	if err := os.WriteFile(path, []byte(ch), 0o644); err != nil {
		t.Fatal(err)
	}
	if solutions {
		sol := `{"aaaa1111": [[[6, 5]]], "bbbb2222": [[[1]], [[3, 2, 2]]]}`
		if err := os.WriteFile(filepath.Join(dir, "arc-agi_test_solutions.json"), []byte(sol), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// A challenges file without solutions (the ARC Prize's hidden test set)
// evaluates into a submission: one entry per test input with both
// attempts; the run says "no answers" instead of scoring 0%, and what
// needs answers (report, compare, check, scoring a submission, training's
// evaluation) refuses it by name. eval refused the set before.
func TestHiddenTestSetSubmission(t *testing.T) {
	model := tinyModel(t, 900, 12)
	hidden := hiddenChallenges(t, false)
	dir := t.TempDir()
	sub, run := filepath.Join(dir, "submission.json"), filepath.Join(dir, "run.jsonl")
	out, errOut, err := runCLI(t, "eval", "--model", model, "--set", hidden, "--views", "2", "--steps", "2", "--submission", sub, "--out", run)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "no answers") || strings.Contains(out, "task-macro") || strings.Contains(out, "%") {
		t.Errorf("summary of a set without answers:\n%s", out)
	}
	data, err := os.ReadFile(sub)
	if err != nil {
		t.Fatal(err)
	}
	var got harness.Submission
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got["aaaa1111"]) != 1 || len(got["bbbb2222"]) != 2 {
		t.Fatalf("submission %s", data)
	}
	for id, entries := range got {
		for i, e := range entries {
			if len(e.Attempt1) == 0 || len(e.Attempt2) == 0 {
				t.Errorf("%s[%d]: an attempt is empty", id, i)
			}
		}
	}
	rf, err := results.Read(run)
	if err != nil {
		t.Fatal(err)
	}
	if !rf.Header.NoAnswers || len(rf.Items) != 3 || rf.Header.Protocol.SetID != "" {
		t.Errorf("run header no_answers %v, %d items, set %q", rf.Header.NoAnswers, len(rf.Items), rf.Header.Protocol.SetID)
	}
	for _, it := range rf.Items {
		if it.Solved() || it.Rank != 0 {
			t.Errorf("%s: scored against a placeholder answer", it.Key())
		}
	}
	// score says so, in text and JSON.
	if out, _, err := runCLI(t, "score", run); err != nil || !strings.Contains(out, "no answers") || strings.Contains(out, "%") {
		t.Errorf("score: %v\n%s", err, out)
	}
	if out, _, err := runCLI(t, "score", "--format", "json", run); err != nil || !strings.Contains(out, `"no_answers": true`) || strings.Contains(out, "task_macro") {
		t.Errorf("score --format json: %v\n%s", err, out)
	}
	// What needs answers refuses, naming the run or the set.
	for _, args := range [][]string{
		{"report", run},
		{"compare", run, run},
		{"check", "--baseline", run, "--run", run, "--max-drop", "1"},
	} {
		if _, _, err := runCLI(t, args...); err == nil || !strings.Contains(err.Error(), run+": a run on a set without answers") {
			t.Errorf("%s: %v", args[0], err)
		}
	}
	if _, _, err := runCLI(t, "score", "--submission", sub, "--set", hidden); err == nil || !strings.Contains(err.Error(), "a set without answers cannot score a submission") {
		t.Errorf("score --submission on a set without answers: %v", err)
	}
	// Without a submission or a run file, the predictions would be lost.
	if _, _, err := runCLI(t, "eval", "--model", model, "--set", hidden); err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "has no answers") {
		t.Errorf("eval without --submission: %v", err)
	}
	// The same tasks with their solutions score as usual, from the same
	// predictions.
	known := hiddenChallenges(t, true)
	sub2 := filepath.Join(dir, "submission2.json")
	out, errOut, err = runCLI(t, "eval", "--model", model, "--set", known, "--views", "2", "--steps", "2", "--submission", sub2)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.Contains(out, "task-macro") || strings.Contains(out, "no answers") {
		t.Errorf("summary with solutions:\n%s", out)
	}
	data2, _ := os.ReadFile(sub2)
	if string(data2) != string(data) {
		t.Errorf("the predictions differ with and without solutions:\n%s\n%s", data, data2)
	}
}
