package fetch

import (
	"arceval/internal/atomicfile"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// LockFile is the name of the trust-on-first-use lock file in the data root.
const LockFile = "fetch.lock.json"

// A LockEntry records a file whose hash was not known in advance.
type LockEntry struct {
	Source string    `json:"source"`
	SHA256 string    `json:"sha256"`
	Size   int64     `json:"size"`
	URL    string    `json:"url"`
	Time   time.Time `json:"time"`
}

// A Lock maps slash-separated paths under the data root to what was
// recorded when they were first downloaded.
type Lock struct {
	Version int                  `json:"version"`
	Files   map[string]LockEntry `json:"files"`
}

// ReadLock reads root/fetch.lock.json; a missing file yields an empty lock.
func ReadLock(root string) (*Lock, error) {
	l := &Lock{Version: 1, Files: map[string]LockEntry{}}
	b, err := os.ReadFile(filepath.Join(root, LockFile))
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, l); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(root, LockFile), err)
	}
	if l.Files == nil {
		l.Files = map[string]LockEntry{}
	}
	for p, e := range l.Files {
		if !localSlash(p) || !isSHA256(e.SHA256) {
			return nil, fmt.Errorf("%s: bad entry %q", filepath.Join(root, LockFile), p)
		}
	}
	return l, nil
}

// writeLock atomically replaces root/fetch.lock.json.
func writeLock(root string, l *Lock) error {
	b, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(filepath.Join(root, LockFile), append(b, '\n'))
}

// recordLock adds one entry to the lock file, re-reading it first so that
// entries written meanwhile are kept.
func recordLock(root, path string, e LockEntry) error {
	l, err := ReadLock(root)
	if err != nil {
		return err
	}
	l.Files[path] = e
	return writeLock(root, l)
}
