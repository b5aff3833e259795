// Package testenv locates what tests need from outside the Go code: the
// parity fixtures (the tiny ones committed in testdata/parity, the
// full-size ones in $ARCEVAL_FIXTURES, else ../shared/fixtures/parity), the
// benchmark data ($ARCEVAL_DATA, else ../shared/data) and the specification
// documents ($ARCEVAL_DOCS, else ../shared/docs), the ../shared paths
// beside the module root. A test whose need is absent skips, saying in one
// line what is missing and how to get it; $ARCEVAL_REQUIRE turns that skip
// into a failure (see Missing), which is how CI makes sure nothing that
// matters was skipped.
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

// external is a folder outside the repository: $env when set, else rel
// under the module root.
func external(env, rel string) string {
	if dir := os.Getenv(env); dir != "" {
		return dir
	}
	return filepath.Join(moduleRoot(), rel)
}

// isDir reports whether dir is an existing folder.
func isDir(dir string) bool {
	st, err := os.Stat(dir)
	return err == nil && st.IsDir()
}

// DataRoot returns the benchmark data root, or reports it missing (Missing:
// a skip, a failure under $ARCEVAL_REQUIRE=data).
func DataRoot(t testing.TB) string {
	t.Helper()
	dir := external("ARCEVAL_DATA", filepath.Join("..", "shared", "data"))
	if !isDir(dir) {
		Missing(t, Data, "no benchmark data at %s: set $ARCEVAL_DATA to a data root (`arceval data fetch --data DIR` downloads the official sources)", dir)
	}
	return dir
}

// DataPath returns the file or folder rel under the data root, or reports it
// missing like DataRoot, naming it.
func DataPath(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(DataRoot(t), rel)
	if _, err := os.Stat(p); err != nil {
		Missing(t, Data, "%s is not in the data root: set $ARCEVAL_DATA to a complete data root (`arceval data fetch`, `arceval data build`)", p)
	}
	return p
}

// DocsRoot returns the folder of the specification documents, or reports it
// missing (a failure under $ARCEVAL_REQUIRE=docs).
func DocsRoot(t testing.TB) string {
	t.Helper()
	dir := external("ARCEVAL_DOCS", filepath.Join("..", "shared", "docs"))
	if !isDir(dir) {
		Missing(t, Docs, "no specification documents at %s: set $ARCEVAL_DOCS to the folder holding trm-spec.md", dir)
	}
	return dir
}
