package tensors

import (
	"math"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// dumpYAML writes v (as parseSimpleYAML returns it) in the block style
// that parseSimpleYAML reads.
func dumpYAML(b *strings.Builder, m map[string]any, indent string) {
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		switch v := m[k].(type) {
		case map[string]any:
			b.WriteString(indent + k + ":\n")
			dumpYAML(b, v, indent+"  ")
		case []any:
			if len(v) == 0 {
				b.WriteString(indent + k + ": []\n")
				continue
			}
			b.WriteString(indent + k + ":\n")
			for _, item := range v {
				b.WriteString(indent + "- " + yamlLiteral(item) + "\n")
			}
		default:
			b.WriteString(indent + k + ": " + yamlLiteral(v) + "\n")
		}
	}
}

// yamlLiteral writes a scalar so that yamlScalar reads it back.
func yamlLiteral(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			s += ".0"
		}
		return s
	case string:
		return `"` + v + `"`
	case []any:
		return "[]"
	}
	panic("unexpected YAML value")
}

// yamlEqual is reflect.DeepEqual with NaN equal to itself.
func yamlEqual(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && (a == b || math.IsNaN(a) && math.IsNaN(b))
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if w, ok := b[k]; !ok || !yamlEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !yamlEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// FuzzSimpleYAML: the all_config.yaml reader returns a tree or an error
// naming the line, and what it returns is read back identically from its
// own block-style rendering.
func FuzzSimpleYAML(f *testing.F) {
	data, err := os.ReadFile("testdata/all_config.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, s := range []string{
		"a:\n  b: 1\n  c:\n  - x\n  - 'y'\nd: ~\n",
		"a:\n- 1\n  b: 2\n", "a:\n  b: 1\n- x\n", "- x\n", "a b\n", ": 1\n", "a: [1, 2]\n", "a: 'unterminated\n",
		"a:\n\tb: 1\n", "a: 1e400\n", "a: nan\n", "a: -0x10\n", "\r\na: 1\r\n", "# only a comment\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := parseSimpleYAML(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error %q does not name the line", err)
			}
			return
		}
		var b strings.Builder
		dumpYAML(&b, y, "")
		back, err := parseSimpleYAML([]byte(b.String()))
		if err != nil || !yamlEqual(back, y) {
			t.Fatalf("round trip of\n%s\ngave %v, %v; want %v", b.String(), back, err, y)
		}
	})
}
