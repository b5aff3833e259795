package stats

import (
	"math"
	"testing"
)

func TestMeanSD(t *testing.T) {
	for _, tc := range []struct {
		name     string
		xs       []float64
		mean, sd float64
	}{
		// Σ(x−5)² = 32, so the sample sd is √(32/7) (the population sd is 2).
		{"textbook", []float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, 2.1380899352993950},
		{"two values", []float64{87.4, 86.1}, 86.75, 0.91923881554251219},
		{"constant", []float64{0.5, 0.5, 0.5}, 0.5, 0},
		// Welford's example: a large common offset; the sample variance is 30.
		{"offset 1e9", []float64{1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16}, 1e9 + 10, math.Sqrt(30)},
		{"one value", []float64{0.874}, 0.874, math.NaN()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, sd, err := MeanSD(tc.xs)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(m-tc.mean) > 1e-15*math.Abs(tc.mean) {
				t.Errorf("mean = %.17g, want %.17g", m, tc.mean)
			}
			if math.IsNaN(tc.sd) {
				if !math.IsNaN(sd) {
					t.Errorf("sd = %v, want NaN", sd)
				}
				return
			}
			if math.Abs(sd-tc.sd) > 1e-14*max(tc.sd, 1) {
				t.Errorf("sd = %.17g, want %.17g", sd, tc.sd)
			}
		})
	}
}

func TestMeanSDErrors(t *testing.T) {
	for _, xs := range [][]float64{nil, {1, math.NaN()}, {math.Inf(1), 2}} {
		if _, _, err := MeanSD(xs); err == nil {
			t.Errorf("MeanSD(%v): no error", xs)
		}
	}
}
