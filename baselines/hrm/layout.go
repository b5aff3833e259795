package hrm

import (
	"fmt"

	"arceval/models/act"
	"arceval/models/tensors"
)

// Kind is the kind of model c makes: "hrm".
func (c Config) Kind() string { return Kind }

// Specs lists every tensor an HRM with config c has, by its official name
// without the "_orig_mod.model.inner." prefix, in the official order:
//
//	H_init, L_init (D)            the initial states, buffers in the forward dtype
//	embedding and heads           act.Dims.Specs
//	H_level.layers.0 … H_layers−1 act.BlockSpecs
//	L_level.layers.0 … L_layers−1 act.BlockSpecs
func (c Config) Specs() []tensors.Spec {
	specs := act.StateSpecs(c.HiddenSize, c.ForwardDtype, "H_init", "L_init")
	specs = append(specs, c.dims().Specs()...)
	specs = append(specs, act.BlockSpecs("H_level", c.HLayers, c.blockDims())...)
	return append(specs, act.BlockSpecs("L_level", c.LLayers, c.blockDims())...)
}

// Params is the official num_params (puzzle table and initial states
// excluded): 27,275,266 for the Sudoku preset.
func (c Config) Params() int { return tensors.Params(c.Specs()) }

// Infer sets the sizes c leaves at zero from the tensors' shapes:
// vocabulary and hidden size, puzzle table, layer counts of both levels,
// mlp_t and, for mlp_t models, the sequence length.
func (c *Config) Infer(src tensors.Source) {
	d := c.dims()
	r := act.InferDims(src, "HRM", &d)
	if r == nil {
		return
	}
	c.VocabSize, c.HiddenSize = d.Vocab, d.Hidden
	c.NumPuzzleIdentifiers, c.PuzzleEmbNdim = d.PuzzleRows, d.PuzzleNdim
	c.HLayers = act.Fill(c.HLayers, r.Layers("H_level"))
	c.LLayers = act.Fill(c.LLayers, r.Layers("L_level"))
	if T, ok := r.MLPTPositions("L_level"); ok {
		c.MLPT = true
		c.SeqLen = act.Fill(c.SeqLen, T-c.PrefixLen())
	}
}

// Summary is the shape on one line.
func (c Config) Summary() string {
	return fmt.Sprintf("hidden %d, heads %d, H_layers %d, L_layers %d, H_cycles %d, L_cycles %d, seq_len %d, vocab %d",
		c.HiddenSize, c.NumHeads, c.HLayers, c.LLayers, c.HCycles, c.LCycles, c.SeqLen, c.VocabSize)
}

// FLOPsPerStep counts the floating-point operations of one supervision
// step for one puzzle as act.BlockDims.BlockFLOPs counts them:
// H_cycles·(L_cycles·L_layers + H_layers) block applications.
func (c Config) FLOPsPerStep() float64 {
	return float64(c.HCycles*(c.LCycles*c.LLayers+c.HLayers)) * c.blockDims().BlockFLOPs()
}
