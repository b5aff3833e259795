package parity

import (
	"testing"

	"arceval/models"
)

// Step runs one evaluation step on the fixture's batch; see RunEval.
type Step = func(models.Batch) (Result, error)

// EvalSuite runs RunEval on every fixture of a kind, each as a subtest
// named after it: load parses the fixture's config (calling SkipFull before
// anything large is read), loads its model and returns its evaluation step.
func EvalSuite(t *testing.T, kind string, load func(t *testing.T, f *Fixture) Step) {
	t.Helper()
	for _, f := range Discover(t, kind) {
		t.Run(f.Name(), func(t *testing.T) { f.RunEval(t, load(t, f)) })
	}
}

// SkipFull skips a full-size fixture (hidden size above 128) in -short mode.
func SkipFull(t *testing.T, hidden int) {
	t.Helper()
	if testing.Short() && hidden > 128 {
		t.Skip("full-size fixture skipped in -short mode")
	}
}

// Config parses the fixture's config with a family's ParseConfig, failing
// the test on error.
func Config[C any](t *testing.T, f *Fixture, parse func([]byte) (C, error)) C {
	t.Helper()
	c, err := parse(f.Config)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Open opens a checkpoint with a family's OpenTensors for the duration of
// the test.
func Open[S interface{ Close() error }](t *testing.T, open func(string) (S, error), path string) S {
	t.Helper()
	src, err := open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}
