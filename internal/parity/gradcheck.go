package parity

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"arceval/models"
	"arceval/models/nn"
)

// CheckGradients compares the gradients of one whole training step of m
// with central differences of that step's loss (LossScale·total), for
// every parameter and the puzzle table. The step runs from the carry of a
// first step on b (not the initial one). The gradient is the official one,
// which treats the carry, any gradient-free part of the step and the
// Q-learning target as constants; the loss is differentiated with the same
// constants (the target is held at its value), so the check is exact only
// for configurations whose steps have no gradient-free part (HRM with
// H_cycles = L_cycles = 1, the direct baselines). float32 differences
// through the blocks are noisy, so the check is coarse — each sampled
// entry within 1 % of the tensor's largest gradient — it catches a missing
// term or a wrong factor; the fixtures check the digits.
func CheckGradients(t *testing.T, m models.Trainable, b models.TrainBatch, opt models.TrainOptions, seed uint64) {
	t.Helper()
	B := len(b.PuzzleIDs)
	s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
	if err := m.TrainStep(s, b, opt, out, ar); err != nil {
		t.Fatal(err)
	}
	s0 := s.Clone()
	m.ZeroGrad()
	if err := m.TrainStep(s, b, opt, out, ar); err != nil {
		t.Fatal(err)
	}
	scale := opt.LossScale
	if scale == 0 {
		scale = 1
	}
	withTarget := out.QContinueLoss != 0
	target := slices.Clone(out.TargetQContinue)
	type param struct {
		name string
		w, g []float32
	}
	var params []param
	for _, p := range m.Params() {
		params = append(params, param{p.Name, p.W, slices.Clone(p.G)})
	}
	if p := m.PuzzleEmb(); p != nil {
		nd := p.Shape[1]
		g := make([]float32, len(p.W)) // table rows: the sum of their batch rows' gradients
		for r, id := range p.IDs {
			nn.AddInto(g[int(id)*nd:(int(id)+1)*nd], p.G[r*nd:(r+1)*nd])
		}
		params = append(params, param{p.Name, p.W, g})
	}
	scratch := m.NewTrainOutput(B)
	loss := func() float64 {
		m.Repack()
		if err := m.TrainStep(s0.Clone(), b, opt, scratch, ar); err != nil {
			t.Fatal(err)
		}
		qc := 0.0
		if withTarget {
			for r := 0; r < B; r++ {
				l, _ := nn.BCEWithLogits(float64(scratch.QContinue[r]), float64(target[r]))
				qc += l
			}
		}
		return (scratch.LMLoss + 0.5*(scratch.QHaltLoss+qc)) * scale
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	for _, p := range params {
		gmax := 0.0
		var large []int
		for _, g := range p.g {
			gmax = math.Max(gmax, math.Abs(float64(g)))
		}
		if gmax == 0 {
			t.Errorf("%s: zero gradient", p.name)
			continue
		}
		for j, g := range p.g {
			if math.Abs(float64(g)) >= 0.2*gmax {
				large = append(large, j)
			}
		}
		// Mostly large entries (the others are noise against the
		// tolerance), and two anywhere: a missing path shows there.
		picks := []int{rng.IntN(len(p.w)), rng.IntN(len(p.w))}
		for k := 0; k < 4; k++ {
			picks = append(picks, large[rng.IntN(len(large))])
		}
		worst := 0.0
		for _, j := range picks {
			x := p.w[j]
			h := 1e-2 * math.Max(math.Abs(float64(x)), 0.1)
			xp, xm := float32(float64(x)+h), float32(float64(x)-h)
			p.w[j] = xp
			lp := loss()
			p.w[j] = xm
			lm := loss()
			p.w[j] = x
			num := (lp - lm) / (float64(xp) - float64(xm))
			e := math.Abs(num-float64(p.g[j])) / gmax
			worst = math.Max(worst, e)
			if e > 0.01 {
				t.Errorf("%s[%d]: analytic %.5g, numeric %.5g (largest gradient %.3g)", p.name, j, p.g[j], num, gmax)
			}
		}
		t.Logf("%-45s max |analytic − numeric| / max|grad| = %.2g", p.name, worst)
	}
	m.Repack()
}
