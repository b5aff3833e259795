package results

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Merging shards keeps their format: format-1 shards (no protocol) give a
// format-1 file, not a format-2 file without the protocol format 2 means;
// format-2 shards give format 2 with their protocol. A header of a format
// this arceval does not know is not written.
func TestMergeKeepsFormat(t *testing.T) {
	dir := t.TempDir()
	format1 := func(name, shard, task string) *Run {
		path := filepath.Join(dir, name)
		line := fmt.Sprintf(`{"format":1,"arceval_version":"x","go_version":"","kernel":"go","model_kind":"trm","model_sha256":"a","set":"maze-hard/test","data_fingerprint":"f","seed":0,"shard":%q,"task_kind":"maze","tasks":2,"test_inputs":2,"views":1,"steps":2}`, shard)
		it := `{"task":"` + task + `","test":0,"tests":1,"attempts":[{"grid":[[1]],"correct":true}],"step_exact":[false,true],"steps":2,"seconds":0,"q_halt_prob":0}`
		if err := os.WriteFile(path, []byte(line+"\n"+it+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	format2 := func(name, shard, task string) *Run { return writeShard(t, filepath.Join(dir, name), shard, "", task) }
	for _, tc := range []struct {
		name     string
		shards   []*Run
		format   int
		protocol bool
	}{
		{"format 1", []*Run{format1("a1", "1/2", "a"), format1("b1", "2/2", "b")}, 1, false},
		{"format 2", []*Run{format2("a2", "1/2", "a"), format2("b2", "2/2", "b")}, 2, true},
	} {
		h, items, err := Merge(tc.shards)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		path := filepath.Join(dir, "merged-"+tc.name)
		if err := WriteFile(path, h, items, false); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		run, err := Read(path)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if run.Header.Format != tc.format || (run.Header.Protocol != nil) != tc.protocol || len(run.Items) != 2 {
			t.Errorf("%s: merged file has format %d, protocol %v, %d items; want format %d, protocol %v, 2 items",
				tc.name, run.Header.Format, run.Header.Protocol != nil, len(run.Items), tc.format, tc.protocol)
		}
	}
	h := header()
	h.Format = 9
	if err := WriteFile(filepath.Join(dir, "nine"), h, nil, false); err == nil || !strings.Contains(err.Error(), "format 9") {
		t.Errorf("a format-9 header: %v", err)
	}
}

// Shards split round-robin (files of arceval before it balanced shards by
// views: no shard_by) and balanced shards hold different tasks: they never
// merge together, and an old shard does not resume under the new split.
func TestShardSplitsDoNotMix(t *testing.T) {
	dir := t.TempDir()
	shard := func(name, k, by, task string) *Run { return writeShard(t, filepath.Join(dir, name), k, by, task) }
	oldA, newB := shard("old-a", "1/2", "", "a"), shard("new-b", "2/2", "views", "b")
	if _, _, err := Merge([]*Run{oldA, newB}); err == nil || !strings.Contains(err.Error(), "round-robin") {
		t.Errorf("round-robin and balanced shards merged: %v", err)
	}
	h, _, err := Merge([]*Run{shard("new-a", "1/2", "views", "a"), newB})
	if err != nil || h.Shard != "" || h.ShardBy != "" {
		t.Errorf("balanced shards: merged header shard %q shard_by %q, %v", h.Shard, h.ShardBy, err)
	}
	want := oldA.Header
	want.ShardBy = "views"
	if _, _, err := Append(oldA.Path, want); err == nil || !strings.Contains(err.Error(), "round-robin") {
		t.Errorf("a round-robin shard resumed under the balanced split: %v", err)
	}
}

// writeShard writes and reads back shard k ("K/2") of a two-task run
// holding one solved item of task.
func writeShard(t *testing.T, path, k, by, task string) *Run {
	t.Helper()
	h := header()
	h.Shard, h.ShardBy, h.Tasks, h.TestInputs = k, by, 2, 2
	if err := WriteFile(path, h, []Item{item(task, true)}, false); err != nil {
		t.Fatal(err)
	}
	r, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
