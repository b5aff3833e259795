package jsontok

import (
	"strings"
	"testing"
)

// read walks a whole document and returns FailureMsg ("" when it is valid).
func read(doc string) string {
	in := NewReader(strings.NewReader(doc))
	if t, ok := in.Next(); ok {
		in.Skip(t, nil)
	}
	if in.Failure() == nil {
		in.AtEOF()
	}
	if in.Failure() == nil {
		return ""
	}
	return FailureMsg(in.Failure(), BytesSource([]byte(doc)))
}

func TestFailures(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"valid", `{"a": [1, 2, "x"]}`, ""},
		{"syntax", "{\"a\": [1,\n ]}", "invalid JSON at line 2, column 2: invalid character ']' looking for beginning of value"},
		{"truncated", `{"a": [1`, "invalid JSON at line 1, column 8: unexpected end of JSON input"},
		{"trailing", "{}\n{}", "invalid JSON at line 2, column 1: invalid character '{' after top-level value"},
		{"long string", "[\n \"" + strings.Repeat("x", MaxString+1) + `"]`, "line 2, column 2: a string longer than 65536 bytes"},
		{"long escapes", `["` + strings.Repeat(`\"`, MaxString) + `"]`, "line 1, column 2: a string longer than 65536 bytes"},
		{"string at the limit", `["` + strings.Repeat("x", MaxString-1) + `"]`, ""},
		{"long number", "[1, " + strings.Repeat("9", MaxLiteral+1) + "]", "line 1, column 5: a number or literal longer than 1024 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := read(tc.doc); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// Skip reads a value whole, or stops when its token budget runs out.
func TestSkip(t *testing.T) {
	in := NewReader(strings.NewReader(`[[1, [2, 3]], 4]`))
	first, _ := in.Next()
	if !IsDelim(first, '[') {
		t.Fatal("no list")
	}
	v, _ := in.Next()
	if budget := 10; !in.Skip(v, &budget) || budget != 10-6 {
		t.Fatalf("skip: budget left %d, want 4 (six tokens)", budget)
	}
	if n, _ := in.Next(); n.(interface{ String() string }).String() != "4" {
		t.Fatalf("after skip: %v", n)
	}
	in = NewReader(strings.NewReader(`[1, 2, 3, 4]`))
	v, _ = in.Next()
	if budget := 2; in.Skip(v, &budget) || !in.Stopped() || in.Failure() != nil {
		t.Fatal("an exhausted budget must stop reading without a failure")
	}
}
