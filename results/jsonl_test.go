package results

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func header() Header {
	return Header{Version: "test", Kernel: "go", ModelKind: "trm", ModelSHA256: "ab", Set: "maze-hard/test", Fingerprint: "f", Seed: 1,
		Protocol: &Protocol{Benchmark: "maze-hard", SetID: "maze-hard/test", SetMatch: MatchContent, SetHash: "4b88f39e158c1dca", SetTasks: 1000,
			SetTestInputs: 1000, Views: 1, ViewSource: ViewsPuzzle, PuzzleIDs: IDsNone, Steps: 16, TrainDepth: 16, Precision: PrecisionFloat32, Scoring: ScoreExact}}
}

func item(id string, solved bool) Item {
	return Item{TaskID: id, Attempts: []Attempt{{Grid: [][]int{{1, 2}}, Correct: solved}}, StepExact: []bool{false, solved}, Steps: 2}
}

func TestWriteReadResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.jsonl")
	w, err := Create(path, header())
	if err != nil {
		t.Fatal(err)
	}
	w.Add(item("a", true))
	w.Add(item("b", false))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Create(path, header()); err == nil {
		t.Error("Create overwrote an existing run file")
	}
	// A run killed mid-line: the torn record is ignored, then cut on resume.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"task":"c","test":0,"attem`)
	f.Close()
	run, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Items) != 2 || run.TornBytes == 0 || !run.Items[0].Solved() || run.Items[1].Solved() {
		t.Fatalf("read %d items, torn %d", len(run.Items), run.TornBytes)
	}
	w, done, err := Append(path, header())
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 2 || done[1].Key() != "b#0" {
		t.Errorf("resume sees %v", done)
	}
	w.Add(item("c", true))
	w.Close()
	run, err = Read(path)
	if err != nil || len(run.Items) != 3 || run.TornBytes != 0 {
		t.Fatalf("after resume: %v, %d items, torn %d", err, len(run.Items), run.TornBytes)
	}
	other := header()
	other.Seed = 2
	if _, _, err := Append(path, other); err == nil || !strings.Contains(err.Error(), "different run") {
		t.Errorf("resuming with another header: err = %v", err)
	}
}

func TestReadErrors(t *testing.T) {
	good := `{"format":1,"arceval_version":"x","go_version":"","kernel":"go","model_kind":"trm","model_sha256":"a","set":"s","data_fingerprint":"f","seed":0}` + "\n"
	cases := []struct{ name, data, want string }{
		{"empty", "", "no header line"},
		{"bad header", "{\n", "line 1 (header)"},
		{"version", strings.Replace(good, `"format":1`, `"format":9`, 1), "run file format 9"},
		{"version 0", strings.Replace(good, `"format":1`, `"format":0`, 1), "run file format 0, this arceval reads 1 to 2"},
		{"bad middle line", good + "{oops}\n" + `{"task":"a","test":0,"attempts":[],"step_exact":[],"steps":1,"seconds":0,"q_halt_prob":0}` + "\n", "line 2"},
		{"unknown field", good + `{"task":"a","bogus":1}` + "\n", `line 2: json: unknown field "bogus"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parse("run.jsonl", []byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "run.jsonl") {
				t.Errorf("err = %v, want it to name run.jsonl and contain %q", err, tc.want)
			}
		})
	}
}

// A run file of format 1 (before the protocol record) still reads, with no
// protocol; resuming it with this arceval is refused with the reason; a
// file written now is format 2 and round-trips its protocol.
func TestFormatVersions(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "old.jsonl")
	line := `{"format":1,"arceval_version":"x","go_version":"","kernel":"go","model_kind":"trm","model_sha256":"a","set":"maze-hard/test","data_fingerprint":"f","seed":0,"task_kind":"maze","tasks":1,"test_inputs":1,"views":1,"steps":2}`
	os.WriteFile(old, []byte(line+"\n"+`{"task":"a","test":0,"tests":1,"attempts":[{"grid":[[1]],"correct":true}],"step_exact":[true],"steps":2,"seconds":0,"q_halt_prob":0,"rank":1,"candidates":1,"rating":-1}`+"\n"), 0o644)
	run, err := Read(old)
	if err != nil || run.Header.Format != 1 || run.Header.Protocol != nil || len(run.Items) != 1 {
		t.Fatalf("format 1: %v %+v", err, run)
	}
	if s, err := Score(run.Header, run.Items); err != nil || s.Exact != 1 {
		t.Errorf("format 1 scores %+v, %v", s, err)
	}
	if _, _, err := Append(old, run.Header); err == nil || !strings.Contains(err.Error(), "run file format 1") {
		t.Errorf("resuming a format-1 file: %v", err)
	}
	path := filepath.Join(dir, "new.jsonl")
	if err := WriteFile(path, header(), nil, false); err != nil {
		t.Fatal(err)
	}
	run, err = Read(path)
	if err != nil || run.Header.Format != FormatVersion || FormatVersion != 2 || run.Header.Protocol == nil || *run.Header.Protocol != *header().Protocol {
		t.Errorf("format 2 round trip: %v %+v", err, run.Header)
	}
}

// A known set without a digest (the Sudoku-Extreme test set, not in the
// store) is recognised by kind and size; the others need their digest.
func TestIdentifySet(t *testing.T) {
	if k, m, ok := IdentifySet("sudoku", 422786, 422786, "whatever"); !ok || k.ID != "sudoku-extreme/test" || m != MatchSize {
		t.Errorf("Sudoku-Extreme test: %+v %q %v", k, m, ok)
	}
	if k, m, ok := IdentifySet("maze", 1000, 1000, "4b88f39e158c1dca"); !ok || k.ID != "maze-hard/test" || m != MatchContent {
		t.Errorf("Maze-Hard test: %+v %q %v", k, m, ok)
	}
	for _, c := range []struct {
		kind          string
		tasks, inputs int
		hash          string
	}{{"maze", 1000, 1000, "0000000000000000"}, {"arc", 120, 172, "8a5ce6bd0caf353a"}, {"sudoku", 422785, 422785, ""}} {
		if k, _, ok := IdentifySet(c.kind, c.tasks, c.inputs, c.hash); ok {
			t.Errorf("%+v identified as %s", c, k.ID)
		}
	}
	seen := map[string]bool{}
	for _, k := range KnownSets {
		if seen[k.ID] || k.Benchmark == "" || k.Desc == "" || k.Tasks < 1 || k.TestInputs < k.Tasks {
			t.Errorf("known set %+v: duplicate or incomplete", k)
		}
		seen[k.ID] = true
	}
}

// FuzzParse: any bytes give a run or an error naming the file, never a
// panic; an accepted run scores without a panic, and its records written
// back as a run file read back the same.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"format":1}` + "\n" + `{"task":"a","test":0}` + "\n"))
	f.Add([]byte("{\n{"))
	runs, _ := filepath.Glob("reference/*/*.jsonl")
	more, _ := filepath.Glob("../cmd/arceval/testdata/*.jsonl")
	for _, p := range append(runs, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// The header and the first records: enough to reach every field.
		lines := bytes.SplitAfterN(data, []byte("\n"), 5)
		f.Add(bytes.Join(lines[:min(4, len(lines))], nil))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := parse("f", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if run.Header.Format < oldestFormat || run.Header.Format > FormatVersion {
			t.Fatal("accepted a wrong format version")
		}
		Score(run.Header, run.Items)
		var b bytes.Buffer
		for _, v := range append([]any{run.Header}, anySlice(run.Items)...) {
			line, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("an accepted record does not marshal: %v", err)
			}
			b.Write(line)
			b.WriteByte('\n')
		}
		back, err := parse("f", b.Bytes())
		if err != nil || len(back.Items) != len(run.Items) || back.TornBytes != 0 {
			t.Fatalf("run does not round-trip: %v", err)
		}
		for i := range run.Items {
			if !reflect.DeepEqual(back.Items[i], run.Items[i]) {
				t.Fatalf("item %d: %+v read back as %+v", i, run.Items[i], back.Items[i])
			}
		}
	})
}

func anySlice[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
