package harness

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"arceval/results"
)

// A periodic evaluation writes its step's run file under the folder's
// eval/, with the folder and step in the header's flags, and summarises the
// file's own scores.
func TestPeriodicEval(t *testing.T) {
	dir := t.TempDir()
	items, err := FromSet(arcSet(), ViewOptions{Views: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{}}
	v, _ := items[0].Views()
	teach(f, items[0], v[0], 1, 3)
	teach(f, items[0], v[1], 1, 3)
	nTasks, nInputs := Counts(items)
	h := results.Header{ModelKind: "fake", Set: "synthetic", TaskKind: "arc", Tasks: nTasks, TestInputs: nInputs, Views: 2, Steps: 4}
	got, err := PeriodicEval(dir, items, h, 3)(context.Background(), 7, f)
	if err != nil {
		t.Fatal(err)
	}
	s, ok := got.(TrainEvalSummary)
	if !ok {
		t.Fatalf("summary of type %T", got)
	}
	want := filepath.Join(dir, "eval", "step-0000007.jsonl")
	if s.Run != want {
		t.Errorf("run file %s, want %s", s.Run, want)
	}
	run, err := results.Read(want)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(run.Header.Flags["train_step"]) != "7" || run.Header.Flags["train_dir"] != dir {
		t.Errorf("header flags %v", run.Header.Flags)
	}
	score, err := results.Score(run.Header, run.Items)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Items) != nInputs || s.TaskMacro != score.TaskMacro || score.Solved != 1 {
		t.Errorf("%d records, summary task-macro %v, file's %v, solved %d (want 1)", len(run.Items), s.TaskMacro, score.TaskMacro, score.Solved)
	}
}
