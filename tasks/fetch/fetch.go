package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Default limits and endpoints.
const (
	DefaultGitHubBase      = "https://codeload.github.com"
	DefaultHFBase          = "https://huggingface.co"
	DefaultMaxArchiveBytes = 1 << 30 // 1 GiB per GitHub archive
	DefaultMaxFileBytes    = 8 << 30 // 8 GiB per direct download
)

// cacheDir holds downloaded archives under the data root until extracted.
const cacheDir = ".fetch"

// A Fetcher downloads sources into a data root. The zero value is ready to
// use with the official endpoints, registry and embedded manifest.
type Fetcher struct {
	GitHubBase string       // codeload base URL; "" means DefaultGitHubBase
	HFBase     string       // Hugging Face base URL; "" means DefaultHFBase
	Client     *http.Client // nil means http.DefaultClient

	// Progress receives progress output (nil: none). A bar is drawn only
	// if it is a terminal, the CI environment variable is unset and
	// PlainProgress is false; otherwise one line is printed per file.
	Progress      io.Writer
	PlainProgress bool

	Retries      int           // retries per download after failures without progress; 0 means 5, <0 means none
	RetryDelay   time.Duration // first backoff delay, doubling; 0 means 1s
	StallTimeout time.Duration // abort an attempt after this long without data; 0 means 60s

	MaxArchiveBytes int64 // size limit for a GitHub archive; 0 means DefaultMaxArchiveBytes
	MaxFileBytes    int64 // size limit for a direct download; 0 means DefaultMaxFileBytes

	Force        bool // download even if the files on disk already verify
	KeepArchives bool // keep GitHub archives in <root>/.fetch after extraction

	Sources  []Source // nil means Sources()
	Manifest Manifest // nil means EmbeddedManifest()
}

func (f *Fetcher) client() *http.Client {
	if f.Client != nil {
		return f.Client
	}
	return http.DefaultClient
}

func (f *Fetcher) retries() int {
	switch {
	case f.Retries < 0:
		return 0
	case f.Retries == 0:
		return 5
	}
	return f.Retries
}

func (f *Fetcher) retryDelay() time.Duration { return orDefault(f.RetryDelay, time.Second) }
func (f *Fetcher) stallTimeout() time.Duration {
	return orDefault(f.StallTimeout, time.Minute)
}
func (f *Fetcher) maxArchive() int64 { return orDefault(f.MaxArchiveBytes, DefaultMaxArchiveBytes) }
func (f *Fetcher) maxFile() int64    { return orDefault(f.MaxFileBytes, DefaultMaxFileBytes) }

func orDefault[T int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func (f *Fetcher) sources() []Source {
	if f.Sources != nil {
		return f.Sources
	}
	return Sources()
}

func (f *Fetcher) manifest() Manifest {
	if f.Manifest != nil {
		return f.Manifest
	}
	return EmbeddedManifest()
}

// ArchiveURL returns the codeload URL of a GitHub source's pinned commit.
func (f *Fetcher) ArchiveURL(s Source) string {
	base := strings.TrimSuffix(f.GitHubBase, "/")
	if base == "" {
		base = DefaultGitHubBase
	}
	return base + "/" + s.Owner + "/" + s.Repo + "/tar.gz/" + s.Commit
}

// FileURL returns the download URL of a Hugging Face dataset file.
func (f *Fetcher) FileURL(r RemoteFile) string {
	base := strings.TrimSuffix(f.HFBase, "/")
	if base == "" {
		base = DefaultHFBase
	}
	rev := r.Revision
	if rev == "" {
		rev = "main"
	}
	return base + "/datasets/" + r.Dataset + "/resolve/" + rev + "/" + r.File
}

// A MismatchError reports a file whose content differs from what is
// expected.
type MismatchError struct {
	Path              string // slash-separated, under the data root
	Want, Got         string // sha256 (hex)
	WantSize, GotSize int64
	Against           string // "manifest" or LockFile
}

func (e *MismatchError) Error() string {
	what := "sha256"
	if e.WantSize > 0 && e.GotSize != e.WantSize {
		what = "size"
	}
	return fmt.Sprintf("%s: %s mismatch against %s: got %s (%d bytes), want %s (%d bytes)",
		e.Path, what, e.Against, e.Got, e.GotSize, e.Want, e.WantSize)
}

// Fetch downloads the named sources (all if none) into root, skipping those
// whose files already verify unless f.Force is set. It tries every source
// and returns the joined errors; on context cancellation it stops at once.
func (f *Fetcher) Fetch(ctx context.Context, root string, names ...string) error {
	srcs, err := selectSources(f.sources(), names)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	man := f.manifest()
	var errs []error
	for _, s := range srcs {
		err := error(nil)
		if s.IsGitHub() {
			err = f.fetchGitHub(ctx, root, s, man.For(s.Name))
		}
		if err == nil && len(s.Files) > 0 {
			err = f.fetchFiles(ctx, root, s, man.index())
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("fetch %s: %w", s.Name, err))
		}
	}
	return errors.Join(errs...)
}

// say prints one line of progress output.
func (f *Fetcher) say(format string, args ...any) {
	if f.Progress != nil {
		fmt.Fprintf(f.Progress, format+"\n", args...)
	}
}

// fetchGitHub downloads and extracts one GitHub source.
func (f *Fetcher) fetchGitHub(ctx context.Context, root string, s Source, want []ManifestEntry) error {
	if len(want) == 0 {
		return fmt.Errorf("no files listed in the manifest")
	}
	if !f.Force {
		if ok, _ := allPresent(root, want); ok {
			f.say("%s: up to date (%d files verified)", s.Name, len(want))
			return nil
		}
	}
	dir := filepath.Join(root, cacheDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	archive := filepath.Join(dir, s.Repo+"-"+s.Commit+".tar.gz")
	if _, err := os.Stat(archive); err != nil {
		part := archive + ".part"
		p := newProgress(f.Progress, f.PlainProgress, s.Name+" archive")
		if err := f.download(ctx, f.ArchiveURL(s), part, f.maxArchive(), p); err != nil {
			return err
		}
		if err := syncFile(part); err != nil {
			return err
		}
		if err := commitRename(part, archive); err != nil {
			return err
		}
		os.Remove(part + ".meta")
		p.finish()
	}
	idx := make(map[string]ManifestEntry, len(want))
	for _, e := range want {
		idx[e.Path] = e
	}
	n, err := extract(ctx, archive, root, s, idx, 8*f.maxArchive())
	if err != nil {
		if ctx.Err() == nil {
			os.Remove(archive) // bad archive: download afresh next time
		}
		return err
	}
	if !f.KeepArchives {
		os.Remove(archive)
		os.Remove(dir) // only if empty
	}
	f.say("%s: %d files extracted, sha256 verified against the manifest", s.Name, n)
	return nil
}

// allPresent reports whether every entry exists on disk with the expected
// size and hash.
func allPresent(root string, want []ManifestEntry) (bool, error) {
	for _, e := range want {
		st, err := os.Stat(native(root, e.Path))
		if err != nil || st.Size() != e.Size {
			return false, err
		}
	}
	for _, e := range want {
		_, sum, err := hashFile(native(root, e.Path))
		if err != nil || sum != e.SHA256 {
			return false, err
		}
	}
	return true, nil
}

// fetchFiles downloads a source's direct files, verifying each against the
// manifest, else the lock file, else recording it in the lock file.
func (f *Fetcher) fetchFiles(ctx context.Context, root string, s Source, man map[string]ManifestEntry) error {
	for _, r := range s.Files {
		if err := f.fetchFile(ctx, root, s, r, man); err != nil {
			return err
		}
	}
	return nil
}

func (f *Fetcher) fetchFile(ctx context.Context, root string, s Source, r RemoteFile, man map[string]ManifestEntry) error {
	lock, err := ReadLock(root)
	if err != nil {
		return err
	}
	var want *MismatchError // expected values; nil if unknown
	if e, ok := man[r.Dest]; ok {
		want = &MismatchError{Path: r.Dest, Want: e.SHA256, WantSize: e.Size, Against: "manifest"}
	} else if e, ok := lock.Files[r.Dest]; ok {
		want = &MismatchError{Path: r.Dest, Want: e.SHA256, WantSize: e.Size, Against: LockFile}
	}
	dest := native(root, r.Dest)
	if want != nil && !f.Force {
		if size, sum, err := hashFile(dest); err == nil {
			if sum == want.Want && size == want.WantSize {
				f.say("%s: up to date (sha256 verified against %s)", r.Dest, want.Against)
				return nil
			}
			f.say("%s: on-disk file does not match %s; downloading again", r.Dest, want.Against)
		}
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return err
	}
	url := f.FileURL(r)
	part := dest + ".part"
	p := newProgress(f.Progress, f.PlainProgress, r.Dest)
	if err := f.download(ctx, url, part, f.maxFile(), p); err != nil {
		return err
	}
	size, sum, err := hashFile(part)
	if err != nil {
		return err
	}
	if want != nil && (sum != want.Want || size != want.WantSize) {
		removePart(part)
		want.Got, want.GotSize = sum, size
		return want
	}
	if err := syncFile(part); err != nil {
		return err
	}
	if want == nil {
		// Record before renaming: a crash in between leaves a complete
		// .part that the next run resumes and checks against the lock.
		e := LockEntry{Source: s.Name, SHA256: sum, Size: size, URL: url, Time: time.Now().UTC().Truncate(time.Second)}
		if err := recordLock(root, r.Dest, e); err != nil {
			return err
		}
	}
	if err := commitRename(part, dest); err != nil {
		return err
	}
	os.Remove(part + ".meta")
	p.finish()
	if want == nil {
		f.say("%s: sha256 %s (first download: recorded in %s)", r.Dest, sum, LockFile)
	} else {
		f.say("%s: sha256 verified against %s", r.Dest, want.Against)
	}
	return nil
}

// syncFile flushes a file's content to stable storage.
func syncFile(name string) error {
	fh, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = fh.Sync()
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return err
}
