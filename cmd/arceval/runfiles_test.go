package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/results"
)

// A folder stands for its complete runs: a shard file — recognised by its
// header, whatever its name — is skipped with a note (it is part of a run,
// reported once merged); a folder of shards alone is an error; a shard
// named as a file is kept.
func TestRunFilesSkipsShards(t *testing.T) {
	dir := t.TempDir()
	full := boardRunFile(t, dir, "full.jsonl", 4, func(i int) bool { return i%2 == 0 })
	shard := func(dir, name, k string) string {
		h := results.Header{Version: "test", ModelKind: "trm", Set: "sudoku-extreme/test", TaskKind: "sudoku", Tasks: 4, TestInputs: 4, Views: 1, Steps: 16, Shard: k}
		path := filepath.Join(dir, name)
		if err := results.WriteFile(path, h, nil, false); err != nil {
			t.Fatal(err)
		}
		return path
	}
	part := shard(dir, "part.jsonl", "1/2") // no "-shard-" in its name
	var errOut bytes.Buffer
	got, err := runFiles(&errOut, []string{dir})
	if err != nil || !slices.Equal(got, []string{full}) {
		t.Errorf("folder: %v, %v; want [%s]", got, err, full)
	}
	if !strings.Contains(errOut.String(), "part.jsonl (shard 1/2)") || !strings.Contains(errOut.String(), "arceval merge") {
		t.Errorf("the skipped shard is not noted: %q", errOut.String())
	}
	if got, err := runFiles(&errOut, []string{part}); err != nil || !slices.Equal(got, []string{part}) {
		t.Errorf("a shard named as a file: %v, %v", got, err)
	}
	only := filepath.Join(dir, "shards")
	if err := os.Mkdir(only, 0o755); err != nil {
		t.Fatal(err)
	}
	shard(only, "a.jsonl", "1/2")
	shard(only, "b.jsonl", "2/2")
	if _, err := runFiles(&errOut, []string{only}); err == nil || !strings.Contains(err.Error(), only+": only shards") {
		t.Errorf("a folder of shards: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := runFiles(&errOut, []string{empty}); err == nil || !strings.Contains(err.Error(), "without run files") {
		t.Errorf("an empty folder: %v", err)
	}
}
