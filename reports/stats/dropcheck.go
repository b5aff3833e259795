package stats

import (
	"fmt"
	"math"
)

// DropCheck is the decision rule of the CI accuracy gate
// `check --max-drop PP --alpha A`: run B (the candidate) may be worse than
// run A (the baseline) by at most MaxDrop, and the gate fails only when the
// data show, at one-sided level Alpha, that the true drop exceeds MaxDrop.
//
// With δ = acc(A) − acc(B) the true drop, it tests
//
//	H₀: δ ≤ MaxDrop   (within the allowance)   against   H₁: δ > MaxDrop,
//
// and fails when the observed drop exceeds MaxDrop and the one-sided p-value
// is below Alpha; equivalently, when the one-sided (1 − Alpha) lower
// confidence bound on δ lies above MaxDrop. Alpha is therefore (up to the
// large-sample approximations of the tests) the largest probability of
// failing a candidate whose true drop is within the allowance, whatever the
// set size.
//
// This is stricter about evidence than "observed drop > MaxDrop and the drop
// differs significantly from 0": under that reading a candidate whose true
// drop equals the allowance fails about half the time on a large set (its
// observed drop exceeds MaxDrop half the time, and is then almost always
// significantly above 0). With MaxDrop = 0 the two readings coincide.
//
// Both fields are proportions: MaxDrop = 0.01 allows one percentage point.
type DropCheck struct {
	MaxDrop float64 // allowed drop, 0 ≤ MaxDrop < 1
	Alpha   float64 // one-sided significance level, 0 < Alpha < 0.5
}

// DropVerdict is the outcome of a DropCheck.
type DropVerdict struct {
	Drop   float64 // observed drop acc(A) − acc(B); positive when B is worse
	DropLo float64 // one-sided (1 − Alpha) lower confidence bound on the true drop
	P      float64 // one-sided p-value of H₀: true drop ≤ MaxDrop
	Fail   bool    // Drop > MaxDrop and P < Alpha
}

func (d DropCheck) validate() error {
	if !(d.MaxDrop >= 0 && d.MaxDrop < 1) {
		return fmt.Errorf("max drop %v not in [0, 1) (it is a proportion: 0.01 = 1 point)", d.MaxDrop)
	}
	if !(d.Alpha > 0 && d.Alpha < 0.5) {
		return fmt.Errorf("alpha %v not in (0, 0.5)", d.Alpha)
	}
	return nil
}

// Items applies the check to two runs scored on the same n independent items
// (Sudoku, Maze; for ARC use Tasks), given the discordant counts
//
//	b = items A got right and B got wrong
//	c = items A got wrong and B got right,
//
// so that the observed drop is (b − c)/n. It uses Tango's score test for the
// difference of paired proportions (Tango 1998, Stat. Med. 17:891), for a
// margin Δ = MaxDrop:
//
//	Z = (b − c − nΔ) / √( n (2q̃ + Δ(1 − Δ)) )
//
// where q̃ is the maximum-likelihood estimate of P(A wrong, B right) under
// δ = Δ, the root of 2n q² + (−b − c + (2n − b + c)Δ) q − cΔ(1 − Δ) = 0 taken
// with the + sign. P = P(N(0,1) ≥ Z). At Δ = 0, Z is McNemar's
// (b − c)/√(b + c). DropLo inverts the test: the Δ at which Z = Φ⁻¹(1 − Alpha),
// found by bisection.
func (d DropCheck) Items(n, b, c int) (DropVerdict, error) {
	if err := d.validate(); err != nil {
		return DropVerdict{}, fmt.Errorf("stats: DropCheck.Items: %w", err)
	}
	if n < 1 || b < 0 || c < 0 || b+c > n {
		return DropVerdict{}, fmt.Errorf("stats: DropCheck.Items: counts n = %d, b = %d, c = %d: want n ≥ 1, b, c ≥ 0, b + c ≤ n", n, b, c)
	}
	drop := float64(b-c) / float64(n)
	v := DropVerdict{
		Drop: drop,
		P:    upperTail(tangoZ(n, b, c, d.MaxDrop)),
	}
	// Lower bound: sup{Δ : Z(Δ) ≥ z}. Z(drop) = 0 < z and Z → +∞ as Δ → −1.
	z := zOneSided(d.Alpha)
	lo, hi := -1.0, drop
	for range 100 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if tangoZ(n, b, c, mid) >= z {
			lo = mid
		} else {
			hi = mid
		}
	}
	v.DropLo = lo
	v.Fail = v.Drop > d.MaxDrop && v.P < d.Alpha
	return v, nil
}

// tangoZ returns Tango's score statistic for H₀: p₁₀ − p₀₁ = delta (see
// DropCheck.Items), −1 < delta < 1. When its variance is 0 (only possible
// with delta = 0 and b = c = 0) it returns 0: no discordant item, no evidence.
func tangoZ(n, b, c int, delta float64) float64 {
	nf, bf, cf := float64(n), float64(b), float64(c)
	qa := 2 * nf
	qb := -bf - cf + (2*nf-bf+cf)*delta
	qc := -cf * delta * (1 - delta)
	sd := math.Sqrt(max(qb*qb-4*qa*qc, 0))
	var q float64
	if qb <= 0 {
		q = (-qb + sd) / (2 * qa)
	} else {
		q = -2 * qc / (qb + sd) // same root, without cancellation
	}
	num := bf - cf - nf*delta
	v := nf * (2*q + delta*(1-delta))
	if v <= 0 {
		switch {
		case num > 0:
			return math.Inf(1)
		case num < 0:
			return math.Inf(-1)
		}
		return 0
	}
	return num / math.Sqrt(v)
}

// Tasks applies the check to the task-macro accuracies of two runs on the
// same ARC tasks (as for BootstrapPaired), with the paired cluster bootstrap:
// for resampled drops δ* = acc*(A) − acc*(B),
//
//	P      = (1 + #{δ* ≤ MaxDrop}) / (B + 1)
//	DropLo = q(Alpha) of the δ* (type-7 quantile, as in BootstrapTaskMacro).
//
// opt.Level is not used (the level is 1 − Alpha, one-sided). Identical runs
// give Drop 0 and P = 1.
func (d DropCheck) Tasks(a, b []TaskResult, opt BootstrapOptions) (DropVerdict, error) {
	if err := d.validate(); err != nil {
		return DropVerdict{}, fmt.Errorf("stats: DropCheck.Tasks: %w", err)
	}
	opt, err := opt.withDefaults()
	if err != nil {
		return DropVerdict{}, fmt.Errorf("stats: DropCheck.Tasks: %w", err)
	}
	diff, _, _, err := pairedDiffs(a, b) // sᴮ − sᴬ: the drop is its negative
	if err != nil {
		return DropVerdict{}, fmt.Errorf("stats: DropCheck.Tasks: %w", err)
	}
	boot := resampleMeans(diff, opt) // sorted δ*(B − A)
	v := DropVerdict{
		Drop:   0 - diff.mean(), // 0 − x, not −x: no −0 for identical runs
		DropLo: 0 - quantile(boot, 1-d.Alpha),
		// drop* ≤ MaxDrop  ⇔  (B − A)* ≥ −MaxDrop
		P: float64(1+countGE(boot, -d.MaxDrop)) / float64(opt.Resamples+1),
	}
	v.Fail = v.Drop > d.MaxDrop && v.P < d.Alpha
	return v, nil
}
