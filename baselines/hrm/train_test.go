package hrm

import (
	"fmt"
	"slices"
	"testing"

	"arceval/internal/parity"
	"arceval/models"
	"arceval/models/act"
	"arceval/models/nn"
)

// trainConfig is a tiny HRM for tests of the training step.
func trainConfig(variant string) Config {
	c := DefaultConfig()
	c.SeqLen, c.VocabSize, c.HiddenSize, c.NumHeads, c.Expansion = 5, 6, 8, 2, 2
	c.HCycles, c.LCycles, c.HLayers, c.LLayers, c.HaltMaxSteps, c.PosEncodings = 2, 2, 2, 1, 4, "rope"
	c.PuzzleEmbNdim, c.NumPuzzleIdentifiers, c.HaltExplorationProb = 8, 5, 0.1
	c.ForwardDtype = "float32"
	switch variant {
	case "learned":
		c.PosEncodings = "learned"
	case "mlp_t":
		c.MLPT, c.PosEncodings = true, "none"
	case "no_puzzle":
		c.PuzzleEmbNdim, c.NumPuzzleIdentifiers = 0, 0
	case "two_slot_prefix":
		c.PuzzleEmbNdim = 12 // P = 2, the second slot half padding
	case "one_step":
		c.HaltMaxSteps = 1 // no halting on Q, no Q-learning target
	}
	return c
}

// trainModel is a trainable model with random weights (parity.RandomWeights).
func trainModel(t *testing.T, c Config, seed uint64) *Model {
	return parity.Must[*Model](t)(LoadTrainable(c, parity.RandomWeights(&c, seed)))
}

// trainBatch is a random batch with some ignored labels.
func trainBatch(c Config, B int, seed uint64) models.TrainBatch {
	return parity.RandomTrainBatch(c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers, B, seed)
}

// TestTrainStepGradients checks whole training steps against central
// differences of their loss, for the configurations the fixtures do not
// cover (learned positions, mlp_t blocks, no puzzle embedding, a two-slot
// prefix, softmax loss, one supervision step). The 1-step gradient is
// deliberately truncated (every L and H call but the last is a constant),
// so the check runs with H_cycles = L_cycles = 1, where it is the loss's
// whole derivative (the carry and the Q-learning target are constants, as
// officially).
func TestTrainStepGradients(t *testing.T) {
	cases := []struct {
		variant string
		loss    nn.LossKind
	}{
		{"rope", nn.StablemaxCE}, {"learned", nn.SoftmaxCE}, {"mlp_t", nn.StablemaxCE},
		{"no_puzzle", nn.SoftmaxCE}, {"two_slot_prefix", nn.StablemaxCE}, {"one_step", nn.StablemaxCE},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%s_%s", tc.variant, tc.loss), func(t *testing.T) {
			c := trainConfig(tc.variant)
			c.HCycles, c.LCycles = 1, 1
			m := trainModel(t, c, uint64(20+i))
			const B = 3
			parity.CheckGradients(t, m, trainBatch(c, B, uint64(i)), models.TrainOptions{Loss: tc.loss, LossScale: 1.0 / B}, uint64(i))
		})
	}
}

// The 1-step gradient ignores everything before the last L and H calls:
// with H_cycles = L_cycles = 2 the outputs and gradients are those of a
// model with H_cycles = L_cycles = 1 started from the carry that the
// gradient-free calls (L, L, H, L) make. (One supervision step, so that
// there is no Q-learning target, whose extra step differs between them.)
func TestOneStepGradient(t *testing.T) {
	c := trainConfig("one_step")
	m := trainModel(t, c, 31)
	c1 := c
	c1.HCycles, c1.LCycles = 1, 1
	tensors, err := m.Tensors()
	if err != nil {
		t.Fatal(err)
	}
	m1, err := LoadTrainable(c1, tensors)
	if err != nil {
		t.Fatal(err)
	}
	const B = 3
	b := trainBatch(c, B, 5)
	opt := models.TrainOptions{LossScale: 1.0 / B}
	ar := &nn.Arena{}

	// m1's carry: the rows loaded, at H_init/L_init, then L, L, H, L.
	s1 := m1.NewTrainState(B)
	copy(s1.Inputs, b.Inputs)
	copy(s1.Labels, b.Labels)
	copy(s1.PuzzleIDs, b.PuzzleIDs)
	TD := m.IO().T * m.IO().Hidden
	for r := 0; r < B; r++ {
		s1.Halted[r] = false
		for p := 0; p < m.IO().T; p++ {
			copy(s1.ZH[r*TD+p*m.IO().Hidden:], tensors["H_init"].Data)
			copy(s1.ZL[r*TD+p*m.IO().Hidden:], tensors["L_init"].Data)
		}
	}
	x := make([]float32, B*TD)
	puzzle := make([]float32, B*c.PuzzleEmbNdim)
	for r := 0; r < B; r++ {
		m.IO().PuzzleRow(puzzle[r*c.PuzzleEmbNdim:(r+1)*c.PuzzleEmbNdim], b.PuzzleIDs[r])
	}
	m.IO().Embed(x, b.Inputs, puzzle, []int{0, 1, 2})
	n := m.Net().(*net)
	inj := make([]float32, len(x))
	nn.Add(inj, s1.ZH, x)
	act.Level(n.lLevel, s1.ZL, inj, B, n.T, ar)
	act.Level(n.lLevel, s1.ZL, inj, B, n.T, ar)
	act.Level(n.hLevel, s1.ZH, s1.ZL, B, n.T, ar)
	nn.Add(inj, s1.ZH, x)
	act.Level(n.lLevel, s1.ZL, inj, B, n.T, ar)

	s, out, out1 := m.NewTrainState(B), m.NewTrainOutput(B), m1.NewTrainOutput(B)
	if err := m.TrainStep(s, b, opt, out, ar); err != nil {
		t.Fatal(err)
	}
	if err := m1.TrainStep(s1, b, opt, out1, &nn.Arena{}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.Logits, out1.Logits) || out.TotalLoss != out1.TotalLoss {
		t.Fatalf("the last two calls from the gradient-free carry give other outputs: loss %v vs %v", out.TotalLoss, out1.TotalLoss)
	}
	if !slices.Equal(s.ZH, s1.ZH) || !slices.Equal(s.ZL, s1.ZL) {
		t.Error("the new carries differ")
	}
	for k, p := range m.Params() {
		if !slices.Equal(p.G, m1.Params()[k].G) {
			t.Errorf("%s: the gradient differs", p.Name)
		}
	}
	if !slices.Equal(m.PuzzleEmb().G, m1.PuzzleEmb().G) {
		t.Error("puzzle-embedding gradient differs")
	}
}
