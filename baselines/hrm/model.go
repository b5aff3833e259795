package hrm

import (
	"fmt"

	"arceval/baselines/internal/act"
	"arceval/models"
	"arceval/models/nn"
)

// Model is a loaded HRM ready for inference, and for training when loaded
// with LoadTrainable.
type Model struct {
	Cfg     Config
	P, T, D int // prefix positions, total positions, hidden size

	hLevel, lLevel []*nn.Block
	w              *act.Wrapper

	train          *act.Trainer    // nil unless loaded with LoadTrainable
	hState, lState []nn.BlockState // the last H and L calls' activations in a training step
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
	r, io, err := act.Open(src, "HRM", c.Specs(), c.dims(), train)
	if err != nil {
		return nil, err
	}
	m := &Model{Cfg: c, P: c.PrefixLen(), T: c.Positions(), D: c.HiddenSize}
	hInit, err := r.Get("H_init")
	if err != nil {
		return nil, err
	}
	lInit, err := r.Get("L_init")
	if err != nil {
		return nil, err
	}
	rope := c.blockDims().RoPE(c.PosEncodings, c.RopeTheta)
	if m.hLevel, err = act.LoadBlocks(r, "H_level", c.HLayers, c.blockDims(), c.RMSNormEps, rope); err != nil {
		return nil, err
	}
	if m.lLevel, err = act.LoadBlocks(r, "L_level", c.LLayers, c.blockDims(), c.RMSNormEps, rope); err != nil {
		return nil, err
	}
	m.w = &act.Wrapper{Name: Kind, IO: io, Inits: [][]float32{hInit, lInit}, MaxSteps: c.HaltMaxSteps, Inner: m.inner}
	if train {
		if err := m.initTraining(hInit, lInit); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// inner is one supervision step of the official inner model on n rows
// (z = [z_H, z_L], each (n, T, D)):
//
//	repeat H_cycles: { repeat L_cycles: z_L = L_level(z_L + (z_H + x)); z_H = H_level(z_H + z_L) }
//
// The official code runs all but the last L and H update without gradient
// and those two with it (the "1-step gradient"); the forward values are
// the same.
func (m *Model) inner(z [][]float32, x []float32, n int, ar *nn.Arena) {
	zH, zL := z[0], z[1]
	inj := ar.GetRaw(len(x))
	for h := 0; h < m.Cfg.HCycles; h++ {
		for l := 0; l < m.Cfg.LCycles; l++ {
			nn.Add(inj, zH, x)
			models.Level(m.lLevel, zL, inj, n, m.T, ar)
		}
		models.Level(m.hLevel, zH, zL, n, m.T, ar)
	}
}

// State is the ACT carry of a batch (see act.Carry: Steps, Halted, Done,
// the current data); ZH and ZL are the recurrent states z_H and z_L
// (B, T, D).
type State struct {
	*act.Carry
	ZH, ZL []float32

	qh, qc []float32 // TargetQContinue scratch
}

// NewState returns the official initial carry: every row halted, so the
// first Step loads the batch into all rows.
func (m *Model) NewState(B int) *State {
	c := m.w.NewCarry(B)
	return &State{Carry: c, ZH: c.Z[0], ZL: c.Z[1]}
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
// halted rows are reset to H_init/L_init and load their row of b; the inner
// model runs once on every row that is not Done; rows halt after
// halt_max_steps steps or, with HaltOnQ, when q_halt > q_continue (HRM's
// training rule), which also makes them Done.
func (m *Model) Step(s *State, b Batch, out *StepOutput, opt StepOptions, ar *nn.Arena) error {
	return m.w.Step(s.Carry, b, out, opt, ar)
}

// TargetQContinue computes HRM's Q-learning target for the rows the last
// Step computed, as the official wrapper does in training: one more inner
// forward on the new carry (the carry itself is not changed) gives the next
// Q logits, and target = sigmoid(next q_halt) on a row's last step, else
// sigmoid(max(next q_halt, next q_continue)). dst is (B); other rows keep
// their values.
func (m *Model) TargetQContinue(s *State, dst []float32, ar *nn.Arena) error {
	if s.qh == nil {
		s.qh, s.qc = make([]float32, s.B), make([]float32, s.B)
	}
	if len(dst) != s.B {
		return fmt.Errorf("hrm: TargetQContinue: dst holds %d values, want %d", len(dst), s.B)
	}
	if err := m.w.NextQ(s.Carry, s.qh, s.qc, ar); err != nil {
		return err
	}
	for _, r := range s.Active() {
		v := s.qh[r]
		if s.Steps[r] < m.Cfg.HaltMaxSteps {
			v = max(v, s.qc[r])
		}
		dst[r] = float32(nn.Sigmoid(float64(v)))
	}
	return nil
}

// Info describes the model for the harness.
func (m *Model) Info() models.Info {
	return models.Info{Kind: Kind, SeqLen: m.Cfg.SeqLen, Vocab: m.Cfg.VocabSize, MaxSteps: m.Cfg.HaltMaxSteps, PuzzleIDs: m.Cfg.puzzleRows()}
}

// NewRun starts a batch's carry with its own arena (models.Model).
func (m *Model) NewRun(B int) models.Run { return m.w.NewRun(B) }

var _ models.Model = (*Model)(nil)
