package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"arceval/models/catalog"
	"arceval/tasks/fetch"
)

// A ModelCache downloads catalog checkpoints into a directory (the model
// cache, catalog.Dir) and checks them. Weights whose sha256 is verified in
// the catalog are checked against it; the others are checked by size (when
// the catalog knows it) and their hash is recorded in the cache's
// fetch.lock.json on the first download (trust on first use), against
// which later fetches and evaluations are checked.
type ModelCache struct {
	Dir     string
	Fetcher *fetch.Fetcher // nil: the official endpoints, no progress output
	Out     io.Writer      // messages (nil: none)
	Now     func() time.Time
}

func (mc *ModelCache) fetcher() *fetch.Fetcher {
	if mc.Fetcher == nil {
		return &fetch.Fetcher{}
	}
	return mc.Fetcher
}

func (mc *ModelCache) say(format string, args ...any) {
	if mc.Out != nil {
		fmt.Fprintf(mc.Out, format+"\n", args...)
	}
}

func (mc *ModelCache) now() time.Time {
	if mc.Now != nil {
		return mc.Now()
	}
	return time.Now()
}

// lockRecord returns the lock file's record of e's weights, if any.
func (mc *ModelCache) lockRecord(e catalog.Entry) (fetch.LockEntry, bool, error) {
	lock, err := fetch.ReadLock(mc.Dir)
	if err != nil {
		return fetch.LockEntry{}, false, err
	}
	rec, ok := lock.Files[e.Key()]
	return rec, ok, nil
}

// expect returns what e's weights must be: the catalog's size, its sha256
// only when verified, else the lock file's record.
func (mc *ModelCache) expect(e catalog.Entry) (fetch.Expect, error) {
	w := e.Weights
	if w.Verified && w.SHA256 != "" {
		return fetch.Expect{Size: w.Size, SHA256: w.SHA256, Against: "the model catalog"}, nil
	}
	rec, ok, err := mc.lockRecord(e)
	if err != nil {
		return fetch.Expect{}, err
	}
	if ok {
		if w.Size > 0 && rec.Size != w.Size {
			return fetch.Expect{}, fmt.Errorf("%s: %s records %d bytes for %s, the catalog says %d: remove that entry", mc.Dir, fetch.LockFile, rec.Size, e.Key(), w.Size)
		}
		return fetch.Expect{Size: rec.Size, SHA256: rec.SHA256, Against: fetch.LockFile + " (the first download)"}, nil
	}
	return fetch.Expect{Size: w.Size, Against: "the model catalog"}, nil
}

// Cached returns the path of e's weights when they are in the cache with
// the catalog's size (without hashing them).
func (mc *ModelCache) Cached(e catalog.Entry) (string, bool, error) {
	path := e.Path(mc.Dir)
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, false, nil
	}
	if err != nil {
		return path, false, err
	}
	if e.Weights.Size > 0 && st.Size() != e.Weights.Size {
		return path, false, fmt.Errorf("%s has %d bytes, the catalog says %d: fetch it again with `arceval models fetch --force %s`", path, st.Size(), e.Weights.Size, e.Name)
	}
	return path, true, nil
}

// Check compares the size and sha256 of e's cached weights with what they
// must be (see expect). The note reports an unverified published hash the
// file does not match (a warning, not an error: only the size is checked
// against an unverified hash).
func (mc *ModelCache) Check(e catalog.Entry, size int64, sum string) (note string, err error) {
	want, err := mc.expect(e)
	if err != nil {
		return "", err
	}
	if want.Size > 0 && size != want.Size || want.SHA256 != "" && sum != want.SHA256 {
		return "", &fetch.MismatchError{Path: e.Path(mc.Dir), Want: orUnknown(want.SHA256), WantSize: want.Size, Got: sum, GotSize: size, Against: want.Against}
	}
	return publishedNote(e, sum), nil
}

// publishedNote compares sum with an unverified published hash.
func publishedNote(e catalog.Entry, sum string) string {
	w := e.Weights
	switch {
	case w.SHA256 == "" || w.Verified:
		return ""
	case sum == w.SHA256:
		return fmt.Sprintf("%s: sha256 matches the published value (%s)", e.Name, w.Origin)
	}
	return fmt.Sprintf("warning: %s: sha256 %s differs from the published value %s, which could not be verified here (%s); the size matches the catalog", e.Name, sum, w.SHA256, w.Origin)
}

func orUnknown(s string) string {
	if s == "" {
		return "(not known)"
	}
	return s
}

// Fetch makes e's weights present and checked in the cache and returns
// their path: a file already there is re-hashed and kept if it checks
// (unless force), otherwise it is downloaded (resuming a partial download).
// A download is checked like a cached file, so a forced one must match the
// lock file's record too (remove the entry to accept new content).
func (mc *ModelCache) Fetch(ctx context.Context, e catalog.Entry, force bool) (string, error) {
	path := e.Path(mc.Dir)
	_, recorded, err := mc.lockRecord(e)
	if err != nil {
		return "", err
	}
	if !force {
		if size, sum, err := fetch.HashFile(path); err == nil {
			note, cerr := mc.Check(e, size, sum)
			if cerr == nil {
				if err := mc.record(e, size, sum, recorded); err != nil {
					return "", err
				}
				mc.say("%s: up to date (%s, %s)", e.Name, path, mc.howChecked(e, recorded))
				if note != "" {
					mc.say("%s", note)
				}
				return path, nil
			}
			mc.say("%s: the cached file does not check (%v); downloading again", e.Name, cerr)
		}
	}
	want, err := mc.expect(e)
	if err != nil {
		return "", err
	}
	f := mc.fetcher()
	url := f.ModelURL(e.Weights.Repo, e.Weights.Revision, e.Weights.Path)
	mc.say("%s: downloading %s (%s) from %s", e.Name, e.Weights.Path, e.SizeText(), url)
	size, sum, err := f.DownloadFile(ctx, url, path, e.Name, want)
	if err != nil {
		return "", fmt.Errorf("fetch %s: %w", e.Name, err)
	}
	if err := mc.record(e, size, sum, recorded); err != nil {
		return "", err
	}
	mc.say("%s: %s, sha256 %s (%s)", e.Name, path, sum, mc.howChecked(e, recorded))
	if note := publishedNote(e, sum); note != "" {
		mc.say("%s", note)
	}
	return path, nil
}

// record writes the lock entry of weights whose hash the catalog does not
// verify, unless it is already recorded.
func (mc *ModelCache) record(e catalog.Entry, size int64, sum string, recorded bool) error {
	if recorded || e.Weights.Verified && e.Weights.SHA256 != "" {
		return nil
	}
	f := mc.fetcher()
	return fetch.RecordLock(mc.Dir, e.Key(), fetch.LockEntry{Source: e.Name, SHA256: sum, Size: size,
		URL: f.ModelURL(e.Weights.Repo, e.Weights.Revision, e.Weights.Path), Time: mc.now().UTC().Truncate(time.Second)})
}

// howChecked says what a file that checks was checked against.
func (mc *ModelCache) howChecked(e catalog.Entry, recorded bool) string {
	switch {
	case e.Weights.Verified && e.Weights.SHA256 != "":
		return "size and sha256 verified against the catalog"
	case recorded:
		return "size and sha256 checked against " + fetch.LockFile + ", recorded at the first download; the catalog's hash is unverified"
	case e.Weights.Size > 0:
		return "size checked against the catalog; sha256 unverified, recorded in " + fetch.LockFile
	}
	return "sha256 unverified and size not known: recorded in " + fetch.LockFile + " for later checks"
}
