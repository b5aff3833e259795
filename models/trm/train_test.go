package trm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"arceval/internal/parity"
	"arceval/internal/testenv"
	"arceval/models/nn"
)

// tinyConfig is a small TRM for tests of the training step.
func tinyConfig(variant string) Config {
	c := DefaultConfig()
	c.SeqLen, c.VocabSize, c.HiddenSize, c.NumHeads, c.Expansion = 6, 5, 8, 2, 2
	c.HCycles, c.LCycles, c.LLayers, c.HaltMaxSteps, c.PosEncodings = 2, 2, 2, 4, "rope"
	c.PuzzleEmbNdim, c.PuzzleEmbLen, c.NumPuzzleIdentifiers = 8, 2, 5
	c.ForwardDtype = "float32"
	switch variant {
	case "mlp_t":
		c.MLPT, c.PosEncodings = true, "none"
	case "learned":
		c.PosEncodings = "learned"
	case "act_continue":
		c.NoACTContinue = false
	case "no_puzzle":
		c.PuzzleEmbNdim, c.NumPuzzleIdentifiers, c.PuzzleEmbLen = 0, 0, 0
	}
	return c
}

// tinyModel is a trainable model with random weights (parity.RandomTrainable).
func tinyModel(t *testing.T, c Config, seed uint64) *Model {
	t.Helper()
	return parity.RandomTrainable(t, InitTensors(c, seed), seed, func(src TensorMap) (*Model, error) { return LoadTrainable(c, src) })
}

// tinyBatch is a random batch with some ignored labels.
func tinyBatch(c Config, B int, seed uint64) TrainBatch {
	return parity.RandomTrainBatch(c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers, B, seed)
}

// TestTrainStepGradients checks the training step's gradients against
// central differences of its own loss, for the variants the fixtures do not
// cover (learned positions, q_continue bootstrapping, softmax loss, no
// puzzle embedding) and the ones they do. The gradient is deliberately
// truncated (the first H_cycles−1 cycles and the carry are constants), so
// the check runs with H_cycles = 1, where it is the loss's full derivative.
// float32 differences through the recursion are noisy, so the check is
// coarse (1 % of the largest gradient): it catches a missing term or a
// wrong factor, the fixtures check the digits. With no_ACT_continue false
// the q_continue target is held constant, as officially (no_grad).
func TestTrainStepGradients(t *testing.T) {
	cases := []struct {
		variant string
		loss    nn.LossKind
	}{
		{"rope", nn.StablemaxCE}, {"mlp_t", nn.StablemaxCE}, {"learned", nn.SoftmaxCE},
		{"act_continue", nn.StablemaxCE}, {"no_puzzle", nn.SoftmaxCE},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%s_%s", tc.variant, tc.loss), func(t *testing.T) {
			c := tinyConfig(tc.variant)
			c.HCycles = 1
			m := tinyModel(t, c, uint64(10+i))
			const B = 3
			b := tinyBatch(c, B, uint64(i))
			opt := TrainOptions{Loss: tc.loss, LossScale: 1.0 / B}
			s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
			if err := m.TrainStep(s, b, opt, out, ar); err != nil { // a first step: a carry that is not the initial one
				t.Fatal(err)
			}
			s0 := parity.CloneTrainState(s)
			m.ZeroGrad()
			if err := m.TrainStep(s, b, opt, out, ar); err != nil {
				t.Fatal(err)
			}
			var params []nn.Param
			for _, p := range m.Params() {
				params = append(params, nn.Param{Name: p.Name, W: p.W, G: slices.Clone(p.G)})
			}
			if p := m.PuzzleEmb(); p != nil {
				g := make([]float32, len(p.W)) // table rows: sum of the batch rows' gradients
				for r, id := range p.IDs {
					nn.AddInto(g[int(id)*c.PuzzleEmbNdim:(int(id)+1)*c.PuzzleEmbNdim], p.G[r*c.PuzzleEmbNdim:(r+1)*c.PuzzleEmbNdim])
				}
				params = append(params, nn.Param{Name: p.Name, W: p.W, G: g})
			}
			scratch := m.NewTrainOutput(B)
			target := slices.Clone(out.TargetQContinue)
			loss := func() float64 {
				m.Repack()
				if err := m.TrainStep(parity.CloneTrainState(s0), b, opt, scratch, ar); err != nil {
					t.Fatal(err)
				}
				if c.NoACTContinue {
					return scratch.TotalLoss * opt.LossScale
				}
				// The q_continue target is a constant for the gradient (no_grad
				// officially): hold it at its value.
				qc := 0.0
				for r := 0; r < B; r++ {
					l, _ := nn.BCEWithLogits(float64(scratch.QContinue[r]), float64(target[r]))
					qc += l
				}
				return (scratch.LMLoss + 0.5*(scratch.QHaltLoss+qc)) * opt.LossScale
			}
			r := rand.New(rand.NewPCG(uint64(i), 3))
			for _, p := range params {
				gmax := 0.0
				for _, g := range p.G {
					gmax = math.Max(gmax, math.Abs(float64(g)))
				}
				if gmax == 0 {
					if p.Name != "q_head.weight" && p.Name != "q_head.bias" || tc.variant == "act_continue" {
						t.Errorf("%s: zero gradient", p.Name)
					}
					continue
				}
				worst := 0.0
				for k := 0; k < 6; k++ {
					j := r.IntN(len(p.W))
					if math.Abs(float64(p.G[j])) < 0.2*gmax {
						j = argmaxAbs(p.G) // sample large entries: the others are noise
					}
					x := p.W[j]
					h := 1e-2 * math.Max(math.Abs(float64(x)), 0.1)
					p.W[j] = float32(float64(x) + h)
					lp := loss()
					p.W[j] = float32(float64(x) - h)
					lm := loss()
					num := (lp - lm) / (float64(float32(float64(x)+h)) - float64(float32(float64(x)-h)))
					p.W[j] = x
					err := math.Abs(num-float64(p.G[j])) / gmax
					worst = math.Max(worst, err)
					if err > 0.01 {
						t.Errorf("%s[%d]: analytic %.5g, numeric %.5g (largest gradient %.3g)", p.Name, j, p.G[j], num, gmax)
					}
				}
				t.Logf("%-45s max |analytic − numeric| / max|grad| = %.2g", p.Name, worst)
			}
			m.Repack()
		})
	}
}

func argmaxAbs(g []float32) int {
	best := 0
	for i, v := range g {
		if math.Abs(float64(v)) > math.Abs(float64(g[best])) {
			best = i
		}
	}
	return best
}

// The training forward pass gives the bits of the evaluation step (as long
// as no row halts early).
func TestTrainStepMatchesStep(t *testing.T) {
	for _, variant := range []string{"rope", "mlp_t", "learned"} {
		t.Run(variant, func(t *testing.T) {
			c := tinyConfig(variant)
			m := tinyModel(t, c, 5)
			for _, p := range m.Params() {
				if p.Name == "q_head.bias" {
					p.W[0] = -50 // no early halting
				}
			}
			const B = 3
			b := tinyBatch(c, B, 7)
			s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
			es, eout := m.NewState(B), m.NewStepOutput(B)
			for step := 1; step <= c.HaltMaxSteps+1; step++ {
				if err := m.TrainStep(s, b, TrainOptions{}, out, ar); err != nil {
					t.Fatal(err)
				}
				if err := m.Step(es, Batch{Inputs: b.Inputs, PuzzleIDs: b.PuzzleIDs}, eout, StepOptions{}, &nn.Arena{}); err != nil {
					t.Fatal(err)
				}
				if i := firstDiff(out.Logits, eout.Logits); i >= 0 {
					t.Fatalf("step %d: logits[%d] = %v, evaluation %v", step, i, out.Logits[i], eout.Logits[i])
				}
				if i := firstDiff(out.QHalt, eout.QHalt); i >= 0 {
					t.Fatalf("step %d: q_halt[%d] = %v, evaluation %v", step, i, out.QHalt[i], eout.QHalt[i])
				}
				if !slices.Equal(s.Halted, es.Halted) || !slices.Equal(s.Steps, es.Steps) {
					t.Fatalf("step %d: halted %v steps %v, evaluation %v %v", step, s.Halted, s.Steps, es.Halted, es.Steps)
				}
			}
		})
	}
}

func firstDiff(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// TestTrainHalting: the official training rule (halt at halt_max_steps or
// when q_halt > 0, not before the exploration minimum), and halted rows
// loading new data at the next step.
func TestTrainHalting(t *testing.T) {
	c := tinyConfig("rope")
	m := tinyModel(t, c, 3)
	var bias []float32
	for _, p := range m.Params() {
		if p.Name == "q_head.weight" {
			clear(p.W)
		}
		if p.Name == "q_head.bias" {
			bias = p.W
		}
	}
	m.Repack()
	const B = 4
	b := tinyBatch(c, B, 1)
	ar, out := &nn.Arena{}, m.NewTrainOutput(B)
	step := func(s *TrainState, b TrainBatch, opt TrainOptions) {
		t.Helper()
		if err := m.TrainStep(s, b, opt, out, ar); err != nil {
			t.Fatal(err)
		}
	}

	bias[0] = -5 // q_halt < 0: run to halt_max_steps
	s := m.NewTrainState(B)
	for k := 1; k <= c.HaltMaxSteps; k++ {
		step(s, b, TrainOptions{})
		if want := k == c.HaltMaxSteps; s.Halted[0] != want || s.Steps[0] != k {
			t.Fatalf("q_halt < 0, step %d: halted %v after %d steps", k, s.Halted[0], s.Steps[0])
		}
	}
	b2 := tinyBatch(c, B, 2)
	step(s, b2, TrainOptions{})
	if s.Steps[0] != 1 || !slices.Equal(s.Inputs, b2.Inputs) || !slices.Equal(s.Labels, b2.Labels) {
		t.Errorf("a halted row did not load the next batch")
	}

	bias[0] = 5 // q_halt > 0: halt at once …
	s = m.NewTrainState(B)
	step(s, b, TrainOptions{})
	if !s.Halted[0] || !s.Halted[3] {
		t.Errorf("q_halt > 0: halted %v", s.Halted)
	}
	// … unless exploration sets a minimum (probability 1: at least 2 steps).
	s = m.NewTrainState(B)
	rng := rand.New(rand.NewPCG(1, 1))
	step(s, b, TrainOptions{ExplorationProb: 1, Rand: rng})
	if slices.Contains(s.Halted, true) {
		t.Errorf("exploration: halted after one step: %v", s.Halted)
	}
	for k := 0; k < 5*c.HaltMaxSteps; k++ {
		step(s, b, TrainOptions{ExplorationProb: 1, Rand: rng})
		for r := 0; r < B; r++ {
			if s.Halted[r] && s.Steps[r] < 2 || !s.Halted[r] && s.Steps[r] >= c.HaltMaxSteps {
				t.Fatalf("exploration: row %d halted=%v after %d steps", r, s.Halted[r], s.Steps[r])
			}
		}
	}
}

// Gradients add up over steps until ZeroGrad; the puzzle rows are appended.
func TestTrainGradAccumulation(t *testing.T) {
	c := tinyConfig("rope")
	m := tinyModel(t, c, 4)
	const B = 2
	b := tinyBatch(c, B, 3)
	s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
	s0 := parity.CloneTrainState(s)
	if err := m.TrainStep(s, b, TrainOptions{}, out, ar); err != nil {
		t.Fatal(err)
	}
	one := slices.Clone(m.Params()[0].G)
	if err := m.TrainStep(s0, b, TrainOptions{}, out, ar); err != nil {
		t.Fatal(err)
	}
	for i, g := range m.Params()[0].G {
		if math.Abs(float64(g-2*one[i])) > 1e-6*math.Max(1, math.Abs(float64(g))) {
			t.Fatalf("%s[%d] = %v after two equal steps, want %v", m.Params()[0].Name, i, g, 2*one[i])
		}
	}
	if p := m.PuzzleEmb(); len(p.IDs) != 2*B || len(p.G) != 2*B*c.PuzzleEmbNdim {
		t.Errorf("puzzle rows: %d ids, %d values after two steps", len(p.IDs), len(p.G))
	}
	m.ZeroGrad()
	if p := m.PuzzleEmb(); len(p.IDs) != 0 || slices.ContainsFunc(m.Params()[0].G, func(v float32) bool { return v != 0 }) {
		t.Error("ZeroGrad left gradients")
	}
}

// After the first step a training step allocates nothing.
func TestTrainStepAllocations(t *testing.T) {
	if testenv.RaceEnabled {
		t.Skip("allocation counts mean nothing under -race")
	}
	c := tinyConfig("rope")
	m := tinyModel(t, c, 6)
	const B = 3
	b := tinyBatch(c, B, 6)
	s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
	m.TrainStep(s, b, TrainOptions{}, out, ar)
	allocs := testing.AllocsPerRun(5, func() {
		m.ZeroGrad()
		if err := m.TrainStep(s, b, TrainOptions{}, out, ar); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("%.0f allocations per training step", allocs)
	}
}

func TestTrainStepErrors(t *testing.T) {
	c := tinyConfig("rope")
	m := tinyModel(t, c, 8)
	b := tinyBatch(c, 2, 8)
	out, ar := m.NewTrainOutput(2), &nn.Arena{}
	bad := func(name string, f func(b *TrainBatch), opt TrainOptions, want string) {
		t.Helper()
		bb := TrainBatch{Inputs: slices.Clone(b.Inputs), Labels: slices.Clone(b.Labels), PuzzleIDs: slices.Clone(b.PuzzleIDs)}
		f(&bb)
		s := m.NewTrainState(2)
		err := m.TrainStep(s, bb, opt, out, ar)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", name, err, want)
		}
		if s.Steps[0] != 0 || !s.Halted[0] {
			t.Errorf("%s: the state changed", name)
		}
	}
	bad("label", func(b *TrainBatch) { b.Labels[3] = 9 }, TrainOptions{}, "label 9")
	bad("token", func(b *TrainBatch) { b.Inputs[7] = -1 }, TrainOptions{}, "token -1")
	bad("puzzle id", func(b *TrainBatch) { b.PuzzleIDs[1] = 5 }, TrainOptions{}, "puzzle identifier 5")
	bad("short batch", func(b *TrainBatch) { b.Labels = b.Labels[1:] }, TrainOptions{}, "labels")
	bad("exploration", func(*TrainBatch) {}, TrainOptions{ExplorationProb: 0.5}, "Rand")

	inf, err := Load(c, InitTensors(c, 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := inf.TrainStep(inf.NewTrainState(2), b, TrainOptions{}, out, ar); err == nil || !strings.Contains(err.Error(), "LoadTrainable") {
		t.Errorf("inference model: err = %v", err)
	}
	if inf.Params() != nil || inf.PuzzleEmb() != nil {
		t.Error("an inference model has parameters")
	}
}

// Params lists every official parameter once, with matching shapes and
// gradient buffers, and nothing that is a buffer.
func TestParams(t *testing.T) {
	for _, variant := range []string{"rope", "mlp_t", "learned"} {
		c := tinyConfig(variant)
		m := tinyModel(t, c, 1)
		want := map[string][]int{}
		for _, s := range expectedWeights(c) {
			if !buffers[s.name] {
				want[s.name] = s.shape
			}
		}
		for _, p := range m.Params() {
			shape, ok := want[p.Name]
			n := 1
			for _, d := range p.Shape {
				n *= d
			}
			if !ok || !slices.Equal(shape, p.Shape) || len(p.W) != n || len(p.G) != n {
				t.Errorf("%s: param %s %v with %d/%d values", variant, p.Name, p.Shape, len(p.W), len(p.G))
			}
			delete(want, p.Name)
		}
		if len(want) > 0 {
			t.Errorf("%s: missing params %v", variant, want)
		}
	}
}
