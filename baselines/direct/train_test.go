package direct

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"arceval/baselines/hrm"
	"arceval/internal/parity"
	"arceval/models/checkpoint"
	"arceval/models/nn"
	"arceval/models/tensors"
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

// trainModel is a trainable model with random weights (parity.RandomTrainable).
func trainModel(t *testing.T, c Config, seed uint64) *Model {
	t.Helper()
	return parity.RandomTrainable(t, InitTensors(c, seed), seed, func(src tensors.Map) (*Model, error) { return LoadTrainable(c, src) })
}

// trainBatch is a random batch with some ignored labels.
func trainBatch(c Config, B int, seed uint64) TrainBatch {
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
			parity.CheckGradients(t, m, trainBatch(c, B, uint64(i)), TrainOptions{Loss: tc.loss, LossScale: 1.0 / B}, uint64(i))
		})
	}
}

// TestTrainable runs the shared conformance suite of trainable models.
func TestTrainable(t *testing.T) {
	for _, variant := range []string{"rope", "mlp", "mlp_deep_supervision", "learned", "no_act"} {
		t.Run(variant, func(t *testing.T) {
			c := trainConfig(variant)
			m := trainModel(t, c, 7)
			parity.TrainableSuite(t, parity.Trainable{Model: m, Batch: trainBatch(c, 3, 9), HaltsOnQ: c.ActEnabled,
				Load: parity.FileLoader(t, func(path string) (*Model, *tensors.File, error) { return LoadFile(path, nil) })})
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
	opt := TrainOptions{ExplorationProb: 1, Rand: rand.New(rand.NewPCG(1, 1))}
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

// Params lists every official parameter once, in the order of Specs, and
// none of the buffers.
func TestParams(t *testing.T) {
	for _, variant := range []string{"rope", "mlp", "learned", "no_puzzle"} {
		c := trainConfig(variant)
		m := trainModel(t, c, 1)
		var want []string
		for _, s := range c.Specs() {
			if !s.Buffer {
				want = append(want, s.Name)
			}
		}
		parity.CheckParams(t, variant, m, want, c.Params())
	}
	c := trainConfig("rope")
	inf, err := Load(c, InitTensors(c, 1))
	if err != nil {
		t.Fatal(err)
	}
	if inf.Params() != nil || inf.PuzzleEmb() != nil {
		t.Error("an inference model has parameters")
	}
	if err := inf.TrainStep(inf.NewTrainState(2), trainBatch(c, 2, 1), TrainOptions{}, inf.NewTrainOutput(2), &nn.Arena{}); err == nil {
		t.Error("an inference model trained")
	}
	if err := inf.Save(t.TempDir()+"/x.safetensors", nil, nil); err == nil {
		t.Error("an inference model saved")
	}
}

// A trained MLP baseline is saved as an "mlp_baseline" native file, which
// LoadFile opens without a config (and HRM refuses); its shapes tell
// InferConfig that it has token-mixing blocks and its sequence length.
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
	loaded, src, err := LoadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if loaded.Cfg != c || loaded.Info().Kind != MLPKind {
		t.Errorf("loaded %+v (%s), saved %+v", loaded.Cfg, loaded.Info().Kind, c)
	}
	if _, _, err := hrm.LoadFile(path, nil); err == nil || !strings.Contains(err.Error(), "a mlp_baseline model, not hrm") {
		t.Errorf("hrm.LoadFile: err = %v", err)
	}
	partial := DefaultConfig()
	partial.NumHeads, partial.Expansion, partial.HaltMaxSteps, partial.PosEncodings = c.NumHeads, c.Expansion, c.HaltMaxSteps, "none"
	if got := InferConfig(partial, InitTensors(c, 1)); got.Kind() != MLPKind || got.SeqLen != c.SeqLen || got.HLayers != c.HLayers || got.HiddenSize != c.HiddenSize {
		t.Errorf("inferred %+v from an MLP baseline's tensors", got)
	}
}
