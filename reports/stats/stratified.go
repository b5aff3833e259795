package stats

import (
	"fmt"
	"math"
)

// Stratum is one stratum of a stratified sample: K successes out of N
// sampled items, standing for a share Weight of the population.
type Stratum struct {
	Weight float64
	K, N   int
}

// Stratified estimates a population proportion from a stratified sample
// (e.g. Sudoku-Extreme's test sample, 200 puzzles per rating bucket, weighted
// by the full test set's rating histogram):
//
//	p̂ = Σ_h w_h k_h/n_h,    w_h = Weight_h / Σ Weight
//
// Its interval is the Wilson interval of p̂ at an effective sample size (as
// Korn & Graubard 1998 do for survey proportions), n_eff = p̃(1 − p̃)/v − z²,
// where v and p̃ are the Agresti–Coull versions of the stratified variance
// and estimate, each stratum's proportion shrunk to
// p̃_h = (k_h + z²/2)/(n_h + z²):
//
//	p̃ = Σ w_h p̃_h,    v = Σ w_h² p̃_h(1 − p̃_h)/(n_h + z²).
//
// The shrinkage keeps n_eff finite when strata are all right or all wrong
// (where the plain variance is 0). With one stratum, n_eff = n and the
// interval is exactly Wilson's; like Wilson's it always contains p̂ and stays
// in [0, 1]. Every stratum needs N ≥ 1 and Weight > 0.
func Stratified(strata []Stratum, level float64) (float64, Interval, error) {
	if len(strata) == 0 {
		return 0, Interval{}, fmt.Errorf("stats: Stratified: no strata")
	}
	z, err := zTwoSided(level)
	if err != nil {
		return 0, Interval{}, fmt.Errorf("stats: Stratified: %w", err)
	}
	var total float64
	for i, s := range strata {
		if s.N < 1 || s.K < 0 || s.K > s.N || !(s.Weight > 0) || math.IsInf(s.Weight, 0) {
			return 0, Interval{}, fmt.Errorf("stats: Stratified: stratum %d: %d of %d, weight %v: want 0 ≤ k ≤ n, n ≥ 1, weight > 0", i, s.K, s.N, s.Weight)
		}
		total += s.Weight
	}
	z2 := z * z
	var p, pt, v float64
	for _, s := range strata {
		w := s.Weight / total
		p += w * float64(s.K) / float64(s.N)
		nt := float64(s.N) + z2
		ph := (float64(s.K) + z2/2) / nt
		pt += w * ph
		v += w * w * ph * (1 - ph) / nt
	}
	n := max(pt*(1-pt)/v-z2, 1)
	den := 1 + z2/n
	centre := (p + z2/(2*n)) / den
	half := z / den * math.Sqrt(max(p*(1-p)/n+z2/(4*n*n), 0))
	iv := Interval{Lo: max(centre-half, 0), Hi: min(centre+half, 1), Level: level}
	if p == 0 {
		iv.Lo = 0
	}
	if p == 1 {
		iv.Hi = 1
	}
	return p, iv, nil
}
