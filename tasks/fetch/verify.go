package fetch

import (
	"errors"
	"fmt"
	"io/fs"
)

// A ProblemKind classifies a Problem.
type ProblemKind string

// Problem kinds.
const (
	Missing    ProblemKind = "missing"    // expected file absent
	Mismatch   ProblemKind = "mismatch"   // size or sha256 differs
	Unrecorded ProblemKind = "unrecorded" // present, but no hash in the manifest or lock file
)

// A Problem is one file that does not verify.
type Problem struct {
	Source  string
	Path    string // slash-separated, under the data root
	Kind    ProblemKind
	Against string // "manifest" or LockFile; "" for Unrecorded
	Want    string // expected sha256
	Got     string // actual sha256 (Mismatch only)

	WantSize, GotSize int64
}

func (p Problem) String() string {
	switch p.Kind {
	case Mismatch:
		return fmt.Sprintf("%s: %s: sha256 mismatch against %s: got %s (%d bytes), want %s (%d bytes)",
			p.Source, p.Path, p.Against, p.Got, p.GotSize, p.Want, p.WantSize)
	case Unrecorded:
		return fmt.Sprintf("%s: %s: no recorded sha256 (not in the manifest or %s)", p.Source, p.Path, LockFile)
	}
	return fmt.Sprintf("%s: %s: %s", p.Source, p.Path, p.Kind)
}

// Verify re-hashes the files of the named sources under root against the
// embedded manifest and root's lock file, without network access. See
// Fetcher.Verify.
func Verify(root string, names ...string) ([]Problem, error) {
	return (&Fetcher{}).Verify(root, names...)
}

// Verify re-hashes the files of the named sources under root against f's
// manifest and root's lock file. With no names it checks every source that
// has at least one file on disk; named sources are checked in full, so
// their absent files are reported as Missing. The error is for I/O
// failures and unknown names, not for files that do not verify.
func (f *Fetcher) Verify(root string, names ...string) ([]Problem, error) {
	srcs, err := selectSources(f.sources(), names)
	if err != nil {
		return nil, err
	}
	lock, err := ReadLock(root)
	if err != nil {
		return nil, err
	}
	man := f.manifest()
	idx := man.index()
	var probs []Problem
	for _, s := range srcs {
		type check struct {
			path, against, sha string
			size               int64
		}
		var checks []check
		for _, e := range man.For(s.Name) {
			checks = append(checks, check{e.Path, "manifest", e.SHA256, e.Size})
		}
		for _, r := range s.Files {
			if _, ok := idx[r.Dest]; ok {
				continue // already listed above
			}
			c := check{path: r.Dest}
			if e, ok := lock.Files[r.Dest]; ok {
				c.against, c.sha, c.size = LockFile, e.SHA256, e.Size
			}
			checks = append(checks, c)
		}
		var sp []Problem
		present := 0
		for _, c := range checks {
			size, sum, err := hashFile(native(root, c.path))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				sp = append(sp, Problem{Source: s.Name, Path: c.path, Kind: Missing, Against: c.against, Want: c.sha, WantSize: c.size})
				continue
			case err != nil:
				return probs, err
			}
			present++
			switch {
			case c.against == "":
				sp = append(sp, Problem{Source: s.Name, Path: c.path, Kind: Unrecorded, Got: sum, GotSize: size})
			case sum != c.sha || size != c.size:
				sp = append(sp, Problem{Source: s.Name, Path: c.path, Kind: Mismatch, Against: c.against,
					Want: c.sha, WantSize: c.size, Got: sum, GotSize: size})
			}
		}
		if len(names) == 0 && present == 0 {
			continue // never fetched
		}
		probs = append(probs, sp...)
	}
	return probs, nil
}
