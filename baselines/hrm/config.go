// Package hrm is the Hierarchical Reasoning Model (HRM, arXiv 2506.21734)
// as the official sapientinc/HRM code computes it (models/hrm/hrm_act_v1.py),
// in float32: two reasoning modules H_level and L_level of post-norm blocks,
// one puzzle-embedding prefix position, H_cycles × L_cycles low-level updates
// per supervision step with input injection, and the ACT wrapper's per-row
// carry with the q_halt / q_continue head. Configuration with the official
// names and the released presets, loading of official and native
// checkpoints with a full mismatch report, the models.Model interface, and
// training (LoadTrainable, TrainStep: the 1-step gradient, Q-learning
// halting with the bootstrapped q_continue target; models.Trainable).
package hrm

import (
	"fmt"

	"arceval/baselines/internal/act"
	"arceval/models/trm"
)

// Config is the official HierarchicalReasoningModel_ACTV1Config; JSON names
// are the official ones, so a checkpoint's all_config.yaml arch section or a
// fixture's config dict decodes directly.
type Config struct {
	BatchSize            int     `json:"batch_size,omitempty"`
	SeqLen               int     `json:"seq_len"`
	PuzzleEmbNdim        int     `json:"puzzle_emb_ndim"`
	NumPuzzleIdentifiers int     `json:"num_puzzle_identifiers"`
	VocabSize            int     `json:"vocab_size"`
	HCycles              int     `json:"H_cycles"`
	LCycles              int     `json:"L_cycles"`
	HLayers              int     `json:"H_layers"`
	LLayers              int     `json:"L_layers"`
	HiddenSize           int     `json:"hidden_size"`
	Expansion            float64 `json:"expansion"`
	NumHeads             int     `json:"num_heads"`
	PosEncodings         string  `json:"pos_encodings"`
	RMSNormEps           float64 `json:"rms_norm_eps"`
	RopeTheta            float64 `json:"rope_theta"`
	HaltMaxSteps         int     `json:"halt_max_steps"`
	HaltExplorationProb  float64 `json:"halt_exploration_prob"`
	ForwardDtype         string  `json:"forward_dtype,omitempty"`
	// MLPT replaces attention by the token-mixing SwiGLU in every block: an
	// option of the TRM repository's copy of HRM (recursive_reasoning/hrm.py),
	// not of the official HRM.
	MLPT bool `json:"mlp_t,omitempty"`
}

// DefaultConfig holds the official defaults of the fields a config dict may
// omit (rms_norm_eps 1e-5, rope_theta 10000, forward_dtype bfloat16).
func DefaultConfig() Config {
	return Config{RMSNormEps: 1e-5, RopeTheta: 10000, ForwardDtype: "bfloat16"}
}

// ParseConfig decodes an official config dict over DefaultConfig and
// validates it.
func ParseConfig(data []byte) (Config, error) { return act.ParseConfig(data, DefaultConfig(), "hrm") }

// Validate checks that the sizes are usable.
func (c Config) Validate() error {
	var layers error
	if c.HCycles < 1 || c.LCycles < 1 || c.HLayers < 1 || c.LLayers < 1 {
		layers = fmt.Errorf("hrm config: H_cycles %d, L_cycles %d, H_layers %d, L_layers %d must be ≥ 1", c.HCycles, c.LCycles, c.HLayers, c.LLayers)
	} else {
		layers = act.CheckCounts("hrm", act.Count{Name: "H_cycles", V: c.HCycles, Min: 1, Max: trm.MaxRepeats}, act.Count{Name: "L_cycles", V: c.LCycles, Min: 1, Max: trm.MaxRepeats},
			act.Count{Name: "H_layers", V: c.HLayers, Min: 1, Max: trm.MaxRepeats}, act.Count{Name: "L_layers", V: c.LLayers, Min: 1, Max: trm.MaxRepeats})
	}
	return c.arch().Validate("hrm", layers, "; presets without it take it from the checkpoint")
}

// arch is the part of c that act.Arch validates.
func (c Config) arch() act.Arch {
	return act.Arch{Dims: c.dims(), Block: c.blockDims(), HaltMaxSteps: c.HaltMaxSteps, RMSNormEps: c.RMSNormEps, RopeTheta: c.RopeTheta}
}

// PrefixLen is P = ceil(puzzle_emb_ndim / hidden_size), the official
// puzzle_emb_len (1 for the released configs).
func (c Config) PrefixLen() int { return c.dims().PrefixLen() }

// Positions is T = P + seq_len.
func (c Config) Positions() int { return c.PrefixLen() + c.SeqLen }

func (c Config) dims() act.Dims {
	return act.Dims{SeqLen: c.SeqLen, Vocab: c.VocabSize, Hidden: c.HiddenSize, PuzzleNdim: c.PuzzleEmbNdim,
		PuzzleRows: c.NumPuzzleIdentifiers, PosEncodings: c.PosEncodings}
}

func (c Config) blockDims() act.BlockDims {
	return act.BlockDims{Hidden: c.HiddenSize, Heads: c.NumHeads, Expansion: c.Expansion, MLPT: c.MLPT, T: c.Positions()}
}

// Specs lists every tensor an HRM with config c has, by short name (the
// official key without "_orig_mod.model.inner.").
func (c Config) Specs() []act.Spec {
	D := c.HiddenSize
	specs := []act.Spec{{Name: "H_init", Shape: []int{D}, Buffer: true}, {Name: "L_init", Shape: []int{D}, Buffer: true}}
	specs = append(specs, c.dims().Specs()...)
	specs = append(specs, act.BlockSpecs("H_level", c.HLayers, c.blockDims())...)
	return append(specs, act.BlockSpecs("L_level", c.LLayers, c.blockDims())...)
}

// Params is the official num_params (puzzle table and initial states
// excluded): 27,275,266 for the Sudoku preset.
func (c Config) Params() int { return act.Params(c.Specs()) }

// base is config/arch/hrm_v1.yaml of the official repository.
var base = Config{
	HCycles: 2, LCycles: 2, HLayers: 4, LLayers: 4, HiddenSize: 512, NumHeads: 8, Expansion: 4,
	PuzzleEmbNdim: 512, PosEncodings: "rope", HaltMaxSteps: 16, HaltExplorationProb: 0.1,
	RMSNormEps: 1e-5, RopeTheta: 10000, ForwardDtype: "bfloat16",
}

func preset(seqLen, vocab, ids int) Config {
	c := base
	c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers = seqLen, vocab, ids
	return c
}

// Presets are hrm_v1.yaml with the data sets of the released checkpoints
// (HF sapientinc/HRM-checkpoint-sudoku-extreme, -maze-30x30-hard, -ARC-2).
// The ARC presets leave num_puzzle_identifiers at 0: it depends on the
// HRM ARC build and is taken from the checkpoint's puzzle table
// (InferConfig, LoadFile).
var Presets = map[string]Config{
	"sudoku-extreme":  preset(81, 11, 1),
	"maze-30x30-hard": preset(900, 6, 1),
	"arc-1":           preset(900, 12, 0),
	"arc-2":           preset(900, 12, 0),
}

// Preset returns a released configuration by name.
func Preset(name string) (Config, error) { return act.Preset(Presets, "HRM", name) }
