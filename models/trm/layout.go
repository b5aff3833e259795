package trm

import (
	"fmt"

	"arceval/models/act"
	"arceval/models/tensors"
)

func (c Config) dims() act.Dims {
	return act.Dims{SeqLen: c.SeqLen, Vocab: c.VocabSize, Hidden: c.HiddenSize, Prefix: c.PrefixLen(),
		PuzzleNdim: c.PuzzleEmbNdim, PuzzleRows: c.NumPuzzleIdentifiers, PosEncodings: c.PosEncodings}
}

func (c Config) blockDims() act.BlockDims {
	return act.BlockDims{Hidden: c.HiddenSize, Heads: c.NumHeads, Expansion: c.Expansion, MLPT: c.MLPT, T: c.Positions()}
}

// Kind is the kind of model c makes: "trm".
func (c Config) Kind() string { return Kind }

// Specs lists every tensor a TRM with config c has, by its official name
// without the "_orig_mod.model.inner." prefix, in the official order:
//
//	H_init, L_init (D)            the initial states, buffers in the forward dtype
//	embedding and heads           act.Dims.Specs
//	L_level.layers.0 … L_layers−1 act.BlockSpecs: attention or mlp_t, and the SwiGLU MLP
func (c Config) Specs() []tensors.Spec {
	specs := act.StateSpecs(c.HiddenSize, c.ForwardDtype, "H_init", "L_init")
	specs = append(specs, c.dims().Specs()...)
	return append(specs, act.BlockSpecs("L_level", c.LLayers, c.blockDims())...)
}

// Params is the official num_params (puzzle table and initial states
// excluded).
func (c Config) Params() int { return tensors.Params(c.Specs()) }

// Infer sets the sizes c leaves at zero from the tensors' shapes
// (vocabulary, hidden size, puzzle table, layer count) and mlp_t with, for
// mlp_t models, the sequence length.
func (c *Config) Infer(src tensors.Source) {
	d := c.dims()
	r := act.InferDims(src, "TRM", &d)
	if r == nil {
		return
	}
	c.VocabSize, c.HiddenSize = d.Vocab, d.Hidden
	c.NumPuzzleIdentifiers, c.PuzzleEmbNdim = d.PuzzleRows, d.PuzzleNdim
	c.LLayers = act.Fill(c.LLayers, r.Layers("L_level"))
	if T, ok := r.MLPTPositions("L_level"); ok {
		c.MLPT = true
		c.SeqLen = act.Fill(c.SeqLen, T-c.PrefixLen())
	}
}

// Summary is the shape on one line.
func (c Config) Summary() string {
	return fmt.Sprintf("hidden %d, heads %d, L_layers %d, H_cycles %d, L_cycles %d, mlp_t %v, seq_len %d, vocab %d",
		c.HiddenSize, c.NumHeads, c.LLayers, c.HCycles, c.LCycles, c.MLPT, c.SeqLen, c.VocabSize)
}

// FLOPsPerStep counts the floating-point operations (multiply-add = 2) of
// one supervision step for one puzzle, the way the PyTorch speed anchor
// (shared/tools/torch_trm_bench.py) counts them: H_cycles·(L_cycles+1)
// applications of the L_layers blocks (act.BlockDims.BlockFLOPs); the heads
// are left out.
func (c Config) FLOPsPerStep() float64 {
	return float64(c.HCycles*(c.LCycles+1)*c.LLayers) * c.blockDims().BlockFLOPs()
}
