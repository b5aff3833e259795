package hrm

import (
	"encoding/json"
	"errors"

	"arceval/baselines/internal/act"
	"arceval/models"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// LoadTrainable is Load for training: the model owns copies of all weights
// (an optimiser updates them in place through Params and PuzzleEmb), holds
// the whole puzzle-embedding table in memory, and has gradient buffers.
// Inference (NewRun, Step) works on it too and sees the current weights.
func LoadTrainable(c Config, src Tensors) (*Model, error) { return load(c, src, true) }

// initTraining allocates the gradients and lists the parameters under their
// official names, in the official order.
func (m *Model) initTraining(hInit, lInit []float32) error {
	lin := map[string]*nn.Linear{}
	models.BlockLinears(lin, "H_level", m.hLevel)
	models.BlockLinears(lin, "L_level", m.lLevel)
	tr, err := act.NewTrainer(m.w, m.Cfg.Specs(), map[string][]float32{"H_init": hInit, "L_init": lInit}, lin)
	if err != nil {
		return err
	}
	// The official HRM wrapper in training halts on q_halt > q_continue and
	// learns q_continue from the bootstrapped target of an extra forward.
	tr.HaltOnQ, tr.TargetQ = true, true
	tr.Forward, tr.Backward = m.forwardTrain, m.backward
	m.train = tr
	m.hState, m.lState = make([]nn.BlockState, len(m.hLevel)), make([]nn.BlockState, len(m.lLevel))
	return nil
}

// forwardTrain is inner with the official 1-step gradient: every L and H
// call but the last of each runs without keeping anything,
//
//	for h < H_cycles: for l < L_cycles, except the very last pair: z_L = L_level(z_L + (z_H + x))
//	                  unless h is the last cycle:                   z_H = H_level(z_H + z_L)
//
// then the two calls that carry gradient keep their activations:
// z_L = L_level(z_L + (z_H + x)); z_H = H_level(z_H + z_L). The values are
// inner's, bit for bit.
func (m *Model) forwardTrain(z [][]float32, x []float32, n int, ar *nn.Arena) {
	zH, zL := z[0], z[1]
	H, L := m.Cfg.HCycles, m.Cfg.LCycles
	inj := ar.GetRaw(len(x))
	for h := 0; h < H; h++ {
		for l := 0; l < L; l++ {
			if h == H-1 && l == L-1 {
				break
			}
			nn.Add(inj, zH, x)
			models.Level(m.lLevel, zL, inj, n, m.T, ar)
		}
		if h < H-1 {
			models.Level(m.hLevel, zH, zL, n, m.T, ar)
		}
	}
	nn.Add(inj, zH, x)
	models.LevelTrain(m.lLevel, zL, inj, n, m.T, m.lState, ar)
	models.LevelTrain(m.hLevel, zH, zL, n, m.T, m.hState, ar)
}

// backward turns d, the gradient with respect to the new z_H, into the
// gradient with respect to x: through H_level to its input z_H + z_L (z_H
// came from the gradient-free part: only the new z_L carries it on), then
// through L_level to its input z_L + z_H + x (only x carries gradient).
func (m *Model) backward(d []float32, n int, ar *nn.Arena) {
	models.LevelBackward(m.hLevel, d, n, m.T, m.hState, ar)
	models.LevelBackward(m.lLevel, d, n, m.T, m.lState, ar)
}

// The training types are shared by every trainable model (package models).
type (
	TrainBatch   = models.TrainBatch
	TrainState   = models.TrainState
	TrainOptions = models.TrainOptions
	TrainOutput  = models.TrainOutput
)

// NewTrainState returns the official initial training carry of B rows:
// every row halted, so the first TrainStep loads the batch into all rows.
func (m *Model) NewTrainState(B int) *TrainState { return m.w.NewTrainState(B) }

// NewTrainOutput allocates training outputs for B rows.
func (m *Model) NewTrainOutput(B int) *TrainOutput { return m.w.NewTrainOutput(B) }

// TrainStep runs one supervision step in training mode, as the official
// ACTLossHead(HierarchicalReasoningModel_ACTV1) forward and backward:
//
//  1. halted rows are reset to H_init/L_init and load their row of b;
//  2. the inner step with the 1-step gradient (forwardTrain): only the last
//     L_level and H_level calls carry gradient;
//  3. logits from z_H's grid positions, q_halt/q_continue from position 0;
//  4. halting (halt_max_steps > 1): at halt_max_steps or when q_halt >
//     q_continue, not before the exploration minimum;
//  5. the Q-learning target: one more gradient-free inner step on the new
//     carry gives target_q_continue = sigmoid(next q_halt) on a row's last
//     step, else sigmoid(max(next q_halt, next q_continue));
//  6. total = lm_loss + 0.5·(q_halt_loss + q_continue_loss), sums over the
//     batch; the gradient of LossScale·total is added to Params and the
//     puzzle rows are appended to PuzzleEmb. The new carry is detached.
//
// The model must come from LoadTrainable; ar holds the step's activations.
// On an error about the batch nothing has changed.
func (m *Model) TrainStep(s *TrainState, b TrainBatch, opt TrainOptions, out *TrainOutput, ar *nn.Arena) error {
	if m.train == nil {
		return errors.New("hrm: TrainStep needs a model from LoadTrainable")
	}
	return m.train.Step(s, b, opt, out, ar)
}

// Params lists the trainable parameters (the official model.parameters():
// all but H_init, L_init and the puzzle table) with live slices of their
// weights and gradients, in the official order; nil unless trainable. Call
// Repack after changing weights.
func (m *Model) Params() []nn.Param { return m.train.Params() }

// PuzzleEmb is the puzzle-embedding table as a sparse parameter: after
// TrainSteps, IDs and G hold one row per batch row and step since the last
// ZeroGrad (the official puzzle_emb.local_weights gradient). nil without a
// puzzle embedding or when the model is not trainable.
func (m *Model) PuzzleEmb() *nn.SparseParam { return m.train.PuzzleEmb() }

// Repack refreshes the packed copies of the linear weights after an
// optimiser has changed the weights in place.
func (m *Model) Repack() { m.train.Repack() }

// ZeroGrad clears every gradient and empties the puzzle-embedding rows;
// gradients of TrainSteps add up until then.
func (m *Model) ZeroGrad() { m.train.ZeroGrad() }

// ExplorationProb is the config's halt exploration probability.
func (m *Model) ExplorationProb() float64 { return m.Cfg.HaltExplorationProb }

// Tensors returns every tensor of a trainable model under its official
// short name — parameters, H_init, L_init and the puzzle table — sharing
// the live slices.
func (m *Model) Tensors() (tensors.Map, error) {
	return m.train.WithOverride(nil, false)
}

// Snapshot returns an inference copy of a trainable model (its own
// weights, so training can go on), with override's tensors (e.g. EMA
// weights, by short name) in place of the live ones.
func (m *Model) Snapshot(override map[string][]float32) (models.Model, error) {
	return act.Snapshot(m.train, "hrm", override, func(t Tensors) (*Model, error) { return Load(m.Cfg, t) })
}

// Save writes a trainable model (with override's tensors) as a native
// arceval file (kind "hrm") that LoadFile and `arceval eval` load.
func (m *Model) Save(path string, override map[string][]float32, meta map[string]string) error {
	if m.train == nil {
		return errors.New("hrm: Save needs a model from LoadTrainable")
	}
	return m.train.Save(path, Kind, m.Cfg, override, meta)
}

var _ models.Trainable = (*Model)(nil)

// Weights returns every tensor of a trainable model (models.Trainable).
func (m *Model) Weights() map[string]models.Tensor { return m.train.Weights() }

// ConfigJSON is the config as native files store it.
func (m *Model) ConfigJSON() ([]byte, error) { return json.Marshal(m.Cfg) }
