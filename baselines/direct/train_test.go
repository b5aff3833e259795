package direct

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"arceval/baselines/hrm"
	"arceval/internal/parity"
	"arceval/models"
	"arceval/models/act"
	"arceval/models/checkpoint"
	"arceval/models/nn"
)

// trainConfig is a tiny transformer baseline (or, "mlp", MLP baseline) for
// tests of the training step.
func trainConfig(variant string) Config {
	c := DefaultConfig()
	c.SeqLen, c.VocabSize, c.HiddenSize, c.NumHeads, c.Expansion = 5, 6, 8, 2, 2
	c.HCycles, c.HLayers, c.HaltMaxSteps, c.PosEncodings = 1, 2, 4, "rope"
	c.PuzzleEmbNdim, c.NumPuzzleIdentifiers, c.HaltExplorationProb = 8, 5, 0.1
	c.ForwardDtype = "float32"
	switch variant {
	case "learned":
		c.PosEncodings = "learned"
	case "mlp":
		c = MLP(c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers)
		c.HiddenSize, c.Expansion, c.PuzzleEmbNdim = 8, 2, 8
	case "mlp_two_slot_prefix":
		c = MLP(c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers)
		c.HiddenSize, c.Expansion, c.PuzzleEmbNdim = 8, 2, 12
	case "act_inference":
		c.ActInference = true
	case "mlp_deep_supervision": // mlp_t blocks with the ACT loop kept
		c.MLPT, c.PosEncodings = true, "none"
	case "no_puzzle":
		c.PuzzleEmbNdim, c.NumPuzzleIdentifiers = 0, 0
	case "two_slot_prefix":
		c.PuzzleEmbNdim = 12
	case "no_act":
		c.ActEnabled = false
	case "direct_pred":
		c = c.DirectPred()
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
// differences of their loss, for the MLP baseline and the configurations
// the fixture does not cover (learned positions, mlp_t with deep
// supervision, no puzzle embedding, a two-slot prefix, softmax loss, ACT
// off, one supervision step). The whole step carries gradient (only the
// carry is a constant), so the check is of the loss's whole derivative.
func TestTrainStepGradients(t *testing.T) {
	cases := []struct {
		variant string
		loss    nn.LossKind
	}{
		{"rope", nn.StablemaxCE}, {"mlp", nn.StablemaxCE}, {"mlp", nn.SoftmaxCE}, {"mlp_deep_supervision", nn.StablemaxCE},
		{"learned", nn.SoftmaxCE}, {"no_puzzle", nn.StablemaxCE}, {"two_slot_prefix", nn.StablemaxCE},
		{"no_act", nn.StablemaxCE}, {"direct_pred", nn.SoftmaxCE},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%s_%s", tc.variant, tc.loss), func(t *testing.T) {
			c := trainConfig(tc.variant)
			m := trainModel(t, c, uint64(40+i))
			const B = 3
			parity.CheckGradients(t, m, trainBatch(c, B, uint64(i)), models.TrainOptions{Loss: tc.loss, LossScale: 1.0 / B}, uint64(i))
		})
	}
}

// Without act_enabled rows run halt_max_steps steps whatever Q says, and
// exploration does not apply.
func TestNoACTHalting(t *testing.T) {
	c := trainConfig("no_act")
	m := trainModel(t, c, 3)
	for _, p := range m.Params() {
		if p.Name == "q_head.bias" {
			p.W[0], p.W[1] = 50, -50
		}
	}
	m.Repack()
	if m.ExplorationProb() != 0 {
		t.Errorf("exploration %g without ACT", m.ExplorationProb())
	}
	const B = 3
	b := trainBatch(c, B, 1)
	s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
	opt := models.TrainOptions{ExplorationProb: 1, Rand: rand.New(rand.NewPCG(1, 1))}
	for k := 1; k <= c.HaltMaxSteps; k++ {
		if err := m.TrainStep(s, b, opt, out, ar); err != nil {
			t.Fatal(err)
		}
		for r := 0; r < B; r++ {
			if s.Steps[r] != k || s.Halted[r] != (k == c.HaltMaxSteps) {
				t.Fatalf("step %d row %d: %d steps, halted %v", k, r, s.Steps[r], s.Halted[r])
			}
		}
	}
	if out.QContinueLoss != 0 || slices.ContainsFunc(out.TargetQContinue, func(v float32) bool { return v != 0 }) {
		t.Error("a Q-learning target without HRM's rule")
	}
}

// A trained MLP baseline is saved as an "mlp_baseline" native file, which
// the direct families open without a config (and HRM refuses); its shapes
// tell Infer that it has token-mixing blocks and its sequence length.
func TestMLPBaselineFile(t *testing.T) {
	c := trainConfig("mlp")
	m := trainModel(t, c, 2)
	if k := m.Info().Kind; k != MLPKind {
		t.Errorf("kind %q", k)
	}
	path := t.TempDir() + "/mlp.safetensors"
	if err := m.Save(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	f, err := checkpoint.OpenNative(path)
	if err != nil {
		t.Fatal(err)
	}
	kind := f.Kind
	f.Close()
	if kind != MLPKind {
		t.Errorf("native kind %q, want %q", kind, MLPKind)
	}
	for _, f := range []models.Family{Family, MLPFamily} {
		loaded, src, err := act.LoadFile(f, path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		if got := loaded.(*Model).Cfg; got != c || loaded.Info().Kind != MLPKind {
			t.Errorf("%s: loaded %+v (%s), saved %+v", f.Kind(), got, loaded.Info().Kind, c)
		}
	}
	if _, _, err := act.LoadFile(hrm.Family, path, nil); err == nil || !strings.Contains(err.Error(), "a mlp_baseline model, not hrm") {
		t.Errorf("act.LoadFile(hrm.Family): err = %v", err)
	}
	partial := DefaultConfig()
	partial.NumHeads, partial.Expansion, partial.HaltMaxSteps, partial.PosEncodings = c.NumHeads, c.Expansion, c.HaltMaxSteps, "none"
	partial.Infer(InitTensors(c, 1))
	if partial.Kind() != MLPKind || partial.SeqLen != c.SeqLen || partial.HLayers != c.HLayers || partial.HiddenSize != c.HiddenSize {
		t.Errorf("inferred %+v from an MLP baseline's tensors", partial)
	}
}
