// Package testenv locates the shared benchmark data, parity fixtures and
// specification documents for tests: $ARCEVAL_DATA / $ARCEVAL_FIXTURES /
// $ARCEVAL_DOCS when set, else ../shared/data, ../shared/fixtures/parity and
// ../shared/docs beside the module root. Tests that need them skip
// with a clear message when they are absent.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// moduleRoot walks up from the working directory to the folder holding go.mod.
func moduleRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// DataRoot returns the benchmark data root or skips the test.
func DataRoot(t testing.TB) string {
	t.Helper()
	return locate(t, "ARCEVAL_DATA", filepath.Join("..", "shared", "data"))
}

// DocsRoot returns the folder of the shared specification documents
// ($ARCEVAL_DOCS, else ../shared/docs) or skips the test.
func DocsRoot(t testing.TB) string {
	t.Helper()
	return locate(t, "ARCEVAL_DOCS", filepath.Join("..", "shared", "docs"))
}

// FixturesRoot returns the parity fixtures folder or skips the test.
func FixturesRoot(t testing.TB) string {
	t.Helper()
	return locate(t, "ARCEVAL_FIXTURES", filepath.Join("..", "shared", "fixtures", "parity"))
}

func locate(t testing.TB, env, rel string) string {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		dir = filepath.Join(moduleRoot(), rel)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Skipf("%s not found (set $%s): skipping", dir, env)
	}
	return dir
}
