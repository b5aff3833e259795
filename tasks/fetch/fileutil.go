package fetch

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
)

// hashFile returns the size and hex sha256 of the file at name.
func hashFile(name string) (int64, string, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// atomicFile is a temporary file in the destination directory that becomes
// the destination only on Commit. Abort (safe after Commit) removes it.
type atomicFile struct {
	*os.File
	dest string
	done bool
}

// createAtomic creates the destination's directory and a temporary file
// next to dest.
func createAtomic(dest string) (*atomicFile, error) {
	dir, base := filepath.Split(dest)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &atomicFile{File: f, dest: dest}, nil
}

// Commit syncs, closes and renames the temporary file to the destination.
// The directory is not synced; see syncDir.
func (a *atomicFile) Commit() error {
	err := a.Chmod(0o644)
	if err == nil {
		err = a.Sync()
	}
	if err == nil {
		err = a.Close()
	}
	if err == nil {
		err = os.Rename(a.Name(), a.dest)
	}
	if err != nil {
		a.Abort()
		return err
	}
	a.done = true
	return nil
}

// Abort discards the temporary file unless it was committed.
func (a *atomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.Close()
	os.Remove(a.Name())
}

// commitRename renames an already synced file into place and syncs the
// directory (best effort) so the rename is durable.
func commitRename(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	syncDir(filepath.Dir(to))
	return nil
}

// syncDir makes renames in dir durable (best effort).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// writeFileAtomic writes b to name via a synced temporary file.
func writeFileAtomic(name string, b []byte) error {
	a, err := createAtomic(name)
	if err != nil {
		return err
	}
	if _, err := a.Write(b); err != nil {
		a.Abort()
		return err
	}
	if err := a.Commit(); err != nil {
		return err
	}
	syncDir(filepath.Dir(name))
	return nil
}

// native converts a slash-separated path under root to a native path.
func native(root, slashPath string) string {
	return filepath.Join(root, filepath.FromSlash(slashPath))
}
