package testenv

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The repository's fixtures come first; the external folder adds the
// fixtures the repository does not have; a fixture in both is found once,
// in the repository; a missing one is reported missing.
func TestFixtureLookup(t *testing.T) {
	t.Setenv(RequireEnv, "")
	ext := t.TempDir()
	for _, name := range []string{"tiny_hrm.json", "tiny_hrm.state_dict", "big_one.json", "big_one.state_dict"} {
		if err := os.WriteFile(filepath.Join(ext, name), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(fixtureEnv, ext)
	repo := repoFixturesDir()
	if got := FixtureDirs(t); !slices.Equal(got, []string{repo, ext}) {
		t.Fatalf("FixtureDirs %v, want [%s %s]", got, repo, ext)
	}
	files := FixtureFiles(t, "*.json")
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
		want := repo
		if filepath.Base(f) == "big_one.json" {
			want = ext
		}
		if filepath.Dir(f) != want {
			t.Errorf("%s: from %s, want %s", filepath.Base(f), filepath.Dir(f), want)
		}
	}
	if !slices.IsSorted(names) || len(slices.Compact(slices.Clone(names))) != len(names) {
		t.Errorf("names not sorted and unique: %v", names)
	}
	for _, want := range []string{"big_one.json", "tiny_direct.json", "tiny_hrm.json", "tiny_trm_att.json", "tiny_trm_mlp.json"} {
		if !slices.Contains(names, want) {
			t.Errorf("FixtureFiles lacks %s: %v", want, names)
		}
	}
	if got := Fixture(t, "tiny_hrm"); got != filepath.Join(repo, "tiny_hrm") {
		t.Errorf("Fixture(tiny_hrm) = %s, want the repository's", got)
	}
	if got := Fixture(t, "big_one"); got != filepath.Join(ext, "big_one") {
		t.Errorf("Fixture(big_one) = %s, want the external folder's", got)
	}
	r := run(func(tb testing.TB) { Fixture(tb, "no_such_fixture") })
	if r.outcome() != "skip" || !strings.Contains(r.skips[0], "no_such_fixture") || !strings.Contains(r.skips[0], fixtureEnv) {
		t.Errorf("a missing fixture: %s %v", r.outcome(), r.skips)
	}
	t.Setenv(RequireEnv, "fixtures")
	if r := run(func(tb testing.TB) { Fixture(tb, "no_such_fixture") }); r.outcome() != "fatal" {
		t.Errorf("a missing fixture under $%s=fixtures: %s", RequireEnv, r.outcome())
	}
}

// Without the external folder the repository's fixtures are all there is:
// the test goes on with them, noting (or, when required, reporting as an
// error) the absent full-size ones. $ARCEVAL_FIXTURES naming the
// repository's own folder does not list it twice.
func TestFixturesWithoutExternal(t *testing.T) {
	repo := repoFixturesDir()
	t.Setenv(fixtureEnv, filepath.Join(t.TempDir(), "absent"))
	for env, want := range map[string]string{"": "log", "fixtures": "error"} {
		t.Setenv(RequireEnv, env)
		var dirs []string
		r := run(func(tb testing.TB) { dirs = FixtureDirs(tb) })
		if r.outcome() != want || !slices.Equal(dirs, []string{repo}) {
			t.Errorf("$%s=%q: %s %v, want %s [%s]", RequireEnv, env, r.outcome(), dirs, want, repo)
		}
	}
	t.Setenv(RequireEnv, "fixtures")
	t.Setenv(fixtureEnv, repo)
	if r := run(func(tb testing.TB) { FixtureDirs(tb) }); r.outcome() != "ok" {
		t.Errorf("$%s = the repository's folder: %s %v", fixtureEnv, r.outcome(), r.errors)
	}
	if got := FixtureFiles(t, "tiny_hrm.json"); len(got) != 1 {
		t.Errorf("the repository's folder twice: %v", got)
	}
}

// The repository's fixtures are the official files, byte for byte: every
// file in testdata/parity is listed in its SHA256SUMS with the sum it has,
// the four tiny fixtures are complete (forward and two training steps),
// and where the external folder holds a file of the same name it is the
// same file.
func TestRepoFixturesAreOfficial(t *testing.T) {
	repo := repoFixturesDir()
	sums := readSums(t, filepath.Join(repo, "SHA256SUMS"))
	entries, err := os.ReadDir(repo)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		// Sub-folders (bf16/, tools/) are checked by their own tests.
		if name := e.Name(); name != "README.md" && name != "SHA256SUMS" && !e.IsDir() {
			if _, ok := sums[name]; !ok {
				t.Errorf("%s: not in SHA256SUMS", name)
			}
		}
	}
	for _, name := range []string{"tiny_trm_att", "tiny_trm_mlp", "tiny_hrm", "tiny_direct"} {
		for _, ext := range []string{".json", ".state_dict", ".train1.grad", ".train1.after", ".train2.grad", ".train2.after"} {
			if _, ok := sums[name+ext]; !ok {
				t.Errorf("%s%s: not in SHA256SUMS", name, ext)
			}
		}
	}
	dirs, _ := fixtureDirs()
	compared := 0
	for name, want := range sums {
		if got := fileSum(t, filepath.Join(repo, name)); got != want {
			t.Errorf("%s: sha256 %s, SHA256SUMS says %s", name, got, want)
		}
		for _, dir := range dirs {
			p := filepath.Join(dir, name)
			if _, err := os.Stat(p); dir == repo || err != nil {
				continue
			}
			compared++
			if got := fileSum(t, p); got != want {
				t.Errorf("%s differs from the repository's copy (sha256 %s, want %s)", p, got, want)
			}
		}
	}
	t.Logf("%d repository fixture files checked, %d compared with the external folder", len(sums), compared)
}

// The bfloat16 fixtures (testdata/parity/bf16, made by tools/make_bf16_fixtures.py
// from the official code) are the files their own SHA256SUMS lists, byte for byte,
// and every file there is listed.
func TestRepoBF16FixturesListed(t *testing.T) {
	dir := filepath.Join(repoFixturesDir(), "bf16")
	sums := readSums(t, filepath.Join(dir, "SHA256SUMS"))
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name := e.Name(); name != "README.md" && name != "SHA256SUMS" {
			if _, ok := sums[name]; !ok {
				t.Errorf("bf16/%s: not in SHA256SUMS", name)
			}
		}
	}
	for name, want := range sums {
		if got := fileSum(t, filepath.Join(dir, name)); got != want {
			t.Errorf("bf16/%s: sha256 %s, SHA256SUMS says %s", name, got, want)
		}
	}
}

// readSums parses a sha256sum listing ("HEX  NAME" lines).
func readSums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != 64 || name == "" {
			t.Fatalf("%s:%d: not a sha256sum line: %q", path, line, sc.Text())
		}
		sums[name] = sum
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}
