package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func header() Header {
	return Header{Version: "test", Kernel: "go", ModelKind: "trm", ModelSHA256: "ab", Set: "maze-hard/test", Fingerprint: "f", Seed: 1}
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

// FuzzParse: any bytes give a run or an error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"format":1}` + "\n" + `{"task":"a","test":0}` + "\n"))
	f.Add([]byte("{\n{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := parse("f", data)
		if err == nil && run.Header.Format != FormatVersion {
			t.Fatal("accepted a wrong format version")
		}
	})
}
