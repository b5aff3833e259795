// Package direct is the direct-prediction transformer baseline of the TRM
// repository (models/recursive_reasoning/transformers_baseline.py,
// Model_ACTV2) in float32: one stack of post-norm blocks (H_level) applied
// once per supervision step to z_H + x — no recursion inside a step — with
// the ACT wrapper's per-row carry and Q head kept. With halt_max_steps 1 it
// is the paper's "direct pred" setting: one supervision step, one pass.
// With mlp_t blocks (MLP) it is the MLP baseline, kind "mlp_baseline": the
// TRM-MLP network applied once, the "without recursion" ablation.
// Configuration with the official names and presets, loading of official
// and native checkpoints with a full mismatch report, the models.Model
// interface, and training (LoadTrainable, TrainStep; models.Trainable).
package direct

import (
	"fmt"
	"maps"

	"arceval/baselines/internal/act"
	"arceval/models/trm"
)

// Config is the official Model_ACTV2Config; JSON names are the official
// ones, so a checkpoint's all_config.yaml arch section or a fixture's config
// dict decodes directly.
type Config struct {
	BatchSize            int `json:"batch_size,omitempty"`
	SeqLen               int `json:"seq_len"`
	PuzzleEmbNdim        int `json:"puzzle_emb_ndim"`
	NumPuzzleIdentifiers int `json:"num_puzzle_identifiers"`
	VocabSize            int `json:"vocab_size"`
	// HCycles is kept for compatibility, as in the official config: the
	// official forward applies H_level exactly once per step whatever its
	// value.
	HCycles             int     `json:"H_cycles"`
	HLayers             int     `json:"H_layers"`
	HiddenSize          int     `json:"hidden_size"`
	Expansion           float64 `json:"expansion"`
	NumHeads            int     `json:"num_heads"`
	PosEncodings        string  `json:"pos_encodings"`
	RMSNormEps          float64 `json:"rms_norm_eps"`
	RopeTheta           float64 `json:"rope_theta"`
	HaltMaxSteps        int     `json:"halt_max_steps"`
	HaltExplorationProb float64 `json:"halt_exploration_prob"`
	// ActEnabled: Q-based halting in training (official default true).
	ActEnabled bool `json:"act_enabled"`
	// ActInference: Q-based halting (q_halt > q_continue) in evaluation too
	// (official default false: every row runs halt_max_steps steps).
	ActInference bool   `json:"act_inference"`
	ForwardDtype string `json:"forward_dtype,omitempty"`
	// MLPT replaces attention by the token-mixing SwiGLU over the T
	// positions in every block (TRM-MLP's block, with pos_encodings
	// "none"): the MLP baseline (Kind MLPKind). Not an option of the
	// official transformer baseline.
	MLPT bool `json:"mlp_t,omitempty"`
}

// DefaultConfig holds the official defaults of the fields a config dict may
// omit (rms_norm_eps 1e-5, rope_theta 10000, act_enabled true,
// act_inference false, forward_dtype bfloat16).
func DefaultConfig() Config {
	return Config{RMSNormEps: 1e-5, RopeTheta: 10000, ActEnabled: true, ForwardDtype: "bfloat16"}
}

// ParseConfig decodes an official config dict over DefaultConfig and
// validates it.
func ParseConfig(data []byte) (Config, error) {
	return act.ParseConfig(data, DefaultConfig(), "transformer baseline")
}

// Validate checks that the sizes are usable.
func (c Config) Validate() error {
	var layers error
	if c.HLayers < 1 {
		layers = fmt.Errorf("transformer baseline config: H_layers %d must be ≥ 1", c.HLayers)
	} else {
		layers = act.CheckCounts("transformer baseline", act.Count{Name: "H_layers", V: c.HLayers, Min: 1, Max: trm.MaxRepeats})
	}
	return c.arch().Validate("transformer baseline", layers, "")
}

// arch is the part of c that act.Arch validates.
func (c Config) arch() act.Arch {
	return act.Arch{Dims: c.dims(), Block: c.blockDims(), HaltMaxSteps: c.HaltMaxSteps, RMSNormEps: c.RMSNormEps, RopeTheta: c.RopeTheta}
}

// Kind is the model kind of c: MLPKind with mlp_t blocks, else Kind.
func (c Config) Kind() string {
	if c.MLPT {
		return MLPKind
	}
	return Kind
}

// PrefixLen is P = ceil(puzzle_emb_ndim / hidden_size), the official
// puzzle_emb_len (1 for the released configs).
func (c Config) PrefixLen() int { return c.dims().PrefixLen() }

// Positions is T = P + seq_len.
func (c Config) Positions() int { return c.PrefixLen() + c.SeqLen }

// DirectPred returns c with one supervision step (halt_max_steps 1): the
// paper's "direct pred" setting, a single pass with no deep supervision and
// no halting.
func (c Config) DirectPred() Config {
	c.HaltMaxSteps = 1
	return c
}

func (c Config) dims() act.Dims {
	return act.Dims{SeqLen: c.SeqLen, Vocab: c.VocabSize, Hidden: c.HiddenSize, PuzzleNdim: c.PuzzleEmbNdim,
		PuzzleRows: c.NumPuzzleIdentifiers, PosEncodings: c.PosEncodings}
}

func (c Config) blockDims() act.BlockDims {
	return act.BlockDims{Hidden: c.HiddenSize, Heads: c.NumHeads, Expansion: c.Expansion, MLPT: c.MLPT, T: c.Positions()}
}

// Specs lists every tensor the model has, by short name (the official key
// without "_orig_mod.model.inner.").
func (c Config) Specs() []act.Spec {
	specs := []act.Spec{{Name: "H_init", Shape: []int{c.HiddenSize}, Buffer: true}}
	specs = append(specs, c.dims().Specs()...)
	return append(specs, act.BlockSpecs("H_level", c.HLayers, c.blockDims())...)
}

// Params is the official num_params (puzzle table and H_init excluded):
// 27,145,218 for the ARC presets.
func (c Config) Params() int { return act.Params(c.Specs()) }

// base is config/arch/transformers_baseline.yaml of the TRM repository:
// 8 blocks of 12 heads (head_dim 512 // 12 = 42).
var base = Config{
	HCycles: 1, HLayers: 8, HiddenSize: 512, NumHeads: 12, Expansion: 4, PuzzleEmbNdim: 512,
	PosEncodings: "rope", HaltMaxSteps: 16, HaltExplorationProb: 0.1, ActEnabled: true,
	RMSNormEps: 1e-5, RopeTheta: 10000, ForwardDtype: "bfloat16",
}

func preset(seqLen, vocab, ids int) Config {
	c := base
	c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers = seqLen, vocab, ids
	return c
}

// MLP returns the MLP baseline of TRM-MLP's shape (hidden 512, 2 blocks of
// token-mixing and channel SwiGLU, expansion 4, no positional encoding) on
// a data set: the TRM-MLP network applied once — no recursion, one
// supervision step (no deep supervision, no halting), about TRM-MLP's
// parameter count (its one-slot puzzle prefix makes the token mixer
// narrower). It is the "without recursion" ablation.
func MLP(seqLen, vocab, ids int) Config {
	c := preset(seqLen, vocab, ids)
	c.HLayers, c.NumHeads, c.MLPT, c.PosEncodings = 2, 8, true, "none"
	c.HaltMaxSteps, c.HaltExplorationProb = 1, 0
	return c
}

// Presets are transformers_baseline.yaml on the TRM data sets (puzzle-table
// sizes of TRM's ARC builds, trm-spec §2.4), each also with "-direct-pred":
// one supervision step (DirectPred); and "sudoku-mlp", the MLP baseline on
// Sudoku-Extreme (MLP; TRM-MLP's data set).
var Presets = func() map[string]Config {
	m := map[string]Config{
		"sudoku": preset(81, 11, 1),
		"maze":   preset(900, 6, 1),
		"arc1":   preset(900, 12, 876406),
		"arc2":   preset(900, 12, 1191730),
	}
	// Range over a copy: entries added to a map during its range may or
	// may not be visited (which made "-direct-pred-direct-pred" presets).
	for name, c := range maps.Clone(m) {
		m[name+"-direct-pred"] = c.DirectPred()
	}
	m["sudoku-mlp"] = MLP(81, 11, 1)
	return m
}()

// Preset returns a configuration by name.
func Preset(name string) (Config, error) { return act.Preset(Presets, "transformer-baseline", name) }
