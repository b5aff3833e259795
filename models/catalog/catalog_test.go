package catalog

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestDirAndPaths(t *testing.T) {
	t.Setenv(EnvDir, "/cache/models")
	dir, err := Dir()
	if err != nil || dir != "/cache/models" {
		t.Fatalf("Dir = %q, %v", dir, err)
	}
	e, ok := Lookup("trm-arc2-arcprize")
	if !ok {
		t.Fatal("trm-arc2-arcprize not in the catalog")
	}
	if e.Key() != "trm-arc2-arcprize/step_723914" || e.Path(dir) != filepath.Join(dir, "trm-arc2-arcprize", "step_723914") {
		t.Errorf("key %q path %q", e.Key(), e.Path(dir))
	}
	t.Setenv(EnvDir, "")
	if dir, err := Dir(); err == nil && !strings.HasSuffix(dir, filepath.Join("arceval", "models")) {
		t.Errorf("default Dir = %q", dir)
	}
}

func TestSelect(t *testing.T) {
	all, err := Select(nil)
	if err != nil || len(all) != len(Entries()) {
		t.Fatalf("all: %d, %v", len(all), err)
	}
	got, err := Select([]string{"hrm-arc2", "hrm-sudoku-extreme"})
	if err != nil || len(got) != 2 || got[0].Name != "hrm-arc2" {
		t.Fatalf("named: %+v, %v", got, err)
	}
	if _, err := Select([]string{"hrm-arc2", "nope"}); err == nil || !strings.Contains(err.Error(), "unknown model nope (known: hrm-sudoku-extreme") {
		t.Errorf("unknown: %v", err)
	}
}

// How an entry is checked is said plainly: no entry claims a verified hash
// it does not have.
func TestHashText(t *testing.T) {
	for _, tc := range []struct {
		w    File
		want string
	}{
		{File{SHA256: strings.Repeat("a", 64), Verified: true, Size: 1}, "sha256 verified"},
		{File{SHA256: strings.Repeat("a", 64), Size: 1}, "sha256 unverified (size checked; published hash compared)"},
		{File{Size: 1}, "sha256 unverified (size checked; hash recorded on first download)"},
		{File{}, "unverified (hash recorded on first download)"},
	} {
		if got := (Entry{Weights: tc.w}).HashText(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.w, got, tc.want)
		}
	}
	for _, e := range Entries() {
		if e.Weights.Verified {
			t.Errorf("%s claims a verified hash, but no hash could be checked from here", e.Name)
		}
	}
	if got := (Entry{Weights: File{Size: 1_822_205_258}}).SizeText(); got != "1.82 GB" {
		t.Errorf("size text %q", got)
	}
}
