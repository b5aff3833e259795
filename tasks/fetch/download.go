package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// An HTTPError is an unexpected HTTP response status.
type HTTPError struct {
	URL        string
	StatusCode int
	Status     string
	RetryAfter time.Duration // from a Retry-After header, if any
}

func (e *HTTPError) Error() string { return "GET " + e.URL + ": " + e.Status }

// Temporary reports whether retrying may help (408, 425, 429 and 5xx).
func (e *HTTPError) Temporary() bool {
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return e.StatusCode >= 500
}

// A TooLargeError is a response larger than the size limit of its download.
type TooLargeError struct {
	URL   string
	Size  int64 // the announced size; -1 when the body ran past the limit
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Size >= 0 {
		return fmt.Sprintf("GET %s: %s exceeds the %s limit", e.URL, human(e.Size), human(e.Limit))
	}
	return fmt.Sprintf("GET %s: body exceeds the %s limit", e.URL, human(e.Limit))
}

// errStalled cancels an attempt that received no data for too long.
var errStalled = errors.New("download stalled")

// errRestart asks for an immediate fresh download after a stale .part.
var errRestart = errors.New("restart download")

// fatalError wraps errors that retrying cannot fix.
type fatalError struct{ err error }

func (e fatalError) Error() string { return e.err.Error() }
func (e fatalError) Unwrap() error { return e.err }

// download fetches url into the file part, resuming from its current length
// with a Range request, and retrying transient failures with backoff. It
// returns nil once part holds the complete body. part and part+".meta" (the
// response validator used for If-Range) are kept on failure so a later call
// can resume; they are removed when the server's data is unusable.
func (f *Fetcher) download(ctx context.Context, url, part string, limit int64, p *progress) error {
	err := f.retryLoop(ctx, url, part, limit, p)
	if err != nil {
		if st, serr := os.Stat(part); serr == nil && st.Size() == 0 {
			removePart(part) // nothing worth resuming
		}
	}
	return err
}

// retryLoop runs attempts until success, a permanent error or too many
// consecutive failures.
func (f *Fetcher) retryLoop(ctx context.Context, url, part string, limit int64, p *progress) error {
	failures, restarts := 0, 0
	for {
		progressed, err := f.attempt(ctx, url, part, limit, p)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, errRestart) {
			if restarts++; restarts <= 2 {
				continue
			}
			return fmt.Errorf("GET %s: server keeps rejecting the partial download", url)
		}
		var fe fatalError
		if errors.As(err, &fe) {
			removePart(part)
			return fe.err
		}
		var he *HTTPError
		if errors.As(err, &he) && !he.Temporary() {
			return err
		}
		if progressed {
			failures = 0
		}
		failures++
		if failures > f.retries() {
			return fmt.Errorf("%w (gave up after %d attempts)", err, failures)
		}
		delay := f.backoff(failures)
		if he != nil && he.RetryAfter > delay {
			delay = min(he.RetryAfter, time.Minute)
		}
		p.note("%v; retrying in %s", err, delay.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
	}
}

// backoff returns the delay before retry n (1-based): RetryDelay doubling
// up to 32 times it, with ±25% jitter.
func (f *Fetcher) backoff(n int) time.Duration {
	d := f.retryDelay() << min(n-1, 5)
	return d - d/4 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// removePart deletes a partial download and its metadata.
func removePart(part string) {
	os.Remove(part)
	os.Remove(part + ".meta")
}

// attempt makes one request. progressed reports whether part grew.
func (f *Fetcher) attempt(ctx context.Context, url, part string, limit int64, p *progress) (progressed bool, err error) {
	out, err := os.OpenFile(part, os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return false, fatalError{err}
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fatalError{cerr}
		}
	}()
	st, err := out.Stat()
	if err != nil {
		return false, fatalError{err}
	}
	offset := st.Size()

	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	watchdog := time.AfterFunc(f.stallTimeout(), func() { cancel(errStalled) })
	defer watchdog.Stop()

	req, err := http.NewRequestWithContext(actx, http.MethodGet, url, nil)
	if err != nil {
		return false, fatalError{err}
	}
	req.Header.Set("Accept-Encoding", "identity")
	req.Header.Set("User-Agent", "arceval-fetch/1")
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
		if v := readMeta(part); v != "" {
			req.Header.Set("If-Range", v)
		}
	}
	resp, err := f.client().Do(req)
	if err != nil {
		return false, attemptErr(actx, err)
	}
	defer resp.Body.Close()

	total := int64(-1)
	switch resp.StatusCode {
	case http.StatusOK:
		if offset > 0 {
			p.note("server ignored the Range request; restarting from 0")
		}
		if err := out.Truncate(0); err != nil {
			return false, fatalError{err}
		}
		offset = 0
		total = resp.ContentLength
		writeMeta(part, resp.Header)
	case http.StatusPartialContent:
		start, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != offset {
			p.note("unexpected Content-Range %q; restarting from 0", resp.Header.Get("Content-Range"))
			removePart(part)
			return false, errRestart
		}
		total = size
	case http.StatusRequestedRangeNotSatisfiable:
		_, size, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if ok && size == offset && offset > 0 {
			return false, nil // the .part is already complete
		}
		p.note("range not satisfiable for %s of data; restarting from 0", human(offset))
		removePart(part)
		return false, errRestart
	default:
		he := &HTTPError{URL: url, StatusCode: resp.StatusCode, Status: resp.Status}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			he.RetryAfter = time.Duration(s) * time.Second
		}
		return false, he
	}
	if limit > 0 && total > limit {
		return false, fatalError{&TooLargeError{URL: url, Size: total, Limit: limit}}
	}
	if _, err := out.Seek(offset, io.SeekStart); err != nil {
		return false, fatalError{err}
	}
	p.reset(offset, total)

	body := io.Reader(&watchReader{r: resp.Body, t: watchdog, d: f.stallTimeout()})
	if limit > 0 {
		body = io.LimitReader(body, limit-offset+1)
	}
	n, err := io.Copy(io.MultiWriter(out, p), body)
	progressed = n > 0
	if err != nil {
		return progressed, attemptErr(actx, err)
	}
	got := offset + n
	if limit > 0 && got > limit {
		return progressed, fatalError{&TooLargeError{URL: url, Size: -1, Limit: limit}}
	}
	if total >= 0 && got != total {
		return progressed, fmt.Errorf("GET %s: got %d of %d bytes", url, got, total)
	}
	return progressed, nil
}

// attemptErr explains why an attempt's request failed.
func attemptErr(actx context.Context, err error) error {
	if cause := context.Cause(actx); errors.Is(cause, errStalled) {
		return errStalled
	}
	return err
}

// writeMeta saves the response validator for later If-Range requests: a
// strong ETag, else Last-Modified. Without one, any old metadata is removed.
func writeMeta(part string, h http.Header) {
	v := h.Get("ETag")
	if v == "" || strings.HasPrefix(v, "W/") {
		v = h.Get("Last-Modified")
	}
	if v == "" || len(v) > maxValidator || !validHeaderValue(v) {
		os.Remove(part + ".meta")
		return
	}
	os.WriteFile(part+".meta", []byte(v+"\n"), 0o644)
}

// parseContentRange parses "bytes first-last/complete" or "bytes
// */complete" (RFC 9110 §14.4), returning the start (-1 for "*") and the
// total size (-1 for "*"). Numbers are unsigned decimals; a range must
// have first ≤ last < complete, and "*/*" says nothing.
func parseContentRange(s string) (start, size int64, ok bool) {
	rest, found := strings.CutPrefix(s, "bytes ")
	if !found {
		return 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	size = -1
	if tot != "*" {
		if size, ok = parseUint63(tot); !ok {
			return 0, 0, false
		}
	}
	if rng == "*" {
		return -1, size, size >= 0
	}
	a, b, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, false
	}
	start, okA := parseUint63(a)
	last, okB := parseUint63(b)
	if !okA || !okB || last < start || size >= 0 && last >= size {
		return 0, 0, false
	}
	return start, size, true
}

// parseUint63 parses a decimal without sign that fits in an int64.
func parseUint63(s string) (int64, bool) {
	n, err := strconv.ParseUint(s, 10, 63)
	return int64(n), err == nil
}

// watchReader resets a stall timer whenever data arrives.
type watchReader struct {
	r io.Reader
	t *time.Timer
	d time.Duration
}

func (w *watchReader) Read(b []byte) (int, error) {
	n, err := w.r.Read(b)
	if n > 0 {
		w.t.Reset(w.d)
	}
	return n, err
}
