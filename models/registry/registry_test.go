package registry

import (
	"strings"
	"testing"
)

// Every family is found by its kind, aliases by theirs; kinds are unique;
// an unknown kind is an error listing the known ones.
func TestLookup(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Families {
		if seen[f.Kind()] {
			t.Errorf("kind %s twice", f.Kind())
		}
		seen[f.Kind()] = true
		if g, err := Lookup(f.Kind()); err != nil || g.Kind() != f.Kind() {
			t.Errorf("Lookup(%s) = %v, %v", f.Kind(), g, err)
		}
		if len(f.Presets()) == 0 {
			t.Errorf("%s: no presets", f.Kind())
		}
		for _, p := range f.Presets() {
			c, err := f.Config(p)
			if err != nil {
				t.Errorf("%s preset %s: %v", f.Kind(), p, err)
				continue
			}
			if len(c.Specs()) == 0 {
				t.Errorf("%s preset %s: no tensors", f.Kind(), p)
			}
		}
		if _, err := f.Config("no-such-preset"); err == nil || !strings.Contains(err.Error(), f.Presets()[0]) {
			t.Errorf("%s: unknown preset: err = %v", f.Kind(), err)
		}
	}
	for alias, kind := range aliases {
		if f, err := Lookup(alias); err != nil || f.Kind() != kind {
			t.Errorf("alias %s: %v, %v", alias, f, err)
		}
	}
	if _, err := Lookup("gpt"); err == nil || !strings.Contains(err.Error(), `model kind "gpt": want trm, hrm, transformer_baseline or mlp_baseline`) {
		t.Errorf("err = %v", err)
	}
}
