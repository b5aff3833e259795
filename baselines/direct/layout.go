package direct

import (
	"fmt"

	"arceval/models/act"
	"arceval/models/tensors"
)

// Specs lists every tensor the model has, by its official name without the
// "_orig_mod.model.inner." prefix, in the official order:
//
//	H_init (D)                    the initial state, a buffer in the forward dtype
//	embedding and heads           act.Dims.Specs
//	H_level.layers.0 … H_layers−1 act.BlockSpecs: attention or mlp_t, and the SwiGLU MLP
func (c Config) Specs() []tensors.Spec {
	specs := act.StateSpecs(c.HiddenSize, c.ForwardDtype, "H_init")
	specs = append(specs, c.dims().Specs()...)
	return append(specs, act.BlockSpecs("H_level", c.HLayers, c.blockDims())...)
}

// Params is the official num_params (puzzle table and H_init excluded):
// 27,145,218 for the ARC presets.
func (c Config) Params() int { return tensors.Params(c.Specs()) }

// Infer sets the sizes c leaves at zero from the tensors' shapes:
// vocabulary and hidden size, puzzle table, layer count, mlp_t and, for
// mlp_t models, the sequence length. The head count is not inferred
// (several give the same shapes).
func (c *Config) Infer(src tensors.Source) {
	d := c.dims()
	r := act.InferDims(src, "transformer baseline", &d)
	if r == nil {
		return
	}
	c.VocabSize, c.HiddenSize = d.Vocab, d.Hidden
	c.NumPuzzleIdentifiers, c.PuzzleEmbNdim = d.PuzzleRows, d.PuzzleNdim
	c.HLayers = act.Fill(c.HLayers, r.Layers("H_level"))
	if T, ok := r.MLPTPositions("H_level"); ok {
		c.MLPT = true
		c.SeqLen = act.Fill(c.SeqLen, T-c.PrefixLen())
	}
}

// Summary is the shape on one line.
func (c Config) Summary() string {
	return fmt.Sprintf("hidden %d, heads %d, layers %d, seq_len %d, vocab %d, halt_max_steps %d",
		c.HiddenSize, c.NumHeads, c.HLayers, c.SeqLen, c.VocabSize, c.HaltMaxSteps)
}

// FLOPsPerStep counts the floating-point operations of one supervision
// step for one puzzle as act.BlockDims.BlockFLOPs counts them: H_layers
// block applications.
func (c Config) FLOPsPerStep() float64 { return float64(c.HLayers) * c.blockDims().BlockFLOPs() }
