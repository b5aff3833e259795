package direct

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
func (m *Model) initTraining(hInit []float32) error {
	lin := map[string]*nn.Linear{}
	models.BlockLinears(lin, "H_level", m.blocks)
	tr, err := act.NewTrainer(m.w, m.Cfg.Specs(), map[string][]float32{"H_init": hInit}, lin)
	if err != nil {
		return err
	}
	// The official Model_ACTV2 halts on Q in training when act_enabled and
	// never computes the Q-learning target (pretrain.py does not ask for
	// it), so q_continue_loss is 0.
	tr.HaltOnQ = m.Cfg.ActEnabled
	tr.Forward, tr.Backward = m.forwardTrain, m.backward
	m.train, m.states = tr, make([]nn.BlockState, len(m.blocks))
	return nil
}

// forwardTrain is inner keeping the blocks' activations: z_H =
// H_level(z_H + x), the whole step with gradient.
func (m *Model) forwardTrain(z [][]float32, x []float32, n int, ar *nn.Arena) {
	models.LevelTrain(m.blocks, z[0], x, n, m.T, m.states, ar)
}

// backward turns the gradient with respect to the new z_H into the
// gradient with respect to z_H + x, which is x's (the carry is detached).
func (m *Model) backward(d []float32, n int, ar *nn.Arena) {
	models.LevelBackward(m.blocks, d, n, m.T, m.states, ar)
}

// The training types are shared by every trainable model (package models).
type (
	TrainBatch   = models.TrainBatch
	TrainState   = models.TrainState
	TrainOptions = models.TrainOptions
	TrainOutput  = models.TrainOutput
)

// NewTrainState returns the official initial training carry of B rows
// (every row halted, so the first TrainStep loads the batch); ZL is nil:
// the model has one state, z_H.
func (m *Model) NewTrainState(B int) *TrainState { return m.w.NewTrainState(B) }

// NewTrainOutput allocates training outputs for B rows.
func (m *Model) NewTrainOutput(B int) *TrainOutput { return m.w.NewTrainOutput(B) }

// TrainStep runs one supervision step in training mode, as the official
// ACTLossHead(Model_ACTV2) forward and backward: halted rows reset to
// H_init and load their row of b; z_H = H_level(z_H + x) once, with
// gradient through the whole step (the carry is detached); with act_enabled
// and halt_max_steps > 1 rows halt when q_halt > q_continue, not before the
// exploration minimum, and otherwise at halt_max_steps; total = lm_loss +
// 0.5·q_halt_loss (no Q-learning target: q_continue_loss is 0). The
// gradient of LossScale·total is added to Params and the puzzle rows to
// PuzzleEmb. The model must come from LoadTrainable; ar holds the step's
// activations. On an error about the batch nothing has changed.
func (m *Model) TrainStep(s *TrainState, b TrainBatch, opt TrainOptions, out *TrainOutput, ar *nn.Arena) error {
	if m.train == nil {
		return errors.New(m.w.Name + ": TrainStep needs a model from LoadTrainable")
	}
	return m.train.Step(s, b, opt, out, ar)
}

// Params lists the trainable parameters (the official model.parameters():
// all but H_init and the puzzle table) with live slices of their weights
// and gradients, in the official order; nil unless trainable. Call Repack
// after changing weights.
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

// ExplorationProb is the config's halt exploration probability (0 when
// act_enabled is false: rows then run halt_max_steps steps).
func (m *Model) ExplorationProb() float64 {
	if !m.Cfg.ActEnabled {
		return 0
	}
	return m.Cfg.HaltExplorationProb
}

// Tensors returns every tensor of a trainable model under its official
// short name — parameters, H_init and the puzzle table — sharing the live
// slices.
func (m *Model) Tensors() (tensors.Map, error) {
	return m.train.WithOverride(nil, false)
}

// Snapshot returns an inference copy of a trainable model (its own
// weights, so training can go on), with override's tensors (e.g. EMA
// weights, by short name) in place of the live ones.
func (m *Model) Snapshot(override map[string][]float32) (models.Model, error) {
	return act.Snapshot(m.train, m.w.Name, override, func(t Tensors) (*Model, error) { return Load(m.Cfg, t) })
}

// Save writes a trainable model (with override's tensors) as a native
// arceval file of its kind that LoadFile and `arceval eval` load.
func (m *Model) Save(path string, override map[string][]float32, meta map[string]string) error {
	if m.train == nil {
		return errors.New(m.w.Name + ": Save needs a model from LoadTrainable")
	}
	return m.train.Save(path, m.Cfg.Kind(), m.Cfg, override, meta)
}

var _ models.Trainable = (*Model)(nil)

// Weights returns every tensor of a trainable model (models.Trainable).
func (m *Model) Weights() map[string]models.Tensor { return m.train.Weights() }

// ConfigJSON is the config as native files store it.
func (m *Model) ConfigJSON() ([]byte, error) { return json.Marshal(m.Cfg) }
