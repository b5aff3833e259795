package fetch

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadLock: fetch.lock.json gives a lock whose paths are local and
// whose hashes are sha256 hex, or an error naming the file; a lock read
// back after writeLock is the same.
func FuzzReadLock(f *testing.F) {
	f.Add([]byte(`{"version": 1, "files": {"hf/train.csv": {"source": "hf", "sha256": "` + sum("x") + `", "size": 1, "url": "https://x/y", "time": "2025-01-02T03:04:05Z"}}}`))
	f.Add([]byte(`{"version": 1, "files": {"../evil": {"sha256": "` + sum("x") + `"}}}`))
	f.Add([]byte(`{"version": 1, "files": {"a": {"sha256": "ABC"}}}`))
	f.Add([]byte(`{"files": null}`))
	f.Add([]byte(`{"files": {"a": {"sha256": "` + sum("x") + `", "time": "yesterday"}}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		path := filepath.Join(root, LockFile)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := ReadLock(root)
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if l.Files == nil {
			t.Fatal("nil files")
		}
		for p, e := range l.Files {
			if !filepath.IsLocal(filepath.FromSlash(p)) || !isSHA256(e.SHA256) {
				t.Fatalf("accepted entry %q: %+v", p, e)
			}
		}
		if err := writeLock(root, l); err != nil {
			t.Fatal(err)
		}
		back, err := ReadLock(root)
		if err != nil || back.Version != l.Version || len(back.Files) != len(l.Files) {
			t.Fatalf("lock does not round-trip: %+v, %v", back, err)
		}
		for p, e := range l.Files {
			b := back.Files[p]
			if b.Source != e.Source || b.SHA256 != e.SHA256 || b.Size != e.Size || b.URL != e.URL || !b.Time.Equal(e.Time) {
				t.Fatalf("entry %q: %+v, read back %+v", p, e, b)
			}
		}
	})
}

// FuzzResumeMeta: whatever a partial download's .meta file holds, the
// If-Range value taken from it is empty or a short header value the HTTP
// client accepts; a validator saved by writeMeta is read back unchanged.
func FuzzResumeMeta(f *testing.F) {
	for _, s := range []string{`"abc123"` + "\n", "Wed, 21 Oct 2015 07:28:00 GMT\n", "", "\n\n", "a\nb", "x\x00y", strings.Repeat("e", 5000), `W/"weak"`, " padded \r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		part := filepath.Join(t.TempDir(), "x.part")
		if err := os.WriteFile(part+".meta", data, 0o644); err != nil {
			t.Fatal(err)
		}
		v := readMeta(part)
		if len(v) > maxValidator || !validHeaderValue(v) || v != strings.TrimSpace(v) {
			t.Fatalf("readMeta gave %q", v)
		}
		if v != "" {
			req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("If-Range", v)
			if err := req.Write(io.Discard); err != nil {
				t.Fatalf("request with If-Range %q: %v", v, err)
			}
		}
		// An ETag as the server sent it survives writeMeta and readMeta.
		h := http.Header{}
		h.Set("ETag", string(data))
		writeMeta(part, h)
		raw := h.Get("ETag")
		got, want := readMeta(part), strings.TrimSpace(raw)
		if strings.HasPrefix(raw, "W/") || len(raw) > maxValidator || !validHeaderValue(raw) {
			want = ""
		}
		if got != want {
			t.Fatalf("ETag %q saved and read back as %q", want, got)
		}
	})
}

// FuzzContentRange: a Content-Range header parses to a start and size the
// resume logic can trust (start ≥ 0 or -1 for "*", size ≥ 0 or -1 for
// unknown, the range inside the size), and a range printed back parses to
// the same.
func FuzzContentRange(f *testing.F) {
	for _, s := range []string{"bytes 10-99/100", "bytes */100", "bytes 0-9/*", "bytes */*", "items 0-9/10", "bytes 5-1/10", "bytes 0-10/10",
		"bytes -1-5/10", "bytes +1-5/10", "bytes 1-5/-10", "bytes 1-5", "bytes 99999999999999999999-1/2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		start, size, ok := parseContentRange(s)
		if !ok {
			return
		}
		if start < -1 || size < -1 || start == -1 && size < 0 || size >= 0 && start >= size {
			t.Fatalf("%q: start %d, size %d", s, start, size)
		}
		tot := "*"
		if size >= 0 {
			tot = fmt.Sprint(size)
		}
		again := "bytes */" + tot
		if start >= 0 {
			again = fmt.Sprintf("bytes %d-%d/%s", start, start, tot)
		}
		if s2, n2, ok := parseContentRange(again); !ok || s2 != start || n2 != size {
			t.Fatalf("%q → %d, %d; %q → %d, %d, %v", s, start, size, again, s2, n2, ok)
		}
	})
}

// FuzzExtract: a codeload archive (here the tar inside the gzip) writes
// only the manifest's files, each with its manifest hash, under the data
// root; every other entry is skipped or an error, never a file outside
// the root, a link, or a panic.
func FuzzExtract(f *testing.F) {
	tarOf := func(gz []byte) []byte {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			f.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			f.Fatal(err)
		}
		return b
	}
	f.Add(tarOf(makeArchive(f, "demo-c0ffee", demoEntries)))
	for _, bad := range [][]tarEntry{
		{{name: "data/training/../../../evil.json", body: "x"}},
		{{name: "!/tmp/evil.json", body: "x"}},
		{{name: "!other-top/data/training/a.json", body: "x"}},
		{{name: "data/training/a.json", typ: tar.TypeSymlink, link: "../../../../etc/passwd"}},
		{{name: "LICENSE", typ: tar.TypeLink, link: "demo-c0ffee/README.md"}},
		{{name: "data/training/a.json", body: "tampered"}},
	} {
		f.Add(tarOf(makeArchive(f, "demo-c0ffee", append(append([]tarEntry(nil), bad...), demoEntries...))))
	}
	manifest := demoManifest().index()
	f.Fuzz(func(t *testing.T, tarData []byte) {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(tarData)
		zw.Close()
		dir := t.TempDir()
		archive := filepath.Join(dir, "a.tar.gz")
		if err := os.WriteFile(archive, gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		root := filepath.Join(dir, "data")
		extract(context.Background(), archive, root, demoSource, manifest, 1<<20)
		// Nothing beside the archive and the root; inside the root only
		// folders and manifest files with their manifest content.
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "a.tar.gz" && e.Name() != "data" {
				t.Fatalf("extract wrote %s outside the data root", e.Name())
			}
		}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			e, ok := manifest[filepath.ToSlash(rel)]
			if !ok || !d.Type().IsRegular() {
				t.Fatalf("extract wrote %s (%v), not a manifest file", rel, d.Type())
			}
			b, err := os.ReadFile(p)
			if err != nil || sum(string(b)) != e.SHA256 {
				t.Fatalf("%s does not have its manifest content", rel)
			}
			return nil
		})
	})
}

// FuzzManifest: the data root's MANIFEST.txt selects entries with local
// paths and sha256 hashes or is refused naming the line, and the embedded
// manifest format reads back what writeManifest wrote.
func FuzzManifest(f *testing.F) {
	row := func(path string, size int, hash, source string) string {
		return fmt.Sprintf("%s\t%d\t%s\t%s\tlicence\n", path, size, hash, source)
	}
	good := "# path\tbytes\tsha256\tsource\tlicense\n" + row("demo/training/a.json", 12, sum(`{"train":[]}`), "github.com/own/demo@c0ffee") +
		row("demo/LICENSE", 13, strings.ToUpper(sum("license text\n")), "github.com/own/demo@c0ffee")
	f.Add([]byte(good))
	f.Add([]byte(row("../evil", 1, sum("x"), "github.com/own/demo")))
	f.Add([]byte(row("demo/training/a.json", -1, sum("x"), "github.com/own/demo")))
	f.Add([]byte(row("demo/training/a.json", 1, "nothex", "github.com/own/demo")))
	f.Add([]byte(good + row("demo/LICENSE", 13, sum("x"), "github.com/own/demo")))
	f.Add([]byte("a\tb\n"))
	srcs := []Source{demoSource, hfSource}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := BuildManifest(bytes.NewReader(data), srcs)
		if err != nil {
			return
		}
		for _, e := range m {
			if err := e.check(); err != nil || e.Size < 0 {
				t.Fatalf("accepted entry %+v: %v", e, err)
			}
		}
		var b bytes.Buffer
		if err := writeManifest(&b, m); err != nil {
			t.Fatal(err)
		}
		back, err := readManifest(&b)
		if err != nil || len(back) != len(m) {
			t.Fatalf("manifest does not round-trip: %d entries of %d, %v", len(back), len(m), err)
		}
		for i := range m {
			if back[i] != m[i] {
				t.Fatalf("entry %d: %+v read back as %+v", i, m[i], back[i])
			}
		}
	})
}
