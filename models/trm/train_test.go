package trm

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"arceval/internal/parity"
	"arceval/models"
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

// tinyModel is a trainable model with random weights (parity.RandomWeights).
func tinyModel(t *testing.T, c Config, seed uint64) *Model {
	return parity.Must[*Model](t)(LoadTrainable(c, parity.RandomWeights(&c, seed)))
}

// tinyBatch is a random batch with some ignored labels.
func tinyBatch(c Config, B int, seed uint64) models.TrainBatch {
	return parity.RandomTrainBatch(c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers, B, seed)
}

// TestTrainStepGradients checks the training step's gradients against
// central differences of its own loss (parity.CheckGradients), for the
// variants the fixtures do not cover (learned positions, q_continue
// bootstrapping, softmax loss, no puzzle embedding) and the ones they do.
// The gradient is deliberately truncated (the first H_cycles−1 cycles and
// the carry are constants), so the check runs with H_cycles = 1, where it
// is the loss's full derivative; with no_ACT_continue false the q_continue
// target is held constant, as officially (no_grad).
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
			parity.CheckGradients(t, m, tinyBatch(c, B, uint64(i)), models.TrainOptions{Loss: tc.loss, LossScale: 1.0 / B}, uint64(i))
		})
	}
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
	step := func(s *models.TrainState, b models.TrainBatch, opt models.TrainOptions) {
		t.Helper()
		if err := m.TrainStep(s, b, opt, out, ar); err != nil {
			t.Fatal(err)
		}
	}

	bias[0] = -5 // q_halt < 0: run to halt_max_steps
	s := m.NewTrainState(B)
	for k := 1; k <= c.HaltMaxSteps; k++ {
		step(s, b, models.TrainOptions{})
		if want := k == c.HaltMaxSteps; s.Halted[0] != want || s.Steps[0] != k {
			t.Fatalf("q_halt < 0, step %d: halted %v after %d steps", k, s.Halted[0], s.Steps[0])
		}
	}
	b2 := tinyBatch(c, B, 2)
	step(s, b2, models.TrainOptions{})
	if s.Steps[0] != 1 || !slices.Equal(s.Inputs, b2.Inputs) || !slices.Equal(s.Labels, b2.Labels) {
		t.Errorf("a halted row did not load the next batch")
	}

	bias[0] = 5 // q_halt > 0: halt at once …
	s = m.NewTrainState(B)
	step(s, b, models.TrainOptions{})
	if !s.Halted[0] || !s.Halted[3] {
		t.Errorf("q_halt > 0: halted %v", s.Halted)
	}
	// … unless exploration sets a minimum (probability 1: at least 2 steps).
	s = m.NewTrainState(B)
	rng := rand.New(rand.NewPCG(1, 1))
	step(s, b, models.TrainOptions{ExplorationProb: 1, Rand: rng})
	if slices.Contains(s.Halted, true) {
		t.Errorf("exploration: halted after one step: %v", s.Halted)
	}
	for k := 0; k < 5*c.HaltMaxSteps; k++ {
		step(s, b, models.TrainOptions{ExplorationProb: 1, Rand: rng})
		for r := 0; r < B; r++ {
			if s.Halted[r] && s.Steps[r] < 2 || !s.Halted[r] && s.Steps[r] >= c.HaltMaxSteps {
				t.Fatalf("exploration: row %d halted=%v after %d steps", r, s.Halted[r], s.Steps[r])
			}
		}
	}
}
