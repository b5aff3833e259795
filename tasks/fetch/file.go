package fetch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// An Expect is what a downloaded file must be. Zero fields are unknown and
// not checked.
type Expect struct {
	Size    int64  // bytes
	SHA256  string // hex
	Against string // where the expectation comes from, for error messages (e.g. "the model catalog")
}

// DownloadFile downloads url to dest with the same machinery as Fetch:
// resume from dest+".part" with Range requests, retries with backoff, a
// progress bar labelled label, and a synced rename into place, so dest is
// either absent or complete. A known size also caps the transfer (a larger
// body is refused before it is all read). The size and sha256 are checked
// against want before the rename; a mismatch removes the partial file and
// returns a *MismatchError. It returns the size and sha256 of dest.
func (f *Fetcher) DownloadFile(ctx context.Context, url, dest, label string, want Expect) (int64, string, error) {
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return 0, "", err
	}
	limit := f.maxFile()
	if want.Size > 0 {
		limit = want.Size
	}
	part := dest + ".part"
	p := newProgress(f.Progress, f.PlainProgress, label)
	if err := f.download(ctx, url, part, limit, p); err != nil {
		var tl *TooLargeError
		if want.Size > 0 && errors.As(err, &tl) {
			return 0, "", fmt.Errorf("%s: %w (%s says %d bytes)", label, err, want.against(), want.Size)
		}
		return 0, "", err
	}
	size, sum, err := hashFile(part)
	if err != nil {
		return 0, "", err
	}
	if want.Size > 0 && size != want.Size || want.SHA256 != "" && sum != want.SHA256 {
		removePart(part)
		wantSum := want.SHA256
		if wantSum == "" {
			wantSum = "(not known)"
		}
		return size, sum, &MismatchError{Path: label, Want: wantSum, WantSize: want.Size, Got: sum, GotSize: size, Against: want.against()}
	}
	if err := syncFile(part); err != nil {
		return 0, "", err
	}
	if err := commitRename(part, dest); err != nil {
		return 0, "", err
	}
	os.Remove(part + ".meta")
	p.finish()
	return size, sum, nil
}

func (e Expect) against() string {
	if e.Against == "" {
		return "the expected values"
	}
	return e.Against
}

// ModelURL returns the download URL of a file of a Hugging Face model
// repository: <HFBase>/<repo>/resolve/<revision>/<path>.
func (f *Fetcher) ModelURL(repo, revision, path string) string {
	base := strings.TrimSuffix(f.HFBase, "/")
	if base == "" {
		base = DefaultHFBase
	}
	if revision == "" {
		revision = "main"
	}
	return base + "/" + repo + "/resolve/" + revision + "/" + path
}

// HFEndpoint returns the Hugging Face base URL from $HF_ENDPOINT (the
// variable huggingface_hub reads for mirrors), or "" for the default.
func HFEndpoint() string { return strings.TrimSuffix(os.Getenv("HF_ENDPOINT"), "/") }

// HashFile returns the size and hex sha256 of the file at name.
func HashFile(name string) (int64, string, error) { return hashFile(name) }

// RecordLock adds or replaces one entry of root's lock file (trust on
// first use of a file whose hash is not known in advance).
func RecordLock(root, path string, e LockEntry) error {
	if !localSlash(path) || !isSHA256(e.SHA256) {
		return fmt.Errorf("fetch: bad lock entry %q", path)
	}
	return recordLock(root, path, e)
}
