package testenv

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// Need names something a test needs from outside the Go code: the external
// parity fixtures, the benchmark data, the specification documents, the
// end-to-end cases, or a Chromium binary.
type Need string

// The needs $ARCEVAL_REQUIRE can name.
const (
	Fixtures Need = "fixtures" // parity fixtures: testdata/parity, and $ARCEVAL_FIXTURES or ../shared/fixtures/parity
	Data     Need = "data"     // benchmark data: $ARCEVAL_DATA or ../shared/data
	Docs     Need = "docs"     // specification documents: $ARCEVAL_DOCS or ../shared/docs
	E2E      Need = "e2e"      // end-to-end ARC cases
	Browser  Need = "browser"  // Chromium for the HTML report's browser test
)

// Needs lists every Need, in the order the README documents them.
var Needs = []Need{Fixtures, Data, Docs, E2E, Browser}

// RequireEnv is the variable that turns a missing need into a test failure:
// a comma-separated list of needs, or "all". CI sets it (.ci/run) so that a
// parity, end-to-end or browser test can never pass there by skipping.
const RequireEnv = "ARCEVAL_REQUIRE"

// required parses $ARCEVAL_REQUIRE; an unknown name is an error, so that a
// typo in CI cannot quietly turn the check off.
func required() (map[Need]bool, error) {
	out := map[Need]bool{}
	for _, f := range strings.FieldsFunc(os.Getenv(RequireEnv), func(r rune) bool { return r == ',' || r == ' ' }) {
		switch n := Need(strings.ToLower(f)); {
		case n == "all":
			for _, k := range Needs {
				out[k] = true
			}
		case slices.Contains(Needs, n):
			out[n] = true
		default:
			return nil, fmt.Errorf("$%s=%q: unknown need %q (known: all, %s)", RequireEnv, os.Getenv(RequireEnv), f, joinNeeds())
		}
	}
	return out, nil
}

func joinNeeds() string {
	s := make([]string, len(Needs))
	for i, n := range Needs {
		s[i] = string(n)
	}
	return strings.Join(s, ", ")
}

// Required reports whether $ARCEVAL_REQUIRE names need (or "all"). It fails
// the test when the variable names something unknown.
func Required(t testing.TB, need Need) bool {
	t.Helper()
	req, err := required()
	if err != nil {
		t.Fatal(err)
	}
	return req[need]
}

// Missing ends a test that cannot run because need is absent: it skips,
// with why (what is missing, how to get it) in one line, or, when
// $ARCEVAL_REQUIRE names need, fails with the same line. Use it for every
// skip caused by something missing outside the repository; deliberate skips
// (-short, -race) stay t.Skip.
func Missing(t testing.TB, need Need, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required(t, need) {
		t.Fatalf("%s (required: $%s=%s)", msg, RequireEnv, os.Getenv(RequireEnv))
	}
	t.Skipf("skipped, %s needed: %s", need, msg)
}

// Partial notes that a test runs without part of what it looks for (the
// full-size fixtures beside the tiny ones in the repository): logged, or a
// test error (the test goes on) when $ARCEVAL_REQUIRE names need.
func Partial(t testing.TB, need Need, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required(t, need) {
		t.Errorf("%s (required: $%s=%s)", msg, RequireEnv, os.Getenv(RequireEnv))
		return
	}
	t.Logf("%s needed for the full test: %s", need, msg)
}
