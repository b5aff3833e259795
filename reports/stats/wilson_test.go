package stats

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestZTwoSided(t *testing.T) {
	// −Φ⁻¹((1 − level)/2) for the float64 level (1 − level is exact), to 17
	// digits (mpmath, 50 digits). The float64 0.95 is 0.95 − 4.4e-17, so z is
	// 3.7e-16 below Φ⁻¹(0.975) = 1.95996398454005424.
	for _, tc := range []struct {
		level, want float64
	}{
		{0.95, 1.9599639845400538556},
		{0.99, 2.5758293035489004539},
		{0.90, 1.6448536269514728225},
		{0.999999, 4.8916384756929317718},
	} {
		got, err := zTwoSided(tc.level)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.want) > 5e-16*tc.want {
			t.Errorf("zTwoSided(%v) = %.17g, want %.17g", tc.level, got, tc.want)
		}
	}
	// The upper quantile 1 − (1 − level)/2 would lose 2e-11 here.
	if z := distuv.UnitNormal.Quantile(1 - (1-0.999999)/2); math.Abs(z-4.8916384756929317718) < 1e-11 {
		t.Errorf("gonum's upper quantile is now accurate (%.17g): zTwoSided may use it", z)
	}
	if got, want := zOneSided(0.05), 1.6448536269514727; math.Abs(got-want) > 4e-15 {
		t.Errorf("zOneSided(0.05) = %.17g, want %.17g", got, want)
	}
}

func TestUpperTail(t *testing.T) {
	// P(Z ≥ z) = erfc(z/√2)/2 (mpmath, 50 digits).
	for _, tc := range []struct {
		z, want float64
	}{
		{0, 0.5},
		{-2, 0.97724986805182079282},
		{1.5, 0.066807201268858066004},
		{4.3, 8.5399054709918110406e-6},
		{8, 6.2209605742717841235e-16},
		{10, 7.619853024160526066e-24},
	} {
		if got := upperTail(tc.z); math.Abs(got-tc.want) > 1e-14*tc.want {
			t.Errorf("upperTail(%v) = %.17g, want %.17g", tc.z, got, tc.want)
		}
	}
	// Why not gonum's Survival: it cancels in the tail.
	if s := distuv.UnitNormal.Survival(10); s != 0 {
		t.Errorf("gonum's Survival(10) = %g, no longer 0: upperTail may use it", s)
	}
}

func TestWilson(t *testing.T) {
	for _, tc := range []struct {
		name   string
		k, n   int
		level  float64
		lo, hi float64
		tol    float64
	}{
		// Published: Newcombe (1998), Stat. Med. 17:857, Table II, method 3
		// (score interval without continuity correction), 4 decimals.
		{"Newcombe 81/263", 81, 263, 0.95, 0.2553, 0.3662, 5e-5},
		{"Newcombe 15/148", 15, 148, 0.95, 0.0624, 0.1605, 5e-5},
		{"Newcombe 0/20", 0, 20, 0.95, 0.0000, 0.1611, 5e-5},
		{"Newcombe 1/29", 1, 29, 0.95, 0.0061, 0.1718, 5e-5},
		// The same formula evaluated with 50-digit arithmetic (mpmath).
		{"81/263 exact", 81, 263, 0.95, 0.25528851987827423, 0.36620957698280007, 1e-14},
		{"15/148 exact", 15, 148, 0.95, 0.06238639953073628, 0.16048724172330804, 1e-14},
		{"0/20 exact", 0, 20, 0.95, 0, 0.16112515805281939, 1e-14},
		{"1/29 exact", 1, 29, 0.95, 0.0061132142927626605, 0.17175521879320288, 1e-14},
		{"29/29", 29, 29, 0.95, 0.88303020150025923, 1, 1e-14},
		{"0/1", 0, 1, 0.95, 0, 0.79345068562276261, 1e-14},
		{"5/10 symmetric", 5, 10, 0.95, 0.23659309051256398, 0.76340690948743602, 1e-14},
		{"874/1000", 874, 1000, 0.95, 0.85199049533981389, 0.89314708931299088, 1e-14},
		{"81/263 at 99%", 81, 263, 0.99, 0.24013690268760769, 0.38528250231822985, 1e-14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iv, err := Wilson(tc.k, tc.n, tc.level)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(iv.Lo-tc.lo) > tc.tol || math.Abs(iv.Hi-tc.hi) > tc.tol {
				t.Errorf("Wilson(%d, %d, %v) = [%.17g, %.17g], want [%.17g, %.17g] ± %g",
					tc.k, tc.n, tc.level, iv.Lo, iv.Hi, tc.lo, tc.hi, tc.tol)
			}
			if iv.Level != tc.level {
				t.Errorf("Level = %v, want %v", iv.Level, tc.level)
			}
			if p := float64(tc.k) / float64(tc.n); !iv.Contains(p) {
				t.Errorf("[%v, %v] does not contain p̂ = %v", iv.Lo, iv.Hi, p)
			}
		})
	}
}

func TestWilsonBoundsExact(t *testing.T) {
	for _, n := range []int{1, 2, 7, 1000, 423000} {
		iv, _ := Wilson(0, n, 0.95)
		if iv.Lo != 0 {
			t.Errorf("Wilson(0, %d).Lo = %g, want exactly 0", n, iv.Lo)
		}
		iv, _ = Wilson(n, n, 0.95)
		if iv.Hi != 1 {
			t.Errorf("Wilson(%d, %d).Hi = %g, want exactly 1", n, n, iv.Hi)
		}
	}
}

func TestWilsonErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		k, n  int
		level float64
	}{
		{"n zero", 0, 0, 0.95},
		{"k negative", -1, 10, 0.95},
		{"k above n", 11, 10, 0.95},
		{"level 0", 1, 10, 0},
		{"level 1", 1, 10, 1},
		{"level percent", 1, 10, 95},
		{"level NaN", 1, 10, math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Wilson(tc.k, tc.n, tc.level); err == nil {
				t.Errorf("Wilson(%d, %d, %v): no error", tc.k, tc.n, tc.level)
			}
		})
	}
}
