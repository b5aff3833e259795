package fetch

import (
	"arceval/internal/atomicfile"
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// An UnsafeArchiveError reports an archive entry that could escape the data
// root or is not a regular file where one is expected.
type UnsafeArchiveError struct {
	Name   string // entry name as stored in the archive
	Reason string
}

func (e *UnsafeArchiveError) Error() string {
	return fmt.Sprintf("unsafe archive entry %q: %s", e.Name, e.Reason)
}

// extract reads a codeload tar.gz (one top directory, <repo>-<commit>/) and
// writes each entry that s maps to a path in want under root, verifying its
// size and sha256 before it is renamed into place. Entries with absolute
// paths or ".." components are rejected, as are wanted entries that are not
// regular files. It returns the number of files written.
func extract(ctx context.Context, archive, root string, s Source, want map[string]ManifestEntry, maxUnpacked int64) (int, error) {
	fh, err := os.Open(archive)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	zr, err := gzip.NewReader(fh)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", archive, err)
	}
	defer zr.Close()
	lr := &limitedReader{r: zr, n: maxUnpacked}
	tr := tar.NewReader(lr)

	done := map[string]bool{}
	dirs := map[string]bool{}
	defer func() {
		for d := range dirs {
			atomicfile.SyncDir(d)
		}
	}()
	top := ""
	for {
		if err := ctx.Err(); err != nil {
			return len(done), err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if lr.n < 0 {
				return len(done), fmt.Errorf("%s: more than %s uncompressed", archive, human(maxUnpacked))
			}
			return len(done), fmt.Errorf("%s: %w", archive, err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		name := strings.TrimSuffix(hdr.Name, "/")
		if reason := unsafeName(name); reason != "" {
			return len(done), &UnsafeArchiveError{hdr.Name, reason}
		}
		first, rel, _ := strings.Cut(name, "/")
		if top == "" {
			top = first
		} else if first != top {
			return len(done), &UnsafeArchiveError{hdr.Name, "outside the archive's top directory " + top}
		}
		if rel == "" {
			continue
		}
		dest, ok := s.Dest(rel)
		if !ok {
			continue
		}
		e, ok := want[dest]
		if !ok {
			continue
		}
		if hdr.Typeflag != tar.TypeReg {
			return len(done), &UnsafeArchiveError{hdr.Name, fmt.Sprintf("want a regular file for %s, got tar type %q", dest, hdr.Typeflag)}
		}
		if err := writeEntry(tr, hdr.Size, root, e); err != nil {
			if lr.n < 0 {
				return len(done), fmt.Errorf("%s: more than %s uncompressed", archive, human(maxUnpacked))
			}
			return len(done), err
		}
		done[dest] = true
		dirs[filepath.Dir(native(root, dest))] = true
	}
	var missing []string
	for p := range want {
		if !done[p] {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		more := ""
		if len(missing) > 5 {
			more = fmt.Sprintf(" and %d more", len(missing)-5)
			missing = missing[:5]
		}
		return len(done), fmt.Errorf("archive %s lacks expected files: %s%s", path.Base(archive), strings.Join(missing, ", "), more)
	}
	return len(done), nil
}

// unsafeName explains why an archive entry name is unsafe, or returns "".
func unsafeName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case strings.HasPrefix(name, "/") || path.IsAbs(name):
		return "absolute path"
	case strings.Contains(name, `\`) || (len(name) > 1 && name[1] == ':'):
		return "non-slash path"
	case strings.ContainsRune(name, 0):
		return "NUL in name"
	}
	if slices.Contains(strings.Split(name, "/"), "..") {
		return `".." path component`
	}
	return ""
}

// writeEntry copies one archive entry to its destination through a
// temporary file, committing it only if size and sha256 match e.
func writeEntry(r io.Reader, size int64, root string, e ManifestEntry) error {
	h := sha256.New()
	if size != e.Size {
		// Hash it anyway (bounded by the unpacked limit) to name both hashes.
		n, err := io.Copy(h, r)
		if err != nil {
			return err
		}
		return &MismatchError{Path: e.Path, Want: e.SHA256, WantSize: e.Size, Got: hex.EncodeToString(h.Sum(nil)), GotSize: n, Against: "manifest"}
	}
	a, err := atomicfile.Create(native(root, e.Path))
	if err != nil {
		return err
	}
	defer a.Abort()
	n, err := io.Copy(io.MultiWriter(a, h), r)
	if err != nil {
		return err
	}
	got := hex.EncodeToString(h.Sum(nil))
	if got != e.SHA256 || n != e.Size {
		return &MismatchError{Path: e.Path, Want: e.SHA256, WantSize: e.Size, Got: got, GotSize: n, Against: "manifest"}
	}
	return a.Commit()
}

// limitedReader fails once more than n bytes have been read; n goes
// negative then.
type limitedReader struct {
	r io.Reader
	n int64
}

var errTooLarge = errors.New("archive too large")

func (l *limitedReader) Read(b []byte) (int, error) {
	if l.n < 0 {
		return 0, errTooLarge
	}
	n, err := l.r.Read(b)
	l.n -= int64(n)
	if l.n < 0 {
		return n, errTooLarge
	}
	return n, err
}
