// Package userfile opens the files a user names — data sets, models, run
// files, configs, batch inputs — for reading. Only regular files are
// accepted: opening a named pipe blocks until a writer appears and reading a
// device or a socket may never end, so `data validate` on a folder holding
// a FIFO would hang. Anything else is refused with an error naming the path
// and what it is. Whole-file reads check the size before they allocate.
package userfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// NotRegularError is the refusal of a path that is not a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s: %s, not a regular file", e.Path, Describe(e.Mode))
}

// Describe names the type of a file mode for messages ("a named pipe
// (FIFO)", "a folder", …).
func Describe(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	default:
		return "a special file"
	}
}

// Check reports whether path (symbolic links followed) is a regular file,
// without opening it: nil, a *NotRegularError, or the stat error. Folder
// walkers use it to refuse special files before any open.
func Check(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return &NotRegularError{Path: path, Mode: st.Mode()}
	}
	return nil
}

// Open opens a regular file for reading. It stats the path first, then
// opens it without blocking and checks the opened file again, so a FIFO
// swapped in between the two is refused rather than waited on.
func Open(path string) (*os.File, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	return openRegular(path)
}

// ReadFile reads a whole regular file, refusing one larger than limit bytes
// before reading it (the size comes from the opened file, and a file that
// grows while it is read is still cut at limit+1 bytes and refused).
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > limit {
		return nil, &TooLargeError{Path: path, Size: st.Size(), Limit: limit}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: path, Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}

// TooLargeError is the refusal of a file larger than a reader's bound.
type TooLargeError struct {
	Path        string
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: %d bytes, more than the %d this file may have", e.Path, e.Size, e.Limit)
}
