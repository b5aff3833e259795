package results

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzParseShard: --shard and a run header's shard field parse to
// 1 ≤ K ≤ N or an error quoting the input, and an accepted shard prints
// back to a string that parses to the same pair.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"1/1", "2/8", "8/8", "0/8", "9/8", "1/0", "-1/2", "+1/2", "01/2", "1/", "/1", "1", "", "1/2/3", " 1/2", "99999999999999999999/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, n, err := ParseShard(s)
		if err != nil {
			if k != 0 || n != 0 || !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("ParseShard(%q) = %d, %d, %v", s, k, n, err)
			}
			return
		}
		if k < 1 || k > n {
			t.Fatalf("ParseShard(%q) = %d/%d", s, k, n)
		}
		k2, n2, err := ParseShard(fmt.Sprintf("%d/%d", k, n))
		if err != nil || k2 != k || n2 != n {
			t.Fatalf("%d/%d does not round-trip: %d/%d, %v", k, n, k2, n2, err)
		}
	})
}
