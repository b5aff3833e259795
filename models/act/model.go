package act

import (
	"encoding/json"
	"fmt"
	"slices"

	"arceval/models"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// Net is a family's inner network: the recursion of one supervision step.
// zH and zL are the recurrent states (n, T, D), updated in place (zL is nil
// for a model with one state); x (n, T, D) is the input embedding of the
// rows' current data.
type Net interface {
	// Inner runs one supervision step's recursion on n rows.
	Inner(zH, zL, x []float32, n int, ar *nn.Arena)
	// ForwardTrain is Inner (the same bits) keeping the activations of the
	// computations that carry gradient, for Backward.
	ForwardTrain(zH, zL, x []float32, n int, ar *nn.Arena)
	// Backward takes d (n, T, D), the gradient with respect to z_H after
	// ForwardTrain, adds the weight gradients of the blocks that carry
	// gradient and leaves in d the gradient with respect to x (the carry
	// is detached).
	Backward(d []float32, n int, ar *nn.Arena)
}

// Def is what a family tells the core about a model of one config.
type Def struct {
	Kind  string // models.Info.Kind and the kind of its native files
	Name  string // the model's name in step errors ("hrm", "transformer baseline")
	Title string // its name in checkpoint errors ("HRM")
	// Config is saved in native files (as JSON) and rebuilds the model.
	Config models.Config
	// Specs is the tensor layout: the states (H_init, and L_init for a
	// model with two states), the embedding and heads (Dims.Specs) and the
	// family's blocks, in the official order.
	Specs []tensors.Spec
	Dims  Dims
	// MaxSteps is halt_max_steps: a row halts after that many steps.
	MaxSteps int
	// Halt is the rule rows halt by on Q in training.
	Halt HaltRule
	// EvalHalt is the rule in evaluation with StepOptions.HaltOnQ, or at
	// every step with HaltInEval (the transformer baseline's
	// act_inference); the family's training rule, but for the transformer
	// baseline, which halts on q_halt > q_continue in act_inference even
	// when it trains without halting (act_enabled false).
	EvalHalt   HaltRule
	HaltInEval bool
	// TargetQ: in training (with MaxSteps > 1) an extra gradient-free
	// inner step on the new carry gives the bootstrapped q_continue target,
	// and q_continue_loss joins the total (HRM; TRM with ACT continue).
	TargetQ bool
	// Exploration is the config's halt exploration probability in training.
	Exploration float64
	// Net builds the inner network from the family's tensors (read with
	// the Loader); a trainable one keeps its training activations.
	Net func(l *Loader, trainable bool) (Net, error)
}

// Model is a loaded model of any family: evaluation (models.Model) and, when
// loaded trainable, training (models.Trainable).
type Model struct {
	def   Def
	io    *IO
	inits [][]float32 // the initial states: H_init (, L_init), each (D)
	net   Net
	train *trainer   // nil unless trainable
	bf16  *bf16Model // non-nil when Step runs in bf16 (SetPrecision)
}

// Load builds a model: it finds the key prefix of src, checks every tensor
// of def.Specs against it at once, reads the embedding, heads and initial
// states and builds the family's network. Weights holding NaN or ±Inf are
// refused, naming the tensor. A trainable model owns copies of every tensor
// (an optimiser updates them in place through Params and PuzzleEmb), holds
// the whole puzzle table in memory and has gradient buffers; evaluation
// works on it too and sees the current weights. Otherwise puzzle rows are
// read from src when a row loads its puzzle (ARC tables are gigabytes), so
// src must stay open.
func Load(def Def, src tensors.Source, trainable bool) (*Model, error) {
	if err := def.Config.Validate(); err != nil {
		return nil, err
	}
	r, err := NewResolver(src, def.Title)
	if err != nil {
		return nil, err
	}
	r.Own = trainable
	if err := r.Check(def.Specs); err != nil {
		return nil, err
	}
	m := &Model{def: def}
	for _, name := range []string{"H_init", "L_init"} {
		if !slices.ContainsFunc(def.Specs, func(s tensors.Spec) bool { return s.Name == name }) {
			continue
		}
		v, err := r.Get(name)
		if err != nil {
			return nil, err
		}
		m.inits = append(m.inits, v)
	}
	if len(m.inits) == 0 {
		return nil, fmt.Errorf("%s: the layout has no initial state", def.Name)
	}
	if m.io, err = loadIO(r, def.Dims); err != nil {
		return nil, err
	}
	l := &Loader{r: r, linears: map[string]*nn.Linear{}}
	if m.net, err = def.Net(l, trainable); err == nil {
		err = l.err
	}
	if err != nil {
		return nil, err
	}
	if trainable {
		if m.train, err = newTrainer(m, r, l.linears); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Of is a loaded model of a family whose config type is C: the ACT core
// and the config it was built from. A family's Model is an Of.
type Of[C any] struct {
	Cfg C
	*Model
}

// LoadOf is Load of a family's model of config c, def being c's Def.
func LoadOf[C any](c C, def Def, src tensors.Source, trainable bool) (*Of[C], error) {
	m, err := Load(def, src, trainable)
	if err != nil {
		return nil, err
	}
	return &Of[C]{Cfg: c, Model: m}, nil
}

// Info describes the model for the harness.
func (m *Model) Info() models.Info {
	d := m.def.Dims
	return models.Info{Kind: m.def.Kind, SeqLen: d.SeqLen, Vocab: d.Vocab, MaxSteps: m.def.MaxSteps, PuzzleIDs: d.TableRows()}
}

// Config is the model's config.
func (m *Model) Config() models.Config { return m.def.Config }

// ConfigJSON is the config as native files store it.
func (m *Model) ConfigJSON() ([]byte, error) { return json.Marshal(m.def.Config) }

// ExplorationProb is the config's halt exploration probability.
func (m *Model) ExplorationProb() float64 { return m.def.Exploration }

// NewState returns the official initial carry of B rows: every row halted,
// so the first step loads its batch into all rows. Evaluation (Step) and
// training (TrainStep) use the same carry.
func (m *Model) NewState(B int) *models.Carry {
	io := m.io
	return models.NewCarry(B, io.SeqLen, io.T*io.Hidden, len(m.inits), io.PuzzleNdim)
}

// NewTrainState is NewState (models.Trainable).
func (m *Model) NewTrainState(B int) *models.TrainState { return m.NewState(B) }

// NewStepOutput allocates evaluation outputs for B rows.
func (m *Model) NewStepOutput(B int) *models.StepOutput { return models.NewStepOutput(m.Info(), B) }

// NewTrainOutput allocates training outputs for B rows.
func (m *Model) NewTrainOutput(B int) *models.TrainOutput {
	return models.NewTrainOutput(B, m.io.SeqLen, m.io.Vocab)
}

// NewRun starts a batch's carry with its own arena (models.Model).
func (m *Model) NewRun(B int) models.Run {
	return &run{step: m.Step, c: m.NewState(B), ar: &nn.Arena{}}
}

// run is one batch's carry and arena; step is Step or the reference.
type run struct {
	step func(*models.Carry, models.Batch, *models.StepOutput, models.StepOptions, *nn.Arena) error
	c    *models.Carry
	ar   *nn.Arena
}

func (r *run) Step(b models.Batch, out *models.StepOutput, opt models.StepOptions) error {
	return r.step(r.c, b, out, opt, r.ar)
}

func (r *run) Done(i int) bool { return r.c.Done[i] }

// Carry is the run's carry (read-only for callers: forward prints halting).
func (r *run) Carry() *models.Carry { return r.c }

var (
	_ models.Model     = (*Model)(nil)
	_ models.Trainable = (*Model)(nil)
)

// Core returns the model itself: a family's model embeds *Model, and the
// conformance suite reaches the core (Reference, NewState, Step) through
// it.
func (m *Model) Core() *Model { return m }

// Halt is the rule the model's rows halt by on Q in training (Def.Halt).
func (m *Model) Halt() HaltRule { return m.def.Halt }

// EvalHalt is the rule the model's rows halt by on Q in evaluation
// (Def.EvalHalt).
func (m *Model) EvalHalt() HaltRule { return m.def.EvalHalt }

// Net is the family's network, and IO the embedding and heads: for tests
// of a family's network.
//
// While a trainable model is in bf16 (SetPrecision), its layers are in
// bf16 mode and Repack refreshes only their bf16 copies: the float32 net is
// current again once the model is back in float32.
func (m *Model) Net() Net { return m.net }

// IO is the model's input embedding and heads.
func (m *Model) IO() *IO { return m.io }
