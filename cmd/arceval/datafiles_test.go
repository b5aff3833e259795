package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"arceval/tasks"
)

// `data gen maze --size 9` writes 81-character boards, as long as Sudoku
// boards: the file is read back as a maze set (the format comes from the
// boards' characters), by gen and by every command after it.
func TestDataGenMaze9(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m9.csv")
	if _, errOut, err := runCLI(t, "data", "gen", "maze", "--size", "9", "--n", "3", "--min-path", "5", "--out", path); err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	out, errOut, err := runCLI(t, "data", "validate", path)
	if err != nil || !strings.Contains(out, "ok ") {
		t.Fatalf("data validate: %v\n%s%s", err, out, errOut)
	}
	set, err := tasks.LoadPath(path)
	if err != nil || set.Kind != tasks.Maze || set.Tasks[0].Test[0].Input.H != 9 {
		t.Fatalf("loaded %v, %v; want a set of 9×9 mazes", set, err)
	}
}

// A generated file that does not validate is never written: no file at the
// destination, no temporary file beside it.
func TestWriteValidatedLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "bad.csv")
	rows := [][]string{{"m", "S  G", "SooG", "1"}} // S and G adjacent on a 2×2 board: no path cells allowed
	if _, err := writeValidated(out, tasks.Maze, rows); err == nil || !strings.Contains(err.Error(), "not written") || !strings.Contains(err.Error(), out+": line 2: answer") {
		t.Fatalf("error %v, want the validation problem naming %s", err, out)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("left %d files behind: %v", len(ents), ents)
	}
}

// A FIFO in a data folder, or named as a set, is refused by name; before,
// `data validate` blocked forever on opening it.
func TestDataValidateRefusesFIFO(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tasks")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	task := `{"train": [{"input": [[1]], "output": [[2]]}], "test": [{"input": [[3]], "output": [[4]]}]}`
	if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(task), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "b.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	csvFIFO := filepath.Join(t.TempDir(), "s.csv")
	if err := syscall.Mkfifo(csvFIFO, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ arg, fifo string }{{dir, fifo}, {fifo, fifo}, {csvFIFO, csvFIFO}} {
		out, errOut, err := runCLI(t, "data", "validate", tc.arg)
		if err == nil || !strings.Contains(out, "FAIL") || !strings.Contains(errOut, tc.fifo+": a named pipe (FIFO), not a regular file") {
			t.Errorf("data validate %s: %v\n%s%s", tc.arg, err, out, errOut)
		}
	}
}
