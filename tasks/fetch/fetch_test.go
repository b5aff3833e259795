package fetch

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tarEntry is one member of a test archive.
type tarEntry struct {
	name, body string
	typ        byte // 0 means a regular file
	link       string
}

// makeArchive builds an in-memory tar.gz shaped like a codeload archive:
// a pax global header, then everything under the top directory unless an
// entry name starts with "!" (taken verbatim).
func makeArchive(t testing.TB, top string, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header",
		PAXRecords: map[string]string{"comment": "c0ffee"}, Format: tar.FormatPAX}))
	must(tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: top + "/", Mode: 0o755}))
	for _, e := range entries {
		name := top + "/" + e.name
		if rest, ok := strings.CutPrefix(e.name, "!"); ok {
			name = rest
		}
		h := &tar.Header{Name: name, Mode: 0o644, Typeflag: e.typ, Linkname: e.link}
		if e.typ == 0 {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(e.body))
		}
		must(tw.WriteHeader(h))
		if e.typ == 0 {
			_, err := tw.Write([]byte(e.body))
			must(err)
		}
	}
	must(tw.Close())
	must(zw.Close())
	return buf.Bytes()
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

var (
	demoSource = Source{
		Name: "demo", Owner: "own", Repo: "demo", Commit: "c0ffee",
		Paths: []PathMap{{"data/training/", "demo/training/"}, {"LICENSE", "demo/LICENSE"}},
	}
	hfSource = Source{
		Name:  "hf",
		Files: []RemoteFile{{Dataset: "org/set", Revision: "main", File: "train.csv", Dest: "hf/train.csv"}},
	}
	demoFiles = map[string]string{
		"demo/training/a.json": `{"train":[]}`,
		"demo/training/b.json": `{"test":[]}`,
		"demo/LICENSE":         "license text\n",
	}
	demoEntries = []tarEntry{
		{name: "README.md", body: "readme"},
		{name: "data/", typ: tar.TypeDir},
		{name: "data/training/", typ: tar.TypeDir},
		{name: "data/training/a.json", body: demoFiles["demo/training/a.json"]},
		{name: "data/training/b.json", body: demoFiles["demo/training/b.json"]},
		{name: "data/training/.DS_Store", body: "junk"},
		{name: "data/evaluation/x.json", body: "{}"},
		{name: "data/link", typ: tar.TypeSymlink, link: "/etc/passwd"},
		{name: "LICENSE", body: demoFiles["demo/LICENSE"]},
	}
)

// demoManifest is the small test manifest for demoSource.
func demoManifest() Manifest {
	var m Manifest
	for _, p := range []string{"demo/LICENSE", "demo/training/a.json", "demo/training/b.json"} {
		m = append(m, ManifestEntry{"demo", p, int64(len(demoFiles[p])), sum(demoFiles[p])})
	}
	return m
}

// testFetcher returns a Fetcher pointed at srv with the demo registry.
func testFetcher(srv *httptest.Server, out *bytes.Buffer) *Fetcher {
	f := &Fetcher{
		GitHubBase: srv.URL, HFBase: srv.URL, Client: srv.Client(),
		RetryDelay: time.Millisecond, StallTimeout: 5 * time.Second,
		Sources:  []Source{demoSource, hfSource},
		Manifest: demoManifest(),
	}
	if out != nil {
		f.Progress = out
	}
	return f
}

const archivePath = "/own/demo/tar.gz/c0ffee"
const hfPath = "/datasets/org/set/resolve/main/train.csv"

// serveBytes serves b with Range support and a strong ETag.
func serveBytes(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"`+sum(string(b))[:16]+`"`)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
	}
}

// noTemps fails if any temporary or partial file is left under root.
func noTemps(t *testing.T, root string) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && (strings.Contains(d.Name(), ".tmp-") || strings.HasSuffix(d.Name(), ".part")) {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})
}

func TestFetchGitHubExtractsOnlyWanted(t *testing.T) {
	arc := makeArchive(t, "demo-c0ffee", demoEntries)
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc(archivePath, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		serveBytes(arc)(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	root := t.TempDir()
	var out bytes.Buffer
	f := testFetcher(srv, &out)
	if err := f.Fetch(context.Background(), root, "demo"); err != nil {
		t.Fatal(err)
	}
	var got []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	if strings.Join(got, " ") != "demo/LICENSE demo/training/a.json demo/training/b.json" {
		t.Fatalf("files written: %v", got)
	}
	for p, body := range demoFiles {
		b, err := os.ReadFile(native(root, p))
		if err != nil || string(b) != body {
			t.Errorf("%s: %q, %v", p, b, err)
		}
		if st, _ := os.Stat(native(root, p)); st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v", p, st.Mode())
		}
	}
	if !strings.Contains(out.String(), "3 files extracted") {
		t.Errorf("progress output: %q", out.String())
	}
	// Second run: everything verifies, no request.
	out.Reset()
	if err := f.Fetch(context.Background(), root, "demo"); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 1 || !strings.Contains(out.String(), "up to date") {
		t.Errorf("hits=%d output=%q", hits.Load(), out.String())
	}
	if probs, err := f.Verify(root, "demo"); err != nil || len(probs) != 0 {
		t.Errorf("verify: %v %v", probs, err)
	}
}

func TestFetchGitHubTamperedFile(t *testing.T) {
	entries := append([]tarEntry(nil), demoEntries...)
	for i := range entries {
		if entries[i].name == "data/training/b.json" {
			entries[i].body = `{"test":[1]}` // different content, different size
		}
		if entries[i].name == "data/training/a.json" {
			entries[i].body = `{"train":[9]}`[:len(entries[i].body)] // same size
		}
	}
	arc := makeArchive(t, "demo-c0ffee", entries)
	srv := httptest.NewServer(serveBytes(arc))
	defer srv.Close()
	root := t.TempDir()
	f := testFetcher(srv, nil)
	f.KeepArchives = true
	err := f.Fetch(context.Background(), root, "demo")
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("want MismatchError, got %v", err)
	}
	if me.Path != "demo/training/a.json" || me.Want != sum(demoFiles["demo/training/a.json"]) || me.Got != sum(`{"train":[9]`) {
		t.Errorf("mismatch %+v", me)
	}
	if !strings.Contains(err.Error(), me.Want) || !strings.Contains(err.Error(), me.Got) || !strings.Contains(err.Error(), "a.json") {
		t.Errorf("error text %q", err)
	}
	if _, err := os.Stat(native(root, "demo/training/a.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("tampered file written: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, cacheDir, "demo-c0ffee.tar.gz")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("bad archive kept: %v", err)
	}
	noTemps(t, root)

	// A size difference is reported with both hashes as well.
	_, err = extract(context.Background(), writeTemp(t, makeArchive(t, "demo-c0ffee", entries[4:])), root, demoSource,
		map[string]ManifestEntry{"demo/training/b.json": demoManifest()[2]}, 1<<20)
	if !errors.As(err, &me) || me.GotSize != int64(len(`{"test":[1]}`)) || me.Got != sum(`{"test":[1]}`) {
		t.Errorf("size mismatch: %v", err)
	}
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "a.tar.gz")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFetchGitHubMissingFile(t *testing.T) {
	arc := makeArchive(t, "demo-c0ffee", demoEntries[:4]) // no b.json, no LICENSE
	srv := httptest.NewServer(serveBytes(arc))
	defer srv.Close()
	err := testFetcher(srv, nil).Fetch(context.Background(), t.TempDir(), "demo")
	if err == nil || !strings.Contains(err.Error(), "lacks expected files: demo/LICENSE, demo/training/b.json") {
		t.Fatalf("got %v", err)
	}
}

func TestArchiveUnsafeEntries(t *testing.T) {
	cases := map[string][]tarEntry{
		"dotdot":   {{name: "data/training/../../../evil.json", body: "x"}},
		"absolute": {{name: "!/tmp/evil.json", body: "x"}},
		"outside":  {{name: "!other-top/data/training/a.json", body: "x"}},
		"symlink":  {{name: "data/training/a.json", typ: tar.TypeSymlink, link: "../../../../etc/passwd"}},
		"hardlink": {{name: "LICENSE", typ: tar.TypeLink, link: "demo-c0ffee/README.md"}},
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			arc := makeArchive(t, "demo-c0ffee", append(append([]tarEntry(nil), bad...), demoEntries...))
			srv := httptest.NewServer(serveBytes(arc))
			defer srv.Close()
			parent := t.TempDir()
			root := filepath.Join(parent, "data")
			err := testFetcher(srv, nil).Fetch(context.Background(), root, "demo")
			var ue *UnsafeArchiveError
			if !errors.As(err, &ue) {
				t.Fatalf("want UnsafeArchiveError, got %v", err)
			}
			if _, err := os.Stat(filepath.Join(parent, "evil.json")); err == nil {
				t.Error("file written outside the data root")
			}
			if _, err := os.Lstat(native(root, "demo/training/a.json")); err == nil && name == "symlink" {
				t.Error("symlink target created")
			}
		})
	}
}

func TestArchiveSizeLimit(t *testing.T) {
	arc := makeArchive(t, "demo-c0ffee", demoEntries)
	srv := httptest.NewServer(serveBytes(arc))
	defer srv.Close()
	f := testFetcher(srv, nil)
	f.MaxArchiveBytes = int64(len(arc) / 2)
	err := f.Fetch(context.Background(), t.TempDir(), "demo")
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("got %v", err)
	}
	// The uncompressed limit applies too.
	_, err = extract(context.Background(), writeTemp(t, arc), t.TempDir(), demoSource, demoManifest().index(), 1024)
	if err == nil || !strings.Contains(err.Error(), "uncompressed") {
		t.Fatalf("got %v", err)
	}
}

// bigCSV is test content for the direct-download source.
var bigCSV = strings.Repeat("source,question,answer,rating\n", 4000)

func TestFetchResumeAfterCut(t *testing.T) {
	const cut = 50000
	var mu sync.Mutex
	var ranges []string
	first := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		ranges = append(ranges, r.Header.Get("Range")+"|"+r.Header.Get("If-Range"))
		cutNow := first
		first = false
		mu.Unlock()
		if cutNow {
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Content-Length", fmt.Sprint(len(bigCSV)))
			w.Write([]byte(bigCSV[:cut]))
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // drop the connection
		}
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(bigCSV))
	}))
	defer srv.Close()
	root := t.TempDir()
	var out bytes.Buffer
	f := testFetcher(srv, &out)
	if err := f.Fetch(context.Background(), root, "hf"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(native(root, "hf/train.csv"))
	if string(b) != bigCSV {
		t.Fatalf("content differs (%d bytes)", len(b))
	}
	if len(ranges) != 2 || ranges[1] != fmt.Sprintf(`bytes=%d-|"v1"`, cut) {
		t.Errorf("requests: %q", ranges)
	}
	if !strings.Contains(out.String(), "retrying") {
		t.Errorf("output %q", out.String())
	}
	noTemps(t, root)
	if _, err := os.Stat(native(root, "hf/train.csv.part.meta")); err == nil {
		t.Error(".meta left behind")
	}
}

func TestFetchServerIgnoresRange(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte(bigCSV)) // always 200, whole body
	}))
	defer srv.Close()
	root := t.TempDir()
	dest := native(root, "hf/train.csv")
	os.MkdirAll(filepath.Dir(dest), 0o755)
	os.WriteFile(dest+".part", []byte("GARBAGE PREFIX FROM AN OLD VERSION"), 0o644)
	var out bytes.Buffer
	if err := testFetcher(srv, &out).Fetch(context.Background(), root, "hf"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); string(b) != bigCSV {
		t.Fatalf("content differs (%d bytes)", len(b))
	}
	if hits.Load() != 1 || !strings.Contains(out.String(), "ignored the Range") {
		t.Errorf("hits=%d out=%q", hits.Load(), out.String())
	}
}

func TestFetchRangeNotSatisfiable(t *testing.T) {
	srv := httptest.NewServer(serveBytes([]byte(bigCSV)))
	defer srv.Close()
	for _, tc := range []struct {
		name, part string
	}{
		{"complete part", bigCSV},          // 416 */len: already done
		{"oversized part", bigCSV + "xyz"}, // 416: restart
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			dest := native(root, "hf/train.csv")
			os.MkdirAll(filepath.Dir(dest), 0o755)
			os.WriteFile(dest+".part", []byte(tc.part), 0o644)
			if err := testFetcher(srv, nil).Fetch(context.Background(), root, "hf"); err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(dest); string(b) != bigCSV {
				t.Fatalf("content differs (%d bytes)", len(b))
			}
		})
	}
}

func TestFetchNotFound(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	root := t.TempDir()
	err := testFetcher(srv, nil).Fetch(context.Background(), root, "hf", "demo")
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 404 {
		t.Fatalf("got %v", err)
	}
	for _, want := range []string{"fetch hf:", hfPath, "fetch demo:", archivePath, "404 Not Found"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if hits.Load() != 2 {
		t.Errorf("404 retried: %d requests", hits.Load())
	}
	noTemps(t, root)
}

func TestFetchRetriesTransient(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		serveBytes([]byte(bigCSV))(w, r)
	}))
	defer srv.Close()
	root := t.TempDir()
	if err := testFetcher(srv, nil).Fetch(context.Background(), root, "hf"); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 3 {
		t.Errorf("%d requests", hits.Load())
	}
	// Giving up after Retries.
	hits.Store(-100)
	f := testFetcher(srv, nil)
	f.Retries, f.Force = 2, true
	err := f.Fetch(context.Background(), root, "hf")
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("got %v", err)
	}
}

func TestFetchStall(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Content-Length", fmt.Sprint(len(bigCSV)))
			w.Write([]byte(bigCSV[:100]))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		serveBytes([]byte(bigCSV))(w, r)
	}))
	defer srv.Close()
	f := testFetcher(srv, nil)
	f.StallTimeout = 100 * time.Millisecond
	root := t.TempDir()
	if err := f.Fetch(context.Background(), root, "hf"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(native(root, "hf/train.csv")); string(b) != bigCSV || hits.Load() != 2 {
		t.Errorf("hits=%d len=%d", hits.Load(), len(b))
	}
}

func TestFetchSizeLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush() // no Content-Length: chunked
		w.Write([]byte(bigCSV))
	}))
	defer srv.Close()
	root := t.TempDir()
	f := testFetcher(srv, nil)
	f.MaxFileBytes = 1000
	err := f.Fetch(context.Background(), root, "hf")
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("got %v", err)
	}
	noTemps(t, root)
}

func TestLockTrustOnFirstUse(t *testing.T) {
	content := bigCSV
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		c := content
		mu.Unlock()
		serveBytes([]byte(c))(w, r)
	}))
	defer srv.Close()
	root := t.TempDir()
	var out bytes.Buffer
	f := testFetcher(srv, &out)
	if err := f.Fetch(context.Background(), root, "hf"); err != nil {
		t.Fatal(err)
	}
	l, err := ReadLock(root)
	if err != nil {
		t.Fatal(err)
	}
	e := l.Files["hf/train.csv"]
	if e.SHA256 != sum(bigCSV) || e.Size != int64(len(bigCSV)) || e.URL != srv.URL+hfPath || e.Source != "hf" || e.Time.IsZero() {
		t.Fatalf("lock entry %+v", e)
	}
	if !strings.Contains(out.String(), sum(bigCSV)) || !strings.Contains(out.String(), "recorded in "+LockFile) {
		t.Errorf("output %q", out.String())
	}

	// Upstream changes: a forced re-fetch must not accept it.
	mu.Lock()
	content = strings.Replace(bigCSV, "rating", "RATING", 1)
	mu.Unlock()
	f.Force = true
	err = f.Fetch(context.Background(), root, "hf")
	var me *MismatchError
	if !errors.As(err, &me) || me.Against != LockFile || me.Want != sum(bigCSV) || me.Got != sum(content) {
		t.Fatalf("got %v", err)
	}
	if b, _ := os.ReadFile(native(root, "hf/train.csv")); string(b) != bigCSV {
		t.Error("verified file replaced by unverified content")
	}
	noTemps(t, root)

	// Verify: clean, then tampered, then missing.
	if probs, err := f.Verify(root); err != nil || len(probs) != 0 {
		t.Fatalf("verify: %v %v", probs, err)
	}
	os.WriteFile(native(root, "hf/train.csv"), []byte("tampered"), 0o644)
	probs, err := f.Verify(root, "hf")
	if err != nil || len(probs) != 1 || probs[0].Kind != Mismatch || probs[0].Against != LockFile || probs[0].Got != sum("tampered") {
		t.Fatalf("verify tampered: %v %v", probs, err)
	}
	// A normal fetch repairs it against the lock (server serves original again).
	mu.Lock()
	content = bigCSV
	mu.Unlock()
	f.Force = false
	if err := f.Fetch(context.Background(), root, "hf"); err != nil {
		t.Fatal(err)
	}
	os.Remove(native(root, "hf/train.csv"))
	probs, _ = f.Verify(root, "hf")
	if len(probs) != 1 || probs[0].Kind != Missing {
		t.Fatalf("verify missing: %v", probs)
	}
}

func TestVerifyUnrecordedAndDefaults(t *testing.T) {
	root := t.TempDir()
	f := &Fetcher{Sources: []Source{demoSource, hfSource}, Manifest: demoManifest()}
	// Nothing on disk: no names means nothing to check.
	if probs, err := f.Verify(root); err != nil || len(probs) != 0 {
		t.Fatalf("%v %v", probs, err)
	}
	// Named: everything is missing.
	probs, err := f.Verify(root, "demo")
	if err != nil || len(probs) != 3 || probs[0].Kind != Missing {
		t.Fatalf("%v %v", probs, err)
	}
	os.MkdirAll(native(root, "hf"), 0o755)
	os.WriteFile(native(root, "hf/train.csv"), []byte("x"), 0o644)
	probs, _ = f.Verify(root)
	if len(probs) != 1 || probs[0].Kind != Unrecorded || !strings.Contains(probs[0].String(), "no recorded sha256") {
		t.Fatalf("%v", probs)
	}
	if _, err := f.Verify(root, "nope"); err == nil || !strings.Contains(err.Error(), "known: demo, hf") {
		t.Errorf("unknown name: %v", err)
	}
}

func TestInterruptedRunLeavesNoFinalFile(t *testing.T) {
	const half = 60000
	var hits atomic.Int32
	sent := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Content-Length", fmt.Sprint(len(bigCSV)))
			w.Write([]byte(bigCSV[:half]))
			w.(http.Flusher).Flush()
			close(sent)
			<-r.Context().Done()
			return
		}
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(bigCSV))
	}))
	defer srv.Close()
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-sent
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	f := testFetcher(srv, nil)
	err := f.Fetch(ctx, root, "hf")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	dest := native(root, "hf/train.csv")
	if _, err := os.Stat(dest); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("final file exists after interruption: %v", err)
	}
	if st, err := os.Stat(dest + ".part"); err != nil || st.Size() != half {
		t.Fatalf("partial download not kept: %v", err)
	}
	if l, _ := ReadLock(root); len(l.Files) != 0 {
		t.Error("interrupted download recorded in the lock")
	}
	// The next run resumes and completes.
	if err := f.Fetch(context.Background(), root, "hf"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(dest); string(b) != bigCSV || hits.Load() != 2 {
		t.Fatalf("hits=%d len=%d", hits.Load(), len(b))
	}
}

func TestInterruptedArchiveExtraction(t *testing.T) {
	arc := makeArchive(t, "demo-c0ffee", demoEntries)
	srv := httptest.NewServer(serveBytes(arc))
	defer srv.Close()
	root := t.TempDir()
	f := testFetcher(srv, nil)
	f.KeepArchives = true
	if err := f.Fetch(context.Background(), root, "demo"); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(root, cacheDir, "demo-c0ffee.tar.gz")
	os.RemoveAll(native(root, "demo"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := extract(ctx, archive, root, demoSource, demoManifest().index(), 1<<20); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(native(root, "demo")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("files written after cancellation: %v", err)
	}
}

func TestUnknownSource(t *testing.T) {
	err := (&Fetcher{}).Fetch(context.Background(), t.TempDir(), "arc-agi-3")
	if err == nil || !strings.Contains(err.Error(), "unknown source arc-agi-3") || !strings.Contains(err.Error(), "sudoku-extreme") {
		t.Fatalf("got %v", err)
	}
}

func TestRegistry(t *testing.T) {
	var f Fetcher
	names := strings.Join(Names(Sources()), " ")
	if names != "arc-agi-1 arc-agi-2 concept-arc trm-kaggle sudoku-extreme maze-hard" {
		t.Errorf("names %q", names)
	}
	for _, s := range Sources() {
		if err := s.validate(); err != nil {
			t.Error(err)
		}
	}
	if u := f.ArchiveURL(Sources()[0]); u != "https://codeload.github.com/fchollet/ARC-AGI/tar.gz/"+arcAGI1Commit {
		t.Errorf("archive URL %s", u)
	}
	if u := f.FileURL(Sources()[4].Files[0]); u != "https://huggingface.co/datasets/sapientinc/sudoku-extreme/resolve/main/train.csv" {
		t.Errorf("file URL %s", u)
	}
	if d, ok := Sources()[3].Dest("LICENSE"); !ok || d != "trm-kaggle-combined/LICENSE_TRM_repo" {
		t.Errorf("dest %q %v", d, ok)
	}
	if _, ok := Sources()[0].Dest("data/trainingX/a.json"); ok {
		t.Error("prefix matched a sibling directory")
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, bar: true, width: 80, label: "x", total: -1}
	p.reset(0, 1000)
	p.Write(make([]byte, 500))
	p.draw(true)
	p.finish()
	s := buf.String()
	if !strings.Contains(s, " 50% 500 B/1000 B") || !strings.Contains(s, "ETA") || !strings.Contains(s, "\r\x1b[Kx: 500 B in ") {
		t.Errorf("bar output %q", s)
	}
	// Non-terminal writers get plain lines only.
	buf.Reset()
	p = newProgress(&buf, false, "y")
	p.reset(0, 10)
	p.Write(make([]byte, 10))
	p.finish()
	if s := buf.String(); strings.Count(s, "\n") != 1 || strings.Contains(s, "\r") {
		t.Errorf("plain output %q", s)
	}
	if human(1536) != "1.5 KiB" || human(3<<30) != "3.0 GiB" {
		t.Errorf("human: %s %s", human(1536), human(3<<30))
	}
}

func TestParseContentRange(t *testing.T) {
	for in, want := range map[string][3]int64{
		"bytes 10-99/100": {10, 100, 1},
		"bytes */100":     {-1, 100, 1},
		"bytes 0-9/*":     {0, -1, 1},
		"items 0-9/10":    {0, 0, 0},
	} {
		s, n, ok := parseContentRange(in)
		if ok != (want[2] == 1) || (ok && (s != want[0] || n != want[1])) {
			t.Errorf("%q: %d %d %v", in, s, n, ok)
		}
	}
}

func TestFetchRestartLoopBounded(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Range", "bytes 5-9/10") // always the wrong range
		w.WriteHeader(http.StatusPartialContent)
		w.Write([]byte("abcde"))
	}))
	defer srv.Close()
	err := testFetcher(srv, nil).Fetch(context.Background(), t.TempDir(), "hf")
	if err == nil || !strings.Contains(err.Error(), "keeps rejecting") || hits.Load() != 3 {
		t.Fatalf("hits=%d err=%v", hits.Load(), err)
	}
}

// A partial download whose .meta holds what no HTTP header can carry (a
// line break, a NUL: a damaged or hand-edited file) resumes without
// If-Range instead of failing every attempt in the HTTP client.
func TestFetchResumeWithBadMeta(t *testing.T) {
	srv := httptest.NewServer(serveBytes([]byte(bigCSV)))
	defer srv.Close()
	for _, meta := range []string{"\"v1\"\n\"v2\"\n", "x\x00y", strings.Repeat("e", 4096)} {
		root := t.TempDir()
		dest := native(root, "hf/train.csv")
		os.MkdirAll(filepath.Dir(dest), 0o755)
		os.WriteFile(dest+".part", []byte(bigCSV[:100]), 0o644)
		os.WriteFile(dest+".part.meta", []byte(meta), 0o644)
		if err := testFetcher(srv, nil).Fetch(context.Background(), root, "hf"); err != nil {
			t.Fatalf(".meta %.20q: %v", meta, err)
		}
		if b, _ := os.ReadFile(dest); string(b) != bigCSV {
			t.Fatalf(".meta %.20q: content differs (%d bytes)", meta, len(b))
		}
	}
}
