//go:build unix

package userfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// mkfifo makes a named pipe in a temporary folder. A writer goroutine waits
// on it, so that an open that (wrongly) blocks for a writer is paired and
// returns a file instead of hanging the test; release unblocks the writer
// when the open was (rightly) refused.
func mkfifo(t *testing.T) (path string, release func()) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "pipe.json")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan struct{})
	go func() {
		if w, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			w.Close()
		}
		close(done)
	}()
	return path, func() {
		r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err == nil {
			<-done
			r.Close()
		}
	}
}

func TestRefusesSpecialFiles(t *testing.T) {
	fifo, release := mkfifo(t)
	defer release()
	for _, tc := range []struct {
		name, path, want string
		open             func(string) error
	}{
		{"Open FIFO", fifo, "a named pipe (FIFO), not a regular file", func(p string) error { f, err := Open(p); closeIf(f); return err }},
		// The race Open guards against: the path was regular when stat'ed
		// and is a FIFO when opened.
		{"openRegular FIFO", fifo, "a named pipe (FIFO), not a regular file", func(p string) error { f, err := openRegular(p); closeIf(f); return err }},
		{"ReadFile FIFO", fifo, "a named pipe (FIFO), not a regular file", func(p string) error { _, err := ReadFile(p, 1<<20); return err }},
		{"Check FIFO", fifo, "a named pipe (FIFO), not a regular file", Check},
		{"Open folder", t.TempDir(), "a folder, not a regular file", func(p string) error { f, err := Open(p); closeIf(f); return err }},
		{"Open device", os.DevNull, "a character device, not a regular file", func(p string) error { f, err := Open(p); closeIf(f); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.open(tc.path)
			var nr *NotRegularError
			if !errors.As(err, &nr) || !strings.HasPrefix(err.Error(), tc.path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q naming %s", err, tc.want, tc.path)
			}
		})
	}
}

func closeIf(f *os.File) {
	if f != nil {
		f.Close()
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(p, 5); err != nil || string(b) != "hello" {
		t.Fatalf("ReadFile at the limit: %q, %v", b, err)
	}
	_, err := ReadFile(p, 4)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Size != 5 || !strings.HasPrefix(err.Error(), p+": ") {
		t.Fatalf("ReadFile over the limit: %v", err)
	}
	// A symbolic link to a regular file is the file.
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	f, err := Open(link)
	if err != nil {
		t.Fatalf("Open through a link: %v", err)
	}
	f.Close()
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}
