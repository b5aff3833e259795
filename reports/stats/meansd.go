package stats

import (
	"fmt"
	"math"
)

// MeanSD returns the mean and the sample standard deviation of xs, e.g. the
// accuracies of one configuration trained with several seeds ("87.1 ± 0.8"):
//
//	mean = (1/n) Σ xᵢ
//	sd   = √( Σ (xᵢ − mean)² / (n − 1) )
//
// computed in two passes (with the compensating term of Chan, Golub & LeVeque
// 1983, so a large common offset does not cost precision). The standard
// deviation is NaN for a single value, where it is undefined; callers print
// n beside it. An empty xs or a non-finite value is an error.
func MeanSD(xs []float64) (mean, sd float64, err error) {
	n := len(xs)
	if n == 0 {
		return 0, 0, fmt.Errorf("stats: MeanSD: no values")
	}
	var sum float64
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, 0, fmt.Errorf("stats: MeanSD: value %d is %v", i, x)
		}
		sum += x
	}
	mean = sum / float64(n)
	if n == 1 {
		return mean, math.NaN(), nil
	}
	var ss, comp float64
	for _, x := range xs {
		d := x - mean
		ss += d * d
		comp += d
	}
	ss -= comp * comp / float64(n)
	return mean, math.Sqrt(max(ss, 0) / float64(n-1)), nil
}
