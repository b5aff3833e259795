package stats

import (
	"math"
	"testing"
)

func TestMcNemarExact(t *testing.T) {
	// Exact rationals for small n; for large n, 2·Σ_{k≤m} C(n,k)/2ⁿ summed with
	// 50-digit arithmetic (mpmath). The tolerances are the precision of
	// gonum's binomial tail, measured: the relative error grows from 1e-15
	// (n ≤ 40) to 6.4e-12 (n = 5100) and 1e-10 – 5e-10 (n = 4·10⁵ – 10⁶).
	// p-values are printed with three decimals or two significant digits,
	// so none of this reaches the output.
	for _, tc := range []struct {
		name string
		b, c int
		want float64
		rel  float64 // relative tolerance
	}{
		{"no discordant pairs", 0, 0, 1, 0},
		{"b = c", 7, 7, 1, 0},
		{"|b−c| = 1", 4, 5, 1, 0},
		{"3 vs 12: 2·576/2¹⁵", 3, 12, 0.03515625, 1e-14},
		{"12 vs 3 symmetric", 12, 3, 0.03515625, 1e-14},
		{"0 vs 5: 2/2⁵", 0, 5, 0.0625, 1e-14},
		{"1 vs 10: 2·12/2¹¹", 1, 10, 0.01171875, 1e-14},
		{"10 vs 25", 10, 25, 0.016673847800120711, 1e-13},
		{"40 vs 0: 2/2⁴⁰", 40, 0, 1.8189894035458565e-12, 1e-13},
		{"2500 vs 2600", 2500, 2600, 0.16565587842846059, 1e-11},
		{"n = 10⁶, z ≈ 2", 499000, 501000, 0.045608299865382086, 1e-9},
		{"n = 10⁶, z ≈ 3", 498500, 501500, 0.0027086553060597568, 1e-9},
		{"n = 10⁶, z ≈ 20", 490000, 510000, 5.5443632876992246e-89, 1e-9},
		{"n = 4.1·10⁵", 200000, 210000, 5.6132279337048490e-55, 1e-9},
		{"0 vs 1000: 2/2¹⁰⁰⁰", 0, 1000, 1.866527237006437758e-301, 1e-12},
		{"0 vs 1020: near the float64 floor", 0, 1020, 1.7800590868057611e-307, 1e-11},
		{"1 vs 1000: 2·1002/2¹⁰⁰¹", 1, 1000, 9.3513014574022531675e-299, 1e-11},
		{"0 vs 1074: smallest subnormal", 0, 1074, 0x1p-1073, 0},
		{"0 vs 2000: underflows to 0", 0, 2000, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := McNemarExact(tc.b, tc.c)
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(p - tc.want); d > tc.rel*tc.want {
				t.Errorf("McNemarExact(%d, %d) = %.17g, want %.17g (rel. error %.2g)", tc.b, tc.c, p, tc.want, d/tc.want)
			}
		})
	}
}

func TestMcNemarExactErrors(t *testing.T) {
	for _, bc := range [][2]int{{-1, 3}, {3, -1}} {
		if _, err := McNemarExact(bc[0], bc[1]); err == nil {
			t.Errorf("McNemarExact(%d, %d): no error", bc[0], bc[1])
		}
	}
}
