package stats

import (
	"math"
	"testing"
)

// Expected values computed independently (Python, the documented formulas).
func TestStratified(t *testing.T) {
	for _, tc := range []struct {
		name           string
		strata         []Stratum
		p, lo, hi, tol float64
	}{
		{"one stratum is Wilson", []Stratum{{1, 81, 263}}, 0.30798479087452474, 0.2552885198782742, 0.36620957698280004, 1e-9},
		{"Sudoku buckets", []Stratum{{61127, 200, 200}, {58717, 180, 200}, {111831, 120, 200}, {143851, 60, 200}, {42896, 10, 200}, {4364, 0, 200}},
			0.5354269062835572, 0.5065433535336685, 0.5640747632946579, 1e-12},
		{"nothing solved", []Stratum{{61127, 0, 200}, {58717, 0, 200}, {111831, 0, 200}, {143851, 0, 200}, {42896, 0, 200}, {4364, 0, 200}},
			0, 0, 0.004453618463284589, 1e-12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, iv, err := Stratified(tc.strata, 0.95)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(p-tc.p) > tc.tol || math.Abs(iv.Lo-tc.lo) > tc.tol || math.Abs(iv.Hi-tc.hi) > tc.tol || iv.Level != 0.95 {
				t.Errorf("got %.17g [%.17g, %.17g], want %.17g [%.17g, %.17g]", p, iv.Lo, iv.Hi, tc.p, tc.lo, tc.hi)
			}
		})
	}
	t.Run("one stratum equals Wilson", func(t *testing.T) {
		for _, kn := range [][2]int{{0, 10}, {3, 10}, {10, 10}, {81, 263}, {500, 1000}} {
			_, got, _ := Stratified([]Stratum{{2, kn[0], kn[1]}}, 0.9)
			want, _ := Wilson(kn[0], kn[1], 0.9)
			if math.Abs(got.Lo-want.Lo) > 1e-9 || math.Abs(got.Hi-want.Hi) > 1e-9 {
				t.Errorf("%d/%d: %+v, Wilson %+v", kn[0], kn[1], got, want)
			}
		}
	})
	t.Run("all right stays an interval", func(t *testing.T) {
		p, iv, _ := Stratified([]Stratum{{1, 50, 50}, {3, 50, 50}}, 0.95)
		if p != 1 || iv.Hi != 1 || !(iv.Lo < 1 && iv.Lo > 0.9) {
			t.Errorf("got %v %+v", p, iv)
		}
	})
	for _, bad := range [][]Stratum{nil, {{1, 1, 0}}, {{0, 1, 2}}, {{1, 3, 2}}, {{math.Inf(1), 1, 2}}} {
		if _, _, err := Stratified(bad, 0.95); err == nil {
			t.Errorf("Stratified(%v): no error", bad)
		}
	}
	if _, _, err := Stratified([]Stratum{{1, 1, 2}}, 1); err == nil {
		t.Error("level 1: no error")
	}
}
