package trm

import (
	"arceval/models/act"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// Model is a loaded TRM: its config and the ACT core (evaluation, and
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

// InitTensors returns a freshly initialised TRM of config c, as the official
// constructor makes it (act.InitTensors): the weights `arceval train`
// starts from and `arceval init` writes.
func InitTensors(c Config, seed uint64) tensors.Map { return act.InitTensors(c.Specs(), seed) }

// def is the model of c for the ACT core. TRM's rows halt on q_halt > 0 in
// training (no_ACT_continue, the released runs), else on q_halt >
// q_continue with HRM's bootstrapped q_continue target; evaluation that
// halts on Q uses the same rule.
func (c Config) def() act.Def {
	d := act.Def{Kind: Kind, Name: "trm", Title: "TRM", Config: &c, Specs: c.Specs(), Dims: c.dims(),
		MaxSteps: c.HaltMaxSteps, Halt: act.HaltOnQPositive, Exploration: c.HaltExplorationProb}
	if !c.NoACTContinue {
		d.Halt, d.TargetQ = act.HaltOnQOverContinue, true
	}
	d.EvalHalt = d.Halt
	d.Net = func(l *act.Loader, trainable bool) (act.Net, error) {
		b := c.blockDims()
		n := &net{blocks: l.Blocks("L_level", c.LLayers, b, c.RMSNormEps, b.RoPE(c.PosEncodings, c.RopeTheta)),
			T: c.Positions(), H: c.HCycles, L: c.LCycles}
		if trainable {
			n.states = make([][]nn.BlockState, c.LCycles+1)
			for i := range n.states {
				n.states[i] = make([]nn.BlockState, c.LLayers)
			}
		}
		return n, nil
	}
	return d
}

// net is TRM's inner network: one stack of blocks for both updates.
type net struct {
	blocks  []*nn.Block
	T, H, L int // positions, H_cycles, L_cycles
	// states are the last cycle's activations in training: L_cycles latent
	// updates and the answer update, each L_layers blocks.
	states [][]nn.BlockState
}

// Inner is the recursion of one supervision step on n rows:
//
//	repeat H_cycles: { repeat L_cycles: z_L = blocks(z_L + (z_H + x)); z_H = blocks(z_H + z_L) }
func (n *net) Inner(zH, zL, x []float32, rows int, ar *nn.Arena) {
	act.Recur(n.blocks, n.blocks, zH, zL, x, n.H, n.L, rows, n.T, ar)
}

// ForwardTrain is Inner with the official gradient: H_cycles−1 cycles
// without gradient, then the last cycle's L_cycles latent updates and the
// answer update keeping their activations.
func (n *net) ForwardTrain(zH, zL, x []float32, rows int, ar *nn.Arena) {
	act.Recur(n.blocks, n.blocks, zH, zL, x, n.H-1, n.L, rows, n.T, ar)
	inj := ar.GetRaw(len(x))
	for l := 0; l < n.L; l++ {
		nn.Add(inj, zH, x)
		act.LevelTrain(n.blocks, zL, inj, rows, n.T, n.states[l], ar)
	}
	act.LevelTrain(n.blocks, zH, zL, rows, n.T, n.states[n.L], ar)
}

// Backward turns d, the gradient with respect to the new z_H, into the
// gradient with respect to x: through the answer update to its input
// z_H + z_L (z_H's part is detached, z_L carries it on), then back through
// the latent updates, each passing its input's gradient to the previous
// z_L and adding it to x's.
func (n *net) Backward(d []float32, rows int, ar *nn.Arena) {
	act.LevelBackward(n.blocks, d, rows, n.T, n.states[n.L], ar) // now ∂/∂(z_H + z_L)
	dx := ar.Get(len(d))
	for l := n.L - 1; l >= 0; l-- {
		act.LevelBackward(n.blocks, d, rows, n.T, n.states[l], ar) // ∂/∂(z_L + z_H + x)
		nn.AddInto(dx, d)
	}
	copy(d, dx)
}

// TensorMap is an in-memory tensor source (tensors.Map), under the name
// callers of TRM have used.
type TensorMap = tensors.Map
