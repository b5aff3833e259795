// Package runlock keeps two processes from writing one run at once: an
// `eval --resume` on the same run file, or a `train` on the same run folder,
// would interleave records and leave a run that no reader accepts.
//
// A lock is an exclusive flock(2) on a small lock file beside what it
// guards (FILE.lock, DIR/run.lock) that records the holder's pid. The kernel
// releases a flock when its holder exits, however it exits (kill -9
// included), so a lock file left behind by a dead process is never stale:
// the next writer simply takes it.
package runlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// FolderLock is the lock file of a run folder (train).
const FolderLock = "run.lock"

// ForFile is the lock file of a run file: path + ".lock".
func ForFile(path string) string { return path + ".lock" }

// ForFolder is the lock file of a run folder: dir/run.lock.
func ForFolder(dir string) string { return filepath.Join(dir, FolderLock) }

// Lock is a held lock; Release it when the run is written.
type Lock struct {
	f    *os.File
	path string
}

// HeldError is the refusal of a second writer: What is guarded, Path the
// lock file and PID its holder (0 when the holder has not written its pid
// yet).
type HeldError struct {
	What, Path string
	PID        int
}

func (e *HeldError) Error() string {
	who := "another process"
	if e.PID > 0 {
		who = fmt.Sprintf("process %d", e.PID)
	}
	return fmt.Sprintf("%s is being written by %s (lock %s): wait for it to finish or stop it; two writers would corrupt the run", e.What, who, e.Path)
}

// Acquire takes the lock file path for what (the run file or folder, named
// in the refusal) without waiting: when another process holds it, the error
// is a *HeldError naming that process. The lock file is created if needed
// and records this process's pid.
func Acquire(path, what string) (*Lock, error) {
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("%s: lock: %w", what, err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			pid := readPID(f)
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return nil, &HeldError{What: what, Path: path, PID: pid}
			}
			return nil, fmt.Errorf("%s: lock %s: %w", what, path, err)
		}
		// A releasing holder removes the file before unlocking it: when the
		// inode locked is no longer the one at path, lock the new one.
		if same, err := samePath(f, path); err != nil || !same {
			f.Close()
			if err != nil && !errors.Is(err, os.ErrNotExist) || attempt >= 100 {
				return nil, fmt.Errorf("%s: lock %s: the lock file keeps changing: %v", what, path, err)
			}
			continue
		}
		l := &Lock{f: f, path: path}
		if err := l.writePID(); err != nil {
			l.Release()
			return nil, fmt.Errorf("%s: lock %s: %w", what, path, err)
		}
		return l, nil
	}
}

// Release removes the lock file and unlocks it. It is safe to call twice
// (and on nil), so a deferred Release may follow an explicit one.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	// Remove while still locked: a process that opened the old file before
	// the removal sees, once it gets the lock, that the path moved on.
	err := os.Remove(l.path)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// Path is the lock file.
func (l *Lock) Path() string { return l.path }

func (l *Lock) writePID() error {
	if err := l.f.Truncate(0); err != nil {
		return err
	}
	_, err := l.f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}

// readPID reads the holder's pid from a lock file (0 when unreadable: the
// holder may be between taking the lock and writing it).
func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid < 0 {
		return 0
	}
	return pid
}

// samePath reports whether the open file f is still the file at path.
func samePath(f *os.File, path string) (bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	pi, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	return os.SameFile(fi, pi), nil
}
