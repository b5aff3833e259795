package stats

import (
	"fmt"
	"math"
)

// McNemarExact returns the two-sided p-value of the exact McNemar test for
// two runs scored on the same items:
//
//	b = items A got right and B got wrong
//	c = items A got wrong and B got right
//	p = min(1, 2 · P(X ≤ min(b, c))),   X ~ Binomial(b + c, 1/2)
//
// Under the null hypothesis (both runs equally accurate) each of the b + c
// discordant items is equally likely to fall either way; concordant items
// carry no information. p = 1 when b = c (and when b = c = 0).
//
// The tail is computed in log space and stays accurate for b + c up to 10⁶
// and beyond (relative error about |log p|·1e-16, so 1e-15 for p ≈ 0.01 and
// 1e-13 for p ≈ 1e-100); see binomHalfLogCDF. A p-value below the smallest
// float64 (about 5e-324) is returned as 0.
func McNemarExact(b, c int) (float64, error) {
	if b < 0 || c < 0 {
		return 0, fmt.Errorf("stats: McNemarExact: negative count (b = %d, c = %d)", b, c)
	}
	m, n := min(b, c), b+c
	if n-2*m <= 1 {
		// b = c, or |b − c| = 1 with n odd: P(X ≤ m) ≥ 1/2 exactly.
		return 1, nil
	}
	if m == 0 {
		return math.Ldexp(1, 1-n), nil // 2 · 2⁻ⁿ, exact (0 below the subnormals)
	}
	return min(1, 2*math.Exp(binomHalfLogCDF(m, n))), nil
}

// binomHalfLogCDF returns log P(X ≤ m) for X ~ Binomial(n, 1/2), 0 ≤ m ≤ n/2.
//
// It evaluates the largest term P(X = m) in log space with Loader's
// saddle-point formula (binomHalfLogPMF) and adds the smaller terms through
// the exact ratio of neighbours,
//
//	P(X = k−1) / P(X = k) = k / (n − k + 1),
//
// summing r_k = P(X = k)/P(X = m) from k = m down until a term no longer
// changes the sum (the terms fall off like a Gaussian tail, so for n = 10⁶ at
// most a few thousand are added). Then log P(X ≤ m) = log P(X = m) + log Σ r_k.
// No term under- or overflows: r_k ≤ 1 and Σ r_k ≤ m + 1.
func binomHalfLogCDF(m, n int) float64 {
	sum, r := 1.0, 1.0
	for k := m; k > 0; k-- {
		r *= float64(k) / float64(n-k+1)
		if r < sum*0x1p-60 {
			break
		}
		sum += r
	}
	return binomHalfLogPMF(m, n) + math.Log(sum)
}

// binomHalfLogPMF returns log P(X = k) for X ~ Binomial(n, 1/2), 0 ≤ k ≤ n,
// by Loader's method (C. Loader, "Fast and accurate computation of binomial
// probabilities", 2000; the algorithm of R's dbinom):
//
//	P(X = k) = √(n / (2π k (n−k))) · exp( δ(n) − δ(k) − δ(n−k)
//	                                      − D(k, n/2) − D(n−k, n/2) )
//
// with δ the Stirling-series remainder (stirlerr) and D(x, μ) = x log(x/μ) + μ − x
// (bd0), both computed without cancellation. Unlike
// lgamma(n+1) − lgamma(k+1) − lgamma(n−k+1) − n log 2, whose terms are ~10⁷ for
// n = 10⁶ and lose about 9 digits when subtracted, every quantity here is small.
func binomHalfLogPMF(k, n int) float64 {
	if k == 0 || k == n {
		return -float64(n) * math.Ln2
	}
	nf, kf := float64(n), float64(k)
	mu := nf / 2
	lc := stirlerr(n) - stirlerr(k) - stirlerr(n-k) - bd0(kf, mu) - bd0(nf-kf, mu)
	lf := math.Log(2*math.Pi) + math.Log(kf) + math.Log1p(-kf/nf)
	return lc - 0.5*lf
}

// stirlerr returns δ(n) = log(n!) − log(√(2πn) (n/e)ⁿ) for n ≥ 1, the error of
// Stirling's formula. For n ≤ 15 it is read from a table (computed with
// 40-digit arithmetic); above, it sums the asymptotic series
//
//	δ(n) = 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷) + 1/(1188n⁹)
//	       − 691/(360360n¹¹) + …
//
// with fewer terms as n grows (as in Loader's paper, plus the 691/360360
// term for n ≤ 35), keeping the absolute error below 1e-16.
func stirlerr(n int) float64 {
	const (
		s0 = 1.0 / 12
		s1 = 1.0 / 360
		s2 = 1.0 / 1260
		s3 = 1.0 / 1680
		s4 = 1.0 / 1188
		s5 = 691.0 / 360360
	)
	if n <= 15 {
		return stirlerrTable[n]
	}
	x := float64(n)
	xx := x * x
	switch {
	case n > 500:
		return (s0 - s1/xx) / x
	case n > 80:
		return (s0 - (s1-s2/xx)/xx) / x
	case n > 35:
		return (s0 - (s1-(s2-s3/xx)/xx)/xx) / x
	default:
		return (s0 - (s1-(s2-(s3-(s4-s5/xx)/xx)/xx)/xx)/xx) / x
	}
}

// stirlerrTable[n] = δ(n) for n = 1..15 (δ(0) is not used).
var stirlerrTable = [16]float64{
	0,
	0.08106146679532725822, // n = 1
	0.041340695955409294094,
	0.027677925684998339149,
	0.020790672103765093112,
	0.016644691189821192163, // n = 5
	0.013876128823070747999,
	0.011896709945891770095,
	0.010411265261972096497,
	0.0092554621827127329177,
	0.0083305634333628712565, // n = 10
	0.007573675487951840795,
	0.0069428401072095298657,
	0.0064089941880042070684,
	0.0059513701127588477356,
	0.005554733551962801371, // n = 15
}

// bd0 returns D(x, μ) = x log(x/μ) + μ − x ≥ 0 for x ≥ 0, μ > 0. When x is
// close to μ the direct formula cancels badly; there it uses the series in
// v = (x − μ)/(x + μ):
//
//	D(x, μ) = (x − μ) v + 2x (v³/3 + v⁵/5 + v⁷/7 + …)
func bd0(x, mu float64) float64 {
	if math.Abs(x-mu) < 0.1*(x+mu) {
		v := (x - mu) / (x + mu)
		s := (x - mu) * v
		ej := 2 * x * v
		v2 := v * v
		for j := 1; j < 1000; j++ {
			ej *= v2
			s1 := s + ej/float64(2*j+1)
			if s1 == s {
				return s1
			}
			s = s1
		}
		return s
	}
	return x*math.Log(x/mu) + mu - x
}
