package fetch

import (
	"arceval/internal/atomicfile"
	"arceval/internal/testenv"
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var genManifest = flag.String("gen-manifest", "", "regenerate "+manifestFile+" from this MANIFEST.txt")

// buildFrom builds the manifest of the registry from a MANIFEST.txt.
func buildFrom(t *testing.T, name string) Manifest {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	m, err := BuildManifest(fh, Sources())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestGenerateManifest rewrites manifest.tsv.gz; it runs only with
// -gen-manifest (see the go:generate line in manifest.go). If the file is
// missing, create an empty one first so that the package compiles.
func TestGenerateManifest(t *testing.T) {
	if *genManifest == "" {
		t.Skip("pass -gen-manifest=PATH/TO/MANIFEST.txt to regenerate " + manifestFile)
	}
	m := buildFrom(t, *genManifest)
	var buf bytes.Buffer
	if err := writeManifest(&buf, m); err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.WriteBytes(manifestFile, buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d entries, %d bytes", manifestFile, len(m), buf.Len())
}

func TestEmbeddedManifestUpToDate(t *testing.T) {
	// The shared data root's MANIFEST.txt (testenv.DataPath), or
	// $ARCEVAL_MANIFEST_TXT.
	src := os.Getenv("ARCEVAL_MANIFEST_TXT")
	if src == "" {
		src = testenv.DataPath(t, "MANIFEST.txt")
	}
	want := buildFrom(t, src)
	if diff := cmp.Diff(want, EmbeddedManifest()); diff != "" {
		t.Fatalf("the embedded manifest differs from MANIFEST.txt (-MANIFEST.txt +embedded); run go generate:\n%s", diff)
	}
}

func TestEmbeddedManifestCounts(t *testing.T) {
	m := EmbeddedManifest()
	want := map[string]int{"arc-agi-1": 801, "arc-agi-2": 1123, "concept-arc": 177, "trm-kaggle": 11}
	for name, n := range want {
		if got := len(m.For(name)); got != n {
			t.Errorf("%s: %d entries, want %d", name, got, n)
		}
	}
	srcs := map[string]Source{}
	for _, s := range Sources() {
		srcs[s.Name] = s
	}
	seen := map[string]bool{}
	for _, e := range m {
		s, ok := srcs[e.Source]
		if !ok || !s.covers(e.Path) {
			t.Errorf("%s: not covered by source %q", e.Path, e.Source)
		}
		if seen[e.Path] {
			t.Errorf("%s: listed twice", e.Path)
		}
		seen[e.Path] = true
		if strings.HasSuffix(e.Path, "README.txt") {
			t.Errorf("%s: locally written file in manifest", e.Path)
		}
	}
}

func TestManifestRoundTrip(t *testing.T) {
	in := Manifest{
		{"a", "x/1.json", 3, strings.Repeat("a", 64)},
		{"b", "y/LICENSE", 0, strings.Repeat("0", 64)},
	}
	var buf bytes.Buffer
	if err := writeManifest(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := readManifest(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0] != in[0] || out[1] != in[1] {
		t.Fatalf("round trip: %+v", out)
	}
	if _, err := readManifest(strings.NewReader("a\t../x\t1\t" + strings.Repeat("a", 64) + "\n")); err == nil {
		t.Error("traversal path accepted")
	}
}

func TestBuildManifest(t *testing.T) {
	sha := strings.Repeat("b", 64)
	txt := "# path\tbytes\tsha256\tsource\tlicense\n" +
		"demo/README.txt\t5\t" + sha + "\twritten here\t-\n" +
		"demo/data/a.json\t5\t" + sha + "\tgithub.com/o/r@c1\tMIT\n" +
		"demo/LICENSE\t5\t" + sha + "\tgithub.com/o/r@c1:sub\tMIT\n" +
		"demo/data/b.json\t5\t" + sha + "\tgithub.com/o/r@OTHER\tMIT\n" +
		"other/x.json\t5\t" + sha + "\tgithub.com/o/r@c1\tMIT\n"
	srcs := []Source{{Name: "demo", Owner: "o", Repo: "r", Commit: "c1",
		Paths: []PathMap{{"d/", "demo/data/"}, {"LICENSE", "demo/LICENSE"}}}}
	m, err := BuildManifest(strings.NewReader(txt), srcs)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, e := range m {
		paths = append(paths, e.Path)
	}
	if got := strings.Join(paths, " "); got != "demo/LICENSE demo/data/a.json" {
		t.Errorf("selected %q", got)
	}
	srcs[0].Commit = "nope"
	if _, err := BuildManifest(strings.NewReader(txt), srcs); err == nil {
		t.Error("source without rows accepted")
	}
}

// TestVerifySharedData checks the registry's path maps against the real
// data root, if present.
func TestVerifySharedData(t *testing.T) {
	root := testenv.DataRoot(t)
	probs, err := Verify(root, "arc-agi-1", "arc-agi-2", "concept-arc", "trm-kaggle")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Error(p)
	}
}
