package hrm

import (
	"arceval/models/act"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// Model is a loaded HRM: its config and the ACT core (evaluation, and
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

// InitTensors returns an HRM of config c freshly initialised as the
// official constructor does (act.InitTensors): what training starts from.
func InitTensors(c Config, seed uint64) tensors.Map { return act.InitTensors(c.Specs(), seed) }

// def is the model of c for the ACT core: the official HRM wrapper halts
// on q_halt > q_continue (in training, and in evaluation that halts on Q)
// and learns q_continue from the bootstrapped target of an extra forward.
func (c Config) def() act.Def {
	d := act.Def{Kind: Kind, Name: "hrm", Title: "HRM", Config: &c, Specs: c.Specs(), Dims: c.dims(),
		MaxSteps: c.HaltMaxSteps, Halt: act.HaltOnQOverContinue, EvalHalt: act.HaltOnQOverContinue, TargetQ: true,
		Exploration: c.HaltExplorationProb}
	d.Net = func(l *act.Loader, trainable bool) (act.Net, error) {
		b := c.blockDims()
		rope := b.RoPE(c.PosEncodings, c.RopeTheta)
		n := &net{hLevel: l.Blocks("H_level", c.HLayers, b, c.RMSNormEps, rope), lLevel: l.Blocks("L_level", c.LLayers, b, c.RMSNormEps, rope),
			T: c.Positions(), H: c.HCycles, L: c.LCycles}
		if trainable {
			n.hState, n.lState = make([]nn.BlockState, c.HLayers), make([]nn.BlockState, c.LLayers)
		}
		return n, nil
	}
	return d
}

// net is HRM's inner network: the two reasoning modules.
type net struct {
	hLevel, lLevel []*nn.Block
	T, H, L        int             // positions, H_cycles, L_cycles
	hState, lState []nn.BlockState // the last H and L calls' activations in training
}

// Inner is one supervision step of the official inner model on n rows:
//
//	repeat H_cycles: { repeat L_cycles: z_L = L_level(z_L + (z_H + x)); z_H = H_level(z_H + z_L) }
//
// The official code runs all but the last L and H update without gradient
// and those two with it (the "1-step gradient"); the forward values are
// the same.
func (n *net) Inner(zH, zL, x []float32, rows int, ar *nn.Arena) {
	act.Recur(n.hLevel, n.lLevel, zH, zL, x, n.H, n.L, rows, n.T, ar)
}

// ForwardTrain is Inner with the official 1-step gradient: every L and H
// call but the last of each runs without keeping anything,
//
//	for h < H_cycles: for l < L_cycles, except the very last pair: z_L = L_level(z_L + (z_H + x))
//	                  unless h is the last cycle:                   z_H = H_level(z_H + z_L)
//
// then the two calls that carry gradient keep their activations:
// z_L = L_level(z_L + (z_H + x)); z_H = H_level(z_H + z_L). The values are
// Inner's, bit for bit.
func (n *net) ForwardTrain(zH, zL, x []float32, rows int, ar *nn.Arena) {
	inj := ar.GetRaw(len(x))
	for h := 0; h < n.H; h++ {
		for l := 0; l < n.L; l++ {
			if h == n.H-1 && l == n.L-1 {
				break
			}
			nn.Add(inj, zH, x)
			act.Level(n.lLevel, zL, inj, rows, n.T, ar)
		}
		if h < n.H-1 {
			act.Level(n.hLevel, zH, zL, rows, n.T, ar)
		}
	}
	nn.Add(inj, zH, x)
	act.LevelTrain(n.lLevel, zL, inj, rows, n.T, n.lState, ar)
	act.LevelTrain(n.hLevel, zH, zL, rows, n.T, n.hState, ar)
}

// Backward turns d, the gradient with respect to the new z_H, into the
// gradient with respect to x: through H_level to its input z_H + z_L (z_H
// came from the gradient-free part: only the new z_L carries it on), then
// through L_level to its input z_L + z_H + x (only x carries gradient).
func (n *net) Backward(d []float32, rows int, ar *nn.Arena) {
	act.LevelBackward(n.hLevel, d, rows, n.T, n.hState, ar)
	act.LevelBackward(n.lLevel, d, rows, n.T, n.lState, ar)
}
