package runlock

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// holdEnv makes the test binary a lock holder: it takes the lock named by
// the variable, prints "held" and keeps the lock until its stdin closes.
const holdEnv = "RUNLOCK_TEST_HOLD"

func TestMain(m *testing.M) {
	if path := os.Getenv(holdEnv); path != "" {
		l, err := Acquire(path, "run")
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		fmt.Println("held")
		bufio.NewReader(os.Stdin).ReadString('\n') // until the parent closes stdin
		l.Release()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// proc is a lock-holding second process.
type proc struct {
	*exec.Cmd
	stdin io.Closer
}

// release makes the holder release its lock and exit normally.
func (p proc) release() error {
	p.stdin.Close()
	return p.Wait()
}

// holder starts a second process that holds the lock at path.
func holder(t *testing.T, path string) proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "held" {
		t.Fatalf("holder: %q, %v", line, err)
	}
	return proc{cmd, stdin}
}

// A second process cannot take a held lock; the refusal names what is
// guarded, the lock file and the holder's pid. Once the holder is gone
// (here killed, so it cannot clean up) the lock is free again.
func TestSecondProcessRefused(t *testing.T) {
	path := ForFile(filepath.Join(t.TempDir(), "run.jsonl"))
	h := holder(t, path)
	_, err := Acquire(path, "run.jsonl")
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("Acquire of a held lock: %v, want a HeldError", err)
	}
	if held.PID != h.Process.Pid {
		t.Errorf("holder pid %d, want %d", held.PID, h.Process.Pid)
	}
	for _, want := range []string{"run.jsonl is being written", fmt.Sprintf("process %d", h.Process.Pid), path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	h.Process.Kill() // kill -9: no Release, the lock file stays
	h.Wait()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the killed holder's lock file: %v", err)
	}
	l, err := Acquire(path, "run.jsonl")
	if err != nil {
		t.Fatalf("lock of a dead holder: %v", err)
	}
	defer l.Release()
	if b, _ := os.ReadFile(path); strings.TrimSpace(string(b)) != fmt.Sprint(os.Getpid()) {
		t.Errorf("lock file holds %q, want this pid %d", b, os.Getpid())
	}
}

// A holder that releases removes its lock file; the next writer then
// creates and takes a new one.
func TestReleaseThenAcquire(t *testing.T) {
	path := ForFolder(t.TempDir())
	h := holder(t, path)
	if _, err := Acquire(path, "run"); err == nil {
		t.Fatal("a held lock was taken")
	}
	if err := h.release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("released lock file: %v, want it removed", err)
	}
	l, err := Acquire(path, "run")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
}

// Two locks in one process are two writers too (flock is per open file).
func TestSameProcessRefused(t *testing.T) {
	path := ForFile(filepath.Join(t.TempDir(), "r.jsonl"))
	l, err := Acquire(path, "r.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	var held *HeldError
	if _, err := Acquire(path, "r.jsonl"); !errors.As(err, &held) || held.PID != os.Getpid() {
		t.Fatalf("second Acquire: %v, want a HeldError naming pid %d", err, os.Getpid())
	}
}

// A lock file that cannot be created is an error naming what was locked.
func TestAcquireError(t *testing.T) {
	_, err := Acquire(filepath.Join(t.TempDir(), "no-such-dir", "run.lock"), "the run")
	if err == nil || !strings.Contains(err.Error(), "the run") {
		t.Fatalf("%v, want an error naming the run", err)
	}
}
