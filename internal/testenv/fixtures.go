package testenv

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// RepoFixtures is the repository's copy of the small official parity
// fixtures (the tiny TRM-Att, TRM-MLP, HRM and transformer-baseline ones
// with their training steps, and the bf16 example), relative to the module
// root; its README.md says where they come from.
const RepoFixtures = "testdata/parity"

// fixtureEnv names the external parity fixtures folder, which adds the
// full-size fixtures.
const fixtureEnv = "ARCEVAL_FIXTURES"

// repoFixturesDir is RepoFixtures under the module root.
func repoFixturesDir() string { return filepath.Join(moduleRoot(), RepoFixtures) }

// externalFixturesDir is $ARCEVAL_FIXTURES, else ../shared/fixtures/parity
// beside the module root.
func externalFixturesDir() string {
	return external(fixtureEnv, filepath.Join("..", "shared", "fixtures", "parity"))
}

// fixtureDirs returns the fixture folders that exist, the repository's
// first, the same folder once; and the external folder when it is absent.
func fixtureDirs() (dirs []string, absent string) {
	ext := externalFixturesDir()
	for _, d := range []string{repoFixturesDir(), ext} {
		abs, err := filepath.Abs(d)
		if err != nil || !isDir(abs) {
			if d == ext {
				absent = d
			}
			continue
		}
		if !slices.Contains(dirs, abs) {
			dirs = append(dirs, abs)
		}
	}
	return dirs, absent
}

// FixtureDirs returns the parity fixture folders, in lookup order: the
// repository's testdata/parity, then $ARCEVAL_FIXTURES (else
// ../shared/fixtures/parity) when present. An absent external folder is
// noted with Partial (a test error under $ARCEVAL_REQUIRE=fixtures): the
// test runs on the repository's fixtures alone.
func FixtureDirs(t testing.TB) []string {
	t.Helper()
	dirs, absent := fixtureDirs()
	if absent != "" {
		Partial(t, Fixtures, "no external parity fixtures at %s (the full-size ones): set $%s to the official fixtures folder", absent, fixtureEnv)
	}
	if len(dirs) == 0 {
		Missing(t, Fixtures, "no parity fixtures: neither %s nor %s exists (set $%s)", repoFixturesDir(), absent, fixtureEnv)
	}
	return dirs
}

// FixtureFiles returns the files matching a glob pattern ("*.json") in
// every fixture folder (FixtureDirs), sorted by file name; a name found in
// several folders is returned once, from the first (the repository's copy),
// so that a fixture is checked once however many folders hold it.
func FixtureFiles(t testing.TB, pattern string) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	for _, dir := range FixtureDirs(t) {
		paths, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatalf("fixture pattern %q: %v", pattern, err)
		}
		for _, p := range paths {
			if name := filepath.Base(p); !seen[name] {
				seen[name] = true
				out = append(out, p)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(filepath.Base(a), filepath.Base(b)) })
	return out
}

// Fixture returns the path of parity fixture name without extension
// (DIR/name: add ".json", ".state_dict", ".train1.grad", …) from the first
// fixture folder holding name.json, the repository's first. When none does
// it reports the fixture missing (Missing: a skip, a failure under
// $ARCEVAL_REQUIRE=fixtures).
func Fixture(t testing.TB, name string) string {
	t.Helper()
	dirs, absent := fixtureDirs()
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, name+".json")); err == nil {
			return filepath.Join(dir, name)
		}
	}
	where := repoFixturesDir()
	if absent != "" {
		where += " nor " + absent
	} else {
		where += " nor " + externalFixturesDir()
	}
	Missing(t, Fixtures, "parity fixture %s is neither in %s: set $%s to the official fixtures folder", name, where, fixtureEnv)
	return ""
}
