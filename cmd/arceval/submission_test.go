package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/harness"
	"arceval/internal/testenv"
	"arceval/tasks"
)

// submission validate: a complete submission of a set passes; the one eval
// writes for a subset names the tasks it lacks; a broken grid is named by
// task, test, attempt, row and column; problems exit 1.
func TestSubmissionValidateCLI(t *testing.T) {
	data := testenv.DataRoot(t)
	const setName = "concept-arc/minimal"
	set, err := tasks.LoadSet(data, setName)
	if err != nil {
		t.Fatal(err)
	}
	sub := harness.Submission{}
	for _, task := range set.Tasks {
		for _, p := range task.Test {
			sub[task.ID] = append(sub[task.ID], harness.SubmissionEntry{Attempt1: p.Output.Rows(), Attempt2: p.Input.Rows()})
		}
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	f, _ := os.Create(good)
	sub.Write(f)
	f.Close()
	out, errOut, err := runCLI(t, "submission", "validate", good, "--set", setName, "--data", data)
	if err != nil || !strings.Contains(out, "valid, against "+setName) {
		t.Fatalf("a complete submission: %v\n%s%s", err, out, errOut)
	}

	first := set.Tasks[0]
	broken := sub
	rows := first.Test[0].Output.Rows()
	rows[0][0] = 10
	broken[first.ID][0].Attempt2 = rows
	delete(broken, set.Tasks[1].ID)
	bad := filepath.Join(dir, "bad.json")
	f, _ = os.Create(bad)
	broken.Write(f)
	f.Close()
	_, errOut, err = runCLI(t, "submission", "validate", bad, "--set", setName, "--data", data)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d (%v), want 1", exitCode(err), err)
	}
	for _, want := range []string{
		bad + ": task " + first.ID + ": test 0: attempt_2: row 0 col 0: 10 is not a colour 0–9",
		bad + ": task " + set.Tasks[1].ID + ": missing",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// Without a set only the structure is checked: the missing task passes,
	// the bad colour does not.
	_, errOut, err = runCLI(t, "submission", "validate", bad)
	if exitCode(err) != 1 || strings.Contains(errOut, "missing") || !strings.Contains(errOut, "10 is not a colour") {
		t.Errorf("without --set: %v\n%s", err, errOut)
	}
	if _, _, err := runCLI(t, "submission", "validate", filepath.Join(dir, "absent.json")); err == nil {
		t.Error("a missing file was accepted")
	}
}

// submission write turns merged shards into the submission a single eval
// --submission writes, byte for byte.
func TestSubmissionWriteFromMergedShards(t *testing.T) {
	data := testenv.DataRoot(t)
	model := tinyModel(t, 900, 12)
	dir := t.TempDir()
	args := []string{"eval", "--model", model, "--set", "concept-arc/minimal", "--data", data, "--limit", "4", "--views", "2", "--seed", "3"}
	whole := filepath.Join(dir, "whole.json")
	if _, errOut, err := runCLI(t, append(args, "--out", filepath.Join(dir, "whole.jsonl"), "--submission", whole)...); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var shards []string
	for _, k := range []string{"1/2", "2/2"} {
		p := filepath.Join(dir, "shard"+k[:1]+".jsonl")
		if _, errOut, err := runCLI(t, append(args, "--shard", k, "--out", p)...); err != nil {
			t.Fatalf("%v\n%s", err, errOut)
		}
		shards = append(shards, p)
	}
	merged := filepath.Join(dir, "merged.jsonl")
	if _, errOut, err := runCLI(t, append(append([]string{"merge"}, shards...), "--out", merged)...); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	written := filepath.Join(dir, "written.json")
	if _, errOut, err := runCLI(t, "submission", "write", merged, "--out", written); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	a, _ := os.ReadFile(whole)
	b, _ := os.ReadFile(written)
	if len(a) == 0 || string(a) != string(b) {
		t.Errorf("the submission of the merged shards differs from eval's:\n%s\nvs\n%s", b, a)
	}
	if _, _, err := runCLI(t, "submission", "write", shards[0], "--out", written); err == nil || !strings.Contains(err.Error(), "merge") {
		t.Errorf("a lone shard: %v", err)
	}
}
