package stats

import (
	"math"
	"testing"
)

func TestMcNemarExact(t *testing.T) {
	// Exact rationals for small n; for large n, 2·Σ_{k≤m} C(n,k)/2ⁿ summed with
	// 50-digit arithmetic (mpmath).
	for _, tc := range []struct {
		name string
		b, c int
		want float64
		rel  float64 // relative tolerance
	}{
		{"no discordant pairs", 0, 0, 1, 0},
		{"b = c", 7, 7, 1, 0},
		{"|b−c| = 1", 4, 5, 1, 0},
		{"3 vs 12: 2·576/2¹⁵", 3, 12, 0.03515625, 1e-15},
		{"12 vs 3 symmetric", 12, 3, 0.03515625, 1e-15},
		{"0 vs 5: 2/2⁵", 0, 5, 0.0625, 1e-15},
		{"1 vs 10: 2·12/2¹¹", 1, 10, 0.01171875, 1e-15},
		{"10 vs 25", 10, 25, 0.016673847800120711, 1e-13},
		{"40 vs 0: 2/2⁴⁰", 40, 0, 1.8189894035458565e-12, 1e-15},
		{"2500 vs 2600", 2500, 2600, 0.16565587842846059, 1e-12},
		{"n = 10⁶, z ≈ 2", 499000, 501000, 0.045608299865382086, 1e-12},
		{"n = 10⁶, z ≈ 3", 498500, 501500, 0.0027086553060597568, 1e-12},
		{"n = 10⁶, z ≈ 20", 490000, 510000, 5.5443632876992246e-89, 1e-11},
		{"n = 4.1·10⁵", 200000, 210000, 5.6132279337048490e-55, 1e-11},
		{"0 vs 1000: 2/2¹⁰⁰⁰", 0, 1000, 1.866527237006437758e-301, 1e-15},
		{"0 vs 1020: near the float64 floor", 0, 1020, 1.7800590868057611e-307, 1e-15},
		{"1 vs 1000: 2·1002/2¹⁰⁰¹", 1, 1000, 9.3513014574022531675e-299, 3e-13}, // |log p| ≈ 686
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

func TestBinomHalfLogPMF(t *testing.T) {
	// Against lgamma, which is accurate enough for moderate n.
	for _, n := range []int{1, 2, 15, 16, 36, 81, 501, 2000} {
		for _, k := range []int{0, 1, n / 3, n / 2, n - 1, n} {
			if k < 0 || k > n {
				continue
			}
			ln, _ := math.Lgamma(float64(n + 1))
			lk, _ := math.Lgamma(float64(k + 1))
			lnk, _ := math.Lgamma(float64(n - k + 1))
			want := ln - lk - lnk - float64(n)*math.Ln2
			if got := binomHalfLogPMF(k, n); math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
				t.Errorf("binomHalfLogPMF(%d, %d) = %.17g, lgamma gives %.17g", k, n, got, want)
			}
		}
	}
	// The masses of Binomial(n, 1/2) add up to 1.
	for _, n := range []int{10, 1001, 100000} {
		var s float64
		for k := 0; k <= n; k++ {
			s += math.Exp(binomHalfLogPMF(k, n))
		}
		if math.Abs(s-1) > 1e-12 {
			t.Errorf("n = %d: Σ P(X = k) = %.17g, want 1", n, s)
		}
	}
}

func TestStirlerr(t *testing.T) {
	// δ(n) = log n! − log(√(2πn)(n/e)ⁿ) with 50-digit arithmetic (mpmath), at
	// the table's end and on both sides of each change in series length.
	for _, tc := range []struct {
		n    int
		want float64
	}{
		{1, 0.08106146679532725822},
		{15, 0.005554733551962801371},
		{16, 0.0052076559196096404407},
		{35, 0.0023808876082341119857},
		{36, 0.0023147552905146838668},
		{80, 0.0010416612415616190685},
		{81, 0.0010288013577107775094},
		{500, 0.00016666664444446984119},
		{501, 0.00016633397657993270518},
		{1000000, 8.3333333333330555556e-8},
	} {
		// δ(n) enters log P(X = k) as an addend, so its absolute error is
		// what matters; the truncated series stays below 1e-16.
		if got := stirlerr(tc.n); math.Abs(got-tc.want) > 1e-16 {
			t.Errorf("stirlerr(%d) = %.17g, want %.17g", tc.n, got, tc.want)
		}
	}
}
