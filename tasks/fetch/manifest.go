package fetch

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Regenerate manifest.tsv.gz from the shared data root's MANIFEST.txt.

//go:generate go test -run ^TestGenerateManifest$ -args -gen-manifest=../../../shared/data/MANIFEST.txt

// manifestFile is the name of the embedded, generated manifest.
const manifestFile = "manifest.tsv.gz"

//go:embed manifest.tsv.gz
var embeddedManifest []byte

// A ManifestEntry is the expected size and sha256 of one file that a source
// writes under the data root.
type ManifestEntry struct {
	Source string // source name
	Path   string // slash-separated, relative to the data root
	Size   int64
	SHA256 string // lowercase hex
}

// A Manifest lists the files with known hashes.
type Manifest []ManifestEntry

var parsedManifest = sync.OnceValues(func() (Manifest, error) {
	return readManifest(bytes.NewReader(embeddedManifest))
})

// EmbeddedManifest returns the manifest compiled into the package.
func EmbeddedManifest() Manifest {
	m, err := parsedManifest()
	if err != nil {
		panic("fetch: corrupt embedded manifest: " + err.Error())
	}
	return slices.Clone(m)
}

// For returns the entries of the named source.
func (m Manifest) For(source string) []ManifestEntry {
	var out []ManifestEntry
	for _, e := range m {
		if e.Source == source {
			out = append(out, e)
		}
	}
	return out
}

// index maps paths to entries.
func (m Manifest) index() map[string]ManifestEntry {
	idx := make(map[string]ManifestEntry, len(m))
	for _, e := range m {
		idx[e.Path] = e
	}
	return idx
}

// manifestHeader starts every generated manifest.
const manifestHeader = "# arceval fetch manifest: source\tpath\tbytes\tsha256. Generated from MANIFEST.txt by go generate; DO NOT EDIT.\n"

// readManifest parses a manifest written by writeManifest, gzip'd or not.
func readManifest(r io.Reader) (Manifest, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var m Manifest
	sc := bufio.NewScanner(br)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("manifest line %d: want 4 tab-separated fields, got %d", line, len(f))
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			return nil, fmt.Errorf("manifest line %d: bad size %q", line, f[2])
		}
		e := ManifestEntry{Source: f[0], Path: f[1], Size: size, SHA256: f[3]}
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("manifest line %d: %v", line, err)
		}
		m = append(m, e)
	}
	return m, sc.Err()
}

// writeManifest writes m as gzip'd TSV. The output is deterministic.
func writeManifest(w io.Writer, m Manifest) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	bw.WriteString(manifestHeader)
	for _, e := range m {
		fmt.Fprintf(bw, "%s\t%s\t%d\t%s\n", e.Source, e.Path, e.Size, e.SHA256)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

func (e ManifestEntry) check() error {
	if !localSlash(e.Path) {
		return fmt.Errorf("bad path %q", e.Path)
	}
	if !isSHA256(e.SHA256) {
		return fmt.Errorf("%s: bad sha256 %q", e.Path, e.SHA256)
	}
	return nil
}

// isSHA256 reports whether s is 64 lowercase hex digits.
func isSHA256(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// BuildManifest selects from a data root's MANIFEST.txt (tab-separated path,
// bytes, sha256, source, license; '#' comments) the rows of files that srcs
// write: a row belongs to a GitHub source if its path is covered by the
// source's path maps and its source column starts with the source's RepoID.
// Every GitHub source must get at least one row.
func BuildManifest(manifestTxt io.Reader, srcs []Source) (Manifest, error) {
	var m Manifest
	owner := map[string]string{}
	sc := bufio.NewScanner(manifestTxt)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) < 4 {
			return nil, fmt.Errorf("MANIFEST.txt line %d: want at least 4 tab-separated fields", line)
		}
		for _, s := range srcs {
			if !s.IsGitHub() || !strings.HasPrefix(f[3], s.RepoID()) || !s.covers(f[0]) {
				continue
			}
			if prev, dup := owner[f[0]]; dup {
				return nil, fmt.Errorf("MANIFEST.txt line %d: %s claimed by both %s and %s", line, f[0], prev, s.Name)
			}
			size, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil || size < 0 {
				return nil, fmt.Errorf("MANIFEST.txt line %d: bad size %q", line, f[1])
			}
			e := ManifestEntry{Source: s.Name, Path: f[0], Size: size, SHA256: strings.ToLower(f[2])}
			if err := e.check(); err != nil {
				return nil, fmt.Errorf("MANIFEST.txt line %d: %v", line, err)
			}
			owner[f[0]] = s.Name
			m = append(m, e)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	order := map[string]int{}
	for i, s := range srcs {
		order[s.Name] = i
		if s.IsGitHub() && !slices.ContainsFunc(m, func(e ManifestEntry) bool { return e.Source == s.Name }) {
			return nil, fmt.Errorf("MANIFEST.txt has no rows for source %s (%s)", s.Name, s.RepoID())
		}
	}
	slices.SortFunc(m, func(a, b ManifestEntry) int {
		if c := order[a.Source] - order[b.Source]; c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return m, nil
}
