package results

import "testing"

func TestIdentifiersDigest(t *testing.T) {
	a := IdentifiersDigest([]string{"<blank>", "t1", "t1|||t3|||0123456789"})
	for _, other := range [][]string{
		{"<blank>", "t1|||t3|||0123456789", "t1"}, // order matters: the row an id names
		{"<blank>", "t1t1|||t3|||0123456789"},     // names are separated
		{"<blank>", "t1", "t1|||t3|||0123456789", ""},
	} {
		if IdentifiersDigest(other) == a {
			t.Errorf("%q digests like the original", other)
		}
	}
	if len(a) != 16 || IdentifiersDigest([]string{"<blank>", "t1", "t1|||t3|||0123456789"}) != a {
		t.Errorf("digest %q not a stable 16-digit hex", a)
	}
	for _, b := range KnownBuilds {
		if got, ok := LookupBuild(b.Identifiers, b.Hash); !ok || got.ID != b.ID {
			t.Errorf("%s not found by its own count and digest", b.ID)
		}
		if _, ok := LookupBuild(b.Identifiers+1, b.Hash); ok {
			t.Errorf("%s found with another count", b.ID)
		}
	}
}
