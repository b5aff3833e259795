package harness

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"arceval/models/catalog"
	"arceval/tasks/fetch"
)

// weightsServer serves body at /org/model/resolve/main/step_1 with Range
// support, and records the Range headers it saw.
type weightsServer struct {
	*httptest.Server
	mu     sync.Mutex
	ranges []string
	hits   int
}

func newWeightsServer(t *testing.T, body []byte) *weightsServer {
	ws := &weightsServer{}
	mux := http.NewServeMux()
	mux.HandleFunc("/org/model/resolve/main/step_1", func(w http.ResponseWriter, r *http.Request) {
		ws.mu.Lock()
		ws.hits++
		ws.ranges = append(ws.ranges, r.Header.Get("Range"))
		ws.mu.Unlock()
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
	ws.Server = httptest.NewServer(mux)
	t.Cleanup(ws.Close)
	return ws
}

func hexSum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// testEntry is a catalog entry served by newWeightsServer.
func testEntry(size int64, sum string, verified bool) catalog.Entry {
	return catalog.Entry{Name: "toy", Family: "trm", Preset: "sudoku-mlp", Benchmark: "sudoku",
		Weights: catalog.File{Repo: "org/model", Path: "step_1", Size: size, SHA256: sum, Verified: verified, Origin: "a test"}}
}

func testCache(t *testing.T, srv *weightsServer, out *bytes.Buffer) *ModelCache {
	mc := &ModelCache{Dir: t.TempDir(), Now: func() time.Time { return time.Unix(0, 0) },
		Fetcher: &fetch.Fetcher{HFBase: srv.URL, Client: srv.Client(), RetryDelay: time.Millisecond, Retries: 1, StallTimeout: 5 * time.Second}}
	if out != nil {
		mc.Out = out
	}
	return mc
}

var weights = bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB

func TestModelFetchVerified(t *testing.T) {
	srv := newWeightsServer(t, weights)
	var out bytes.Buffer
	mc := testCache(t, srv, &out)
	e := testEntry(int64(len(weights)), hexSum(weights), true)
	path, err := mc.Fetch(context.Background(), e, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, weights) || path != filepath.Join(mc.Dir, "toy", "step_1") {
		t.Fatalf("%s: %d bytes", path, len(got))
	}
	if !strings.Contains(out.String(), "size and sha256 verified against the catalog") {
		t.Errorf("output: %s", out.String())
	}
	// A verified entry writes no lock record; a second fetch downloads nothing.
	if lock, _ := fetch.ReadLock(mc.Dir); len(lock.Files) != 0 {
		t.Errorf("lock: %+v", lock.Files)
	}
	out.Reset()
	if _, err := mc.Fetch(context.Background(), e, false); err != nil || srv.hits != 1 || !strings.Contains(out.String(), "up to date") {
		t.Errorf("second fetch: %v, %d requests, %s", err, srv.hits, out.String())
	}
	if p, ok, err := mc.Cached(e); !ok || err != nil || p != path {
		t.Errorf("cached: %s %v %v", p, ok, err)
	}
}

func TestModelFetchResumesPartial(t *testing.T) {
	srv := newWeightsServer(t, weights)
	mc := testCache(t, srv, nil)
	e := testEntry(int64(len(weights)), hexSum(weights), true)
	part := e.Path(mc.Dir) + ".part"
	os.MkdirAll(filepath.Dir(part), 0o755)
	if err := os.WriteFile(part, weights[:10000], 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := mc.Fetch(context.Background(), e, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, weights) {
		t.Fatal("resumed file differs")
	}
	if len(srv.ranges) != 1 || srv.ranges[0] != "bytes=10000-" {
		t.Errorf("requests' Range headers: %q", srv.ranges)
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf("partial file left: %v", err)
	}
}

func TestModelFetchMismatches(t *testing.T) {
	srv := newWeightsServer(t, weights)
	n := int64(len(weights))
	for _, tc := range []struct {
		name  string
		entry catalog.Entry
		want  string
	}{
		{"smaller than the catalog", testEntry(n+1, "", false), "size mismatch against the model catalog"},
		{"larger than the catalog", testEntry(n-1, "", false), "exceeds the"},
		{"verified hash differs", testEntry(n, strings.Repeat("0", 64), true), "sha256 mismatch against the model catalog"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mc := testCache(t, srv, nil)
			_, err := mc.Fetch(context.Background(), tc.entry, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "toy") {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
			if tc.entry.Weights.SHA256 != "" {
				var me *fetch.MismatchError
				if !errors.As(err, &me) || me.Got != hexSum(weights) || me.Want != tc.entry.Weights.SHA256 {
					t.Errorf("mismatch %+v", me)
				}
			}
			for _, p := range []string{tc.entry.Path(mc.Dir), tc.entry.Path(mc.Dir) + ".part"} {
				if _, err := os.Stat(p); !os.IsNotExist(err) {
					t.Errorf("%s left behind: %v", p, err)
				}
			}
		})
	}
}

func TestModelFetchNotFound(t *testing.T) {
	srv := newWeightsServer(t, weights)
	mc := testCache(t, srv, nil)
	e := testEntry(0, "", false)
	e.Weights.Path = "missing"
	_, err := mc.Fetch(context.Background(), e, false)
	var he *fetch.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusNotFound || !strings.Contains(err.Error(), "/org/model/resolve/main/missing") {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(e.Path(mc.Dir)); !os.IsNotExist(err) {
		t.Errorf("file written: %v", err)
	}
}

// An entry without a verified hash is checked by size, its hash recorded on
// first download and checked against the record afterwards; an unverified
// published hash is compared and reported, never enforced.
func TestModelFetchTrustOnFirstUse(t *testing.T) {
	srv := newWeightsServer(t, weights)
	var out bytes.Buffer
	mc := testCache(t, srv, &out)
	published := strings.Repeat("a", 64)
	e := testEntry(int64(len(weights)), published, false)
	path, err := mc.Fetch(context.Background(), e, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "differs from the published value "+published+", which could not be verified here") {
		t.Errorf("no warning about the published hash: %s", out.String())
	}
	lock, err := fetch.ReadLock(mc.Dir)
	if err != nil || lock.Files["toy/step_1"].SHA256 != hexSum(weights) || lock.Files["toy/step_1"].Size != int64(len(weights)) {
		t.Fatalf("lock: %+v %v", lock, err)
	}
	if note, err := mc.Check(e, int64(len(weights)), hexSum(weights)); err != nil || !strings.Contains(note, "differs") {
		t.Errorf("check of the downloaded file: %q %v", note, err)
	}
	// Same size, other content: the lock's record catches it.
	tampered := append([]byte(nil), weights...)
	tampered[5] ^= 1
	os.WriteFile(path, tampered, 0o644)
	if _, err := mc.Check(e, int64(len(tampered)), hexSum(tampered)); err == nil || !strings.Contains(err.Error(), fetch.LockFile) {
		t.Errorf("tampered file: %v", err)
	}
	out.Reset()
	if _, err := mc.Fetch(context.Background(), e, false); err != nil || !strings.Contains(out.String(), "downloading again") {
		t.Fatalf("re-fetch of a tampered file: %v\n%s", err, out.String())
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, weights) {
		t.Error("tampered file not replaced")
	}
	// The published value, when it matches, is said to match.
	e.Weights.SHA256 = hexSum(weights)
	if note := publishedNote(e, hexSum(weights)); !strings.Contains(note, "matches the published value") {
		t.Errorf("note %q", note)
	}
}

func TestModelCachedSizeCheck(t *testing.T) {
	mc := &ModelCache{Dir: t.TempDir()}
	e := testEntry(100, "", false)
	if _, ok, err := mc.Cached(e); ok || err != nil {
		t.Fatalf("empty cache: %v %v", ok, err)
	}
	os.MkdirAll(filepath.Dir(e.Path(mc.Dir)), 0o755)
	os.WriteFile(e.Path(mc.Dir), []byte("short"), 0o644)
	if _, ok, err := mc.Cached(e); ok || err == nil || !strings.Contains(err.Error(), "models fetch --force toy") {
		t.Fatalf("wrong size: %v %v", ok, err)
	}
}
