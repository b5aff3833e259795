package direct

import (
	"arceval/baselines/internal/act"
	"arceval/models"
	"arceval/models/nn"
)

// Model is a loaded transformer (or MLP) baseline ready for inference, and
// for training when loaded with LoadTrainable.
type Model struct {
	Cfg     Config
	P, T, D int // prefix positions, total positions, hidden size

	blocks []*nn.Block
	w      *act.Wrapper

	train  *act.Trainer    // nil unless loaded with LoadTrainable
	states []nn.BlockState // the blocks' activations of a training step
}

// Tensors is a source of named tensors (official checkpoint, native file,
// in-memory map).
type Tensors = act.Tensors

// Load builds a model from a config and a tensor source (official key names
// with or without the "_orig_mod.model.inner." prefix, or native names).
// Every missing, mis-shaped or unexpected tensor is reported at once;
// weights holding NaN or ±Inf are refused, naming the tensor.
func Load(c Config, src Tensors) (*Model, error) { return load(c, src, false) }

// load builds the model; with train it owns copies of every tensor, holds
// the whole puzzle table and has gradient buffers (LoadTrainable).
func load(c Config, src Tensors, train bool) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	r, io, err := act.Open(src, "transformer baseline", c.Specs(), c.dims(), train)
	if err != nil {
		return nil, err
	}
	m := &Model{Cfg: c, P: c.PrefixLen(), T: c.Positions(), D: c.HiddenSize}
	hInit, err := r.Get("H_init")
	if err != nil {
		return nil, err
	}
	rope := c.blockDims().RoPE(c.PosEncodings, c.RopeTheta)
	if m.blocks, err = act.LoadBlocks(r, "H_level", c.HLayers, c.blockDims(), c.RMSNormEps, rope); err != nil {
		return nil, err
	}
	name := "transformer baseline"
	if c.MLPT {
		name = "mlp baseline"
	}
	m.w = &act.Wrapper{Name: name, IO: io, Inits: [][]float32{hInit}, MaxSteps: c.HaltMaxSteps, Inner: m.inner,
		HaltOnQ: c.ActInference}
	if train {
		if err := m.initTraining(hInit); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// inner is one supervision step of the official inner model on n rows:
// z_H = H_level(z_H + x), once.
func (m *Model) inner(z [][]float32, x []float32, n int, ar *nn.Arena) {
	models.Level(m.blocks, z[0], x, n, m.T, ar)
}

// State is the ACT carry of a batch (see act.Carry: Steps, Halted, Done,
// the current data); ZH is the recurrent state z_H (B, T, D).
type State struct {
	*act.Carry
	ZH []float32
}

// NewState returns the official initial carry: every row halted, so the
// first Step loads the batch into all rows.
func (m *Model) NewState(B int) *State {
	c := m.w.NewCarry(B)
	return &State{Carry: c, ZH: c.Z[0]}
}

// Batch, StepOutput and StepOptions are the shared model interface's types.
type (
	Batch       = models.Batch
	StepOutput  = models.StepOutput
	StepOptions = models.StepOptions
)

// NewStepOutput allocates outputs for B rows.
func (m *Model) NewStepOutput(B int) *StepOutput { return models.NewStepOutput(m.Info(), B) }

// Step runs one supervision step (one call of the official ACT wrapper):
// halted rows are reset to H_init and load their row of b; every row that is
// not Done runs the blocks once; rows halt after halt_max_steps steps or,
// with HaltOnQ or the config's act_inference (and halt_max_steps > 1), when
// q_halt > q_continue, which also makes them Done.
func (m *Model) Step(s *State, b Batch, out *StepOutput, opt StepOptions, ar *nn.Arena) error {
	return m.w.Step(s.Carry, b, out, opt, ar)
}

// Info describes the model for the harness.
func (m *Model) Info() models.Info {
	return models.Info{Kind: m.Cfg.Kind(), SeqLen: m.Cfg.SeqLen, Vocab: m.Cfg.VocabSize, MaxSteps: m.Cfg.HaltMaxSteps, PuzzleIDs: m.Cfg.puzzleRows()}
}

// NewRun starts a batch's carry with its own arena (models.Model).
func (m *Model) NewRun(B int) models.Run { return m.w.NewRun(B) }

var _ models.Model = (*Model)(nil)
