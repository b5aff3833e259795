package main

import (
	"strings"
	"testing"

	"arceval/internal/testenv"
)

// show draws a task of a run from its record and the set under --data; not
// on a terminal it is plain (the layout's golden is reports'
// TestTaskViewGolden).
func TestShowCLI(t *testing.T) {
	data := testenv.DataRoot(t)
	run := "testdata/eval_arc.run.jsonl" // concept-arc/minimal, 4 tasks
	out, errOut, err := runCLI(t, "show", run, "--task", "CenterMinimal", "--data", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes in output that is not a terminal")
	}
	for _, want := range []string{"task CenterMinimal (concept-arc/minimal)", "test 0 · ", "test 2 · ", "input 5×5", "expected 5×5", "attempt 1 ", "attempt 2 "} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	// Without the set, the attempts alone, with a warning.
	out, errOut, err = runCLI(t, "show", run, "--task", "CenterMinimal", "--data", t.TempDir(), "--no-color")
	if err != nil || !strings.Contains(errOut, "attempts only") || strings.Contains(out, "expected 5×5") {
		t.Errorf("without the set: %v\n%s\n%s", err, errOut, out)
	}
	if _, _, err := runCLI(t, "show", run, "--task", "NoSuchTask", "--data", data); err == nil || !strings.Contains(err.Error(), "no task") {
		t.Errorf("an unknown task: %v", err)
	}
	if _, _, err := runCLI(t, "show", run); exitCode(err) != 2 {
		t.Errorf("show without --task: %v", err)
	}
}
