package testenv

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that records what a helper reports; Skip and
// Fatal end the helper by a panic that run recovers, as runtime.Goexit
// ends a real test.
type recorder struct {
	testing.TB // nil: a method not defined here panics
	skips      []string
	fatals     []string
	errors     []string
	logs       []string
}

// stopped is the panic value of Skipf, Fatalf and Fatal.
type stopped struct{}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skips = append(r.skips, fmt.Sprintf(format, args...))
	panic(stopped{})
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	panic(stopped{})
}

func (r *recorder) Fatal(args ...any) {
	r.fatals = append(r.fatals, fmt.Sprint(args...))
	panic(stopped{})
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// run calls f with a fresh recorder and returns it once f returns or stops.
func run(f func(tb testing.TB)) (r *recorder) {
	r = &recorder{}
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(stopped); !ok {
				panic(v)
			}
		}
	}()
	f(r)
	return r
}

// outcome summarises a recorder as "skip", "fatal", "error", "log" or "ok".
func (r *recorder) outcome() string {
	switch {
	case len(r.fatals) > 0:
		return "fatal"
	case len(r.skips) > 0:
		return "skip"
	case len(r.errors) > 0:
		return "error"
	case len(r.logs) > 0:
		return "log"
	}
	return "ok"
}

// Missing skips unless $ARCEVAL_REQUIRE names the need (or "all"), then it
// fails; a misspelt need fails whatever is missing, so that a typo in CI
// cannot switch the check off.
func TestMissing(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"", "skip"},
		{"fixtures", "skip"},
		{"browser", "fatal"},
		{"parity, e2e", "fatal"}, // "parity" is no need: a typo must not pass
		{"fixtures,data,docs,e2e,browser", "fatal"},
		{" Browser ", "fatal"},
		{"all", "fatal"},
		{"brwoser", "fatal"},
	} {
		t.Setenv(RequireEnv, tc.env)
		r := run(func(tb testing.TB) { Missing(tb, Browser, "no Chromium (install it)") })
		if got := r.outcome(); got != tc.want {
			t.Errorf("$%s=%q: %s %v %v, want %s", RequireEnv, tc.env, got, r.skips, r.fatals, tc.want)
		}
		msgs := strings.Join(append(r.skips, r.fatals...), "")
		if tc.env == "brwoser" || tc.env == "parity, e2e" {
			if !strings.Contains(msgs, "unknown need") {
				t.Errorf("$%s=%q: %q does not name the unknown need", RequireEnv, tc.env, msgs)
			}
		} else if !strings.Contains(msgs, "no Chromium (install it)") {
			t.Errorf("$%s=%q: %q does not say what is missing", RequireEnv, tc.env, msgs)
		}
	}
}

// Partial logs and lets the test go on, or reports an error (and still
// goes on) when the need is required.
func TestPartial(t *testing.T) {
	for env, want := range map[string]string{"": "log", "data": "log", "fixtures": "error", "all": "error", "fixturez": "fatal"} {
		t.Setenv(RequireEnv, env)
		went := false
		r := run(func(tb testing.TB) { Partial(tb, Fixtures, "no full-size fixtures"); went = true })
		if got := r.outcome(); got != want || went != (want != "fatal") {
			t.Errorf("$%s=%q: %s (went on: %v), want %s", RequireEnv, env, got, went, want)
		}
	}
}

// The variable the test binary runs with names only known needs: a typo in
// .ci/run fails here even if nothing happens to be missing.
func TestRequireEnv(t *testing.T) {
	if _, err := required(); err != nil {
		t.Error(err)
	}
}
