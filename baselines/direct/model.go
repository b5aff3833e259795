package direct

import (
	"arceval/models/act"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// Model is a loaded transformer (or MLP) baseline: its config and the ACT core (evaluation, and
// training when loaded with LoadTrainable) around its network.
type Model = act.Of[Config]

// Load builds an inference model from a config and a tensor source
// (official key names with or without the "_orig_mod.model.inner." prefix,
// or native names). Every missing, mis-shaped or unexpected tensor is
// reported at once; weights holding NaN or ±Inf are refused, naming the
// tensor.
func Load(c Config, src tensors.Source) (*Model, error) { return act.LoadOf(c, c.def(), src, false) }

// LoadTrainable is Load for training: the model owns copies of all weights
// (an optimiser updates them in place through Params and PuzzleEmb), holds
// the whole puzzle-embedding table in memory, and has gradient buffers.
func LoadTrainable(c Config, src tensors.Source) (*Model, error) {
	return act.LoadOf(c, c.def(), src, true)
}

// InitTensors returns a transformer or MLP baseline of config c freshly
// initialised as the official constructor does (act.InitTensors): what
// training starts from.
func InitTensors(c Config, seed uint64) tensors.Map { return act.InitTensors(c.Specs(), seed) }

// def is the model of c for the ACT core. The official Model_ACTV2 halts
// on q_halt > q_continue in training when act_enabled (and never computes
// the Q-learning target: pretrain.py does not ask for it, so
// q_continue_loss is 0), and in evaluation with act_inference (or when
// asked, HaltOnQ).
func (c Config) def() act.Def {
	name := "transformer baseline"
	if c.MLPT {
		name = "mlp baseline"
	}
	d := act.Def{Kind: c.Kind(), Name: name, Title: "transformer baseline", Config: &c, Specs: c.Specs(), Dims: c.dims(),
		MaxSteps: c.HaltMaxSteps, Halt: act.HaltAtMax, EvalHalt: act.HaltOnQOverContinue, HaltInEval: c.ActInference}
	if c.ActEnabled {
		d.Halt, d.Exploration = act.HaltOnQOverContinue, c.HaltExplorationProb
	}
	d.Net = func(l *act.Loader, trainable bool) (act.Net, error) {
		b := c.blockDims()
		n := &net{blocks: l.Blocks("H_level", c.HLayers, b, c.RMSNormEps, b.RoPE(c.PosEncodings, c.RopeTheta)), T: c.Positions()}
		if trainable {
			n.states = make([]nn.BlockState, c.HLayers)
		}
		return n, nil
	}
	return d
}

// net is the baseline's network: one stack of blocks, once per step.
type net struct {
	blocks []*nn.Block
	T      int
	states []nn.BlockState // the blocks' activations of a training step
}

// Inner is one supervision step of the official inner model on n rows:
// z_H = H_level(z_H + x), once.
func (n *net) Inner(zH, _, x []float32, rows int, ar *nn.Arena) {
	act.Level(n.blocks, zH, x, rows, n.T, ar)
}

// ForwardTrain is Inner keeping the blocks' activations: the whole step
// carries gradient.
func (n *net) ForwardTrain(zH, _, x []float32, rows int, ar *nn.Arena) {
	act.LevelTrain(n.blocks, zH, x, rows, n.T, n.states, ar)
}

// Backward turns the gradient with respect to the new z_H into the
// gradient with respect to z_H + x, which is x's (the carry is detached).
func (n *net) Backward(d []float32, rows int, ar *nn.Arena) {
	act.LevelBackward(n.blocks, d, rows, n.T, n.states, ar)
}
