package harness

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzTruncateLog: resuming at step s keeps exactly the log's whole JSON
// lines of steps ≤ s, in order, and drops torn or later ones; a log it
// cannot read is left as it was.
func FuzzTruncateLog(f *testing.F) {
	f.Add([]byte(`{"step":1,"loss":2.5}`+"\n"+`{"step":2,"loss":2.1}`+"\n"+`{"step":3,"loss":1.9}`+"\n"), 2)
	f.Add([]byte(`{"step":1}`+"\n"+`{"step":2,"lo`), 2)
	f.Add([]byte(`{"step":1}`+"\n\n"+`not json`+"\n"+`{"step":"2"}`+"\n"), 5)
	f.Add([]byte(`{"step":-1}`+"\n"), 0)
	f.Add([]byte{}, 0)
	f.Add([]byte("\n"+`{"step":1}`), 1) // as long as what is kept, yet different
	f.Fuzz(func(t *testing.T, data []byte, step int) {
		path := filepath.Join(t.TempDir(), LogFile)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		err := truncateLog(path, step)
		got, rerr := os.ReadFile(path)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), path) || !bytes.Equal(got, data) {
				t.Fatalf("error %v, and the log changed", err)
			}
			return
		}
		var want bytes.Buffer
		for _, line := range strings.Split(string(data), "\n") {
			var r struct {
				Step int `json:"step"`
			}
			if json.Unmarshal([]byte(line), &r) == nil && r.Step <= step {
				want.WriteString(line + "\n")
			}
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("kept %q, want %q", got, want.Bytes())
		}
	})
}

// A log line too long for the scanner makes truncateLog fail and leave the
// log alone; before, the line and every record after it were dropped.
func TestTruncateLogLongLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), LogFile)
	data := []byte(`{"step":1}` + "\n" + `{"step":2,"x":"` + strings.Repeat("a", 1<<24) + `"}` + "\n" + `{"step":3}` + "\n")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	err := truncateLog(path, 5)
	got, _ := os.ReadFile(path)
	if err == nil || !bytes.Equal(got, data) {
		t.Fatalf("truncateLog: %v; the log kept %d of %d bytes", err, len(got), len(data))
	}
}
