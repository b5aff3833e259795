package harness

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// evalSpecFor is an EvalSpec of the first ARC test task file, evaluated by
// f into out, that counts how often its model is opened.
func evalSpecFor(t *testing.T, f *fakeModel, out string, opened *int) EvalSpec {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "tasks", "testdata", "arc_tiny", "*.json"))
	if len(files) == 0 {
		t.Fatal("no ARC testdata")
	}
	return EvalSpec{
		Open: func() (OpenedModel, error) {
			*opened++
			return OpenedModel{Model: f, SHA256: "feed", Close: func() {}}, nil
		},
		Set: files[0], Views: 3, Seed: 1, PuzzleIDs: IDsBlank, PuzzleIDArg: "blank", Batch: 2, Out: out,
	}
}

// EvaluateRun writes a run file and scores it; a second run on the file is
// refused without --resume, and with it continues the file: nothing is
// evaluated again and the records and scores are the first run's. While a
// run holds the file, another is refused before its model is opened.
func TestEvaluateRunResume(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run.jsonl")
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{}}
	opened := 0
	spec := evalSpecFor(t, f, out, &opened)
	spec.Submission = filepath.Join(dir, "sub.json")
	first, err := EvaluateRun(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if first.Summary == nil || len(first.Items) == 0 || first.Summary.TestInputs != len(first.Items) {
		t.Fatalf("first run: %d records, summary %+v", len(first.Items), first.Summary)
	}
	if _, err := os.Stat(spec.Submission); err != nil {
		t.Fatalf("no submission: %v", err)
	}
	if _, err := EvaluateRun(context.Background(), spec); err == nil || !strings.Contains(err.Error(), "pass --resume") {
		t.Fatalf("second run without resume: %v", err)
	}
	calls := len(f.depths)
	spec.Resume = true
	again, err := EvaluateRun(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.depths) != calls {
		t.Errorf("resume of a finished run stepped the model %d more times", len(f.depths)-calls)
	}
	if !reflect.DeepEqual(again.Summary, first.Summary) {
		t.Errorf("resumed summary %+v, want %+v", again.Summary, first.Summary)
	}

	r, err := OpenEval(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before := opened
	if _, err := OpenEval(spec); err == nil {
		t.Fatal("a second writer of a locked run file was not refused")
	}
	if opened != before {
		t.Error("a refused second writer opened its model")
	}
}

// A shard needs a run file, and an identifiers file a model without a
// puzzle table cannot use is refused: both OptionErrors (bad use, not bad data).
func TestEvaluateRunOptionErrors(t *testing.T) {
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{}}
	opened := 0
	spec := evalSpecFor(t, f, "", &opened)
	spec.Shard = "1/2"
	var oe OptionError
	if _, err := EvaluateRun(context.Background(), spec); !errors.As(err, &oe) || !strings.Contains(err.Error(), "--shard needs --out") {
		t.Errorf("shard without a run file: %v", err)
	}
	spec.Shard, spec.Identifiers = "", "identifiers.json"
	if _, err := EvaluateRun(context.Background(), spec); !errors.As(err, &oe) || !strings.Contains(err.Error(), "no puzzle-embedding table") {
		t.Errorf("identifiers for a model without a puzzle table: %v", err)
	}
	if opened == 0 {
		t.Error("the model was never opened")
	}
}
