// Package atomicfile writes files so that readers see either the old file or
// the complete new one, never a partial write: data go to a temporary file in
// the destination's folder, which is synced, closed and renamed over the
// destination, and the folder is then synced (best effort) so the rename
// survives a crash. Every result arceval writes goes through it.
package atomicfile

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
)

// File is a temporary file that becomes its destination only on Commit.
type File struct {
	*os.File
	dest string
	done bool
}

// Create makes the destination's folder if needed and opens a temporary file
// next to dest.
func Create(dest string) (*File, error) {
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
	return &File{File: f, dest: dest}, nil
}

// Commit syncs, closes and renames the temporary file to the destination,
// then syncs the folder. On error the temporary file is removed.
func (f *File) Commit() error {
	err := f.Chmod(0o644)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(f.Name(), f.dest)
	}
	if err != nil {
		f.Abort()
		return err
	}
	f.done = true
	SyncDir(filepath.Dir(f.dest))
	return nil
}

// Abort discards the temporary file unless it was committed; it is safe to
// defer after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// Write writes dest through fill, buffered, atomically.
func Write(dest string, fill func(w io.Writer) error) error {
	f, err := Create(dest)
	if err != nil {
		return err
	}
	defer f.Abort()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := fill(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return f.Commit()
}

// WriteBytes writes b to dest atomically.
func WriteBytes(dest string, b []byte) error {
	return Write(dest, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// SyncDir makes renames in dir durable (best effort: not every file system
// supports syncing a folder).
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
