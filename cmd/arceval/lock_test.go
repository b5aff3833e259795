package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/runlock"
	"arceval/results"
)

// mainEnv makes the test binary run arceval's main with its arguments, so
// that a test can start arceval as a real second process.
const mainEnv = "ARCEVAL_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// arcevalProcess runs arceval with args in a separate process and returns
// its stderr and exit code.
func arcevalProcess(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), mainEnv+"=1")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return errOut.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return errOut.String(), 0
}

// Two writers of one run are refused: while a process holds a run file's
// or run folder's lock, an `eval --resume` or `train --resume` in another
// process exits 1 naming the run and the holder's pid, and writes nothing;
// once the lock is free the same command continues the run.
func TestSecondWriterRefused(t *testing.T) {
	dir := t.TempDir()
	mazes := "../../tasks/testdata/maze_tiny.csv"
	run := filepath.Join(dir, "run")
	if _, errOut, err := runCLI(t, "train", "--preset", "maze-att", "--override", tinyMazeOverride, "--set", mazes,
		"--batch", "2", "--steps", "2", "--warmup", "1", "--budget", "1ns", "--out", run); err != nil {
		t.Fatalf("train: %v\n%s", err, errOut)
	}
	// A run file with its header and first record only: a resume has work.
	full := filepath.Join(dir, "full.jsonl")
	evalArgs := []string{"eval", "--model", filepath.Join(run, "model.safetensors"), "--set", mazes, "--batch", "1"}
	if _, errOut, err := runCLI(t, append(evalArgs, "--out", full)...); err != nil {
		t.Fatalf("eval: %v\n%s", err, errOut)
	}
	lines := readLines(t, full)
	partial := filepath.Join(dir, "partial.jsonl")
	os.WriteFile(partial, []byte(strings.Join(lines[:2], "\n")+"\n"), 0o644)

	for _, tc := range []struct {
		name, lock, what string
		args             []string
		files            []string // unchanged while refused
	}{
		{"eval", runlock.ForFile(partial), partial, append(evalArgs, "--out", partial, "--resume"), []string{partial}},
		{"train", runlock.ForFolder(run), run, []string{"train", "--resume", run, "--set", mazes},
			[]string{filepath.Join(run, "checkpoint.safetensors"), filepath.Join(run, "train.jsonl")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := map[string][]byte{}
			for _, f := range tc.files {
				before[f], _ = os.ReadFile(f)
			}
			lock, err := runlock.Acquire(tc.lock, tc.what)
			if err != nil {
				t.Fatal(err)
			}
			errOut, code := arcevalProcess(t, tc.args...)
			lock.Release()
			if code != 1 || !strings.Contains(errOut, tc.what+" is being written by process "+fmt.Sprint(os.Getpid())) {
				t.Errorf("second writer: exit %d, stderr %q; want exit 1 naming %s and pid %d", code, errOut, tc.what, os.Getpid())
			}
			for _, f := range tc.files {
				if after, _ := os.ReadFile(f); !bytes.Equal(after, before[f]) {
					t.Errorf("the refused writer changed %s", f)
				}
			}
			if errOut, code := arcevalProcess(t, tc.args...); code != 0 {
				t.Fatalf("after the lock's release: exit %d\n%s", code, errOut)
			}
		})
	}
	if a, b := normalizedRun(t, partial), normalizedRun(t, full); !bytes.Equal(a, b) {
		t.Errorf("the resumed run file differs from the uninterrupted one")
	}
	if _, err := results.Read(partial); err != nil {
		t.Error(err)
	}
}
