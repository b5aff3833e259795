// Package trm is the Tiny Recursion Model (TRM, arXiv 2510.04871) as the
// official models/recursive_reasoning/trm.py computes it, in float32: its
// configuration and released presets, its tensor layout, and its inner
// network — one stack of L_layers post-norm blocks applied
// H_cycles × (L_cycles + 1) times per supervision step — with the training
// forward and backward of the last cycle. Everything it shares with the
// other families (the ACT carry and step, halting, the losses, the
// embedding and heads, files) is package act's.
package trm

import (
	"fmt"

	"arceval/models/act"

	"arceval/models"
)

// Kind is the model kind recorded in native files and run headers.
const Kind = "trm"

// Config is the official TinyRecursiveReasoningModel_ACTV1Config; JSON field
// names are the official ones, so a fixture's or checkpoint's config dict
// decodes directly.
type Config struct {
	BatchSize            int     `json:"batch_size,omitempty"`
	SeqLen               int     `json:"seq_len"`
	PuzzleEmbNdim        int     `json:"puzzle_emb_ndim"`
	NumPuzzleIdentifiers int     `json:"num_puzzle_identifiers"`
	VocabSize            int     `json:"vocab_size"`
	HCycles              int     `json:"H_cycles"`
	LCycles              int     `json:"L_cycles"`
	HLayers              int     `json:"H_layers"` // ignored by TRM
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
	MLPT                 bool    `json:"mlp_t"`
	PuzzleEmbLen         int     `json:"puzzle_emb_len"`
	NoACTContinue        bool    `json:"no_ACT_continue"`
}

// ParseConfig decodes an official config dict, applying the official
// defaults for fields it omits (rms_norm_eps 1e-5, rope_theta 10000,
// puzzle_emb_len 16, no_ACT_continue true), and validates it.
func ParseConfig(data []byte) (Config, error) { return act.ParseInto(data, DefaultConfig(), "trm") }

// DefaultConfig holds the official defaults of the fields an official
// config dict may omit.
func DefaultConfig() Config {
	return Config{RMSNormEps: 1e-5, RopeTheta: 10000, PuzzleEmbLen: 16, NoACTContinue: true, ForwardDtype: "bfloat16"}
}

// Validate checks that the sizes are usable.
func (c Config) Validate() error {
	switch {
	case c.HiddenSize <= 0 || c.NumHeads <= 0 || c.HiddenSize%c.NumHeads != 0 && !c.MLPT:
		return fmt.Errorf("trm config: hidden_size %d must be a positive multiple of num_heads %d", c.HiddenSize, c.NumHeads)
	case c.SeqLen <= 0 || c.VocabSize <= 0:
		return fmt.Errorf("trm config: seq_len %d and vocab_size %d must be positive", c.SeqLen, c.VocabSize)
	case c.HCycles < 1 || c.LCycles < 1 || c.LLayers < 1:
		return fmt.Errorf("trm config: H_cycles %d, L_cycles %d, L_layers %d must be ≥ 1", c.HCycles, c.LCycles, c.LLayers)
	case c.HaltMaxSteps < 1:
		return fmt.Errorf("trm config: halt_max_steps %d must be ≥ 1", c.HaltMaxSteps)
	case c.PuzzleEmbNdim < 0 || c.PuzzleEmbNdim > 0 && c.NumPuzzleIdentifiers < 1:
		return fmt.Errorf("trm config: puzzle_emb_ndim %d needs num_puzzle_identifiers ≥ 1", c.PuzzleEmbNdim)
	case c.RMSNormEps <= 0 || c.PosEncodings == "rope" && c.RopeTheta <= 0:
		return fmt.Errorf("trm config: rms_norm_eps %g and rope_theta %g must be positive", c.RMSNormEps, c.RopeTheta)
	case c.PosEncodings != "rope" && c.PosEncodings != "learned" && c.PosEncodings != "none":
		return fmt.Errorf("trm config: pos_encodings %q (want rope, learned or none)", c.PosEncodings)
	}
	return c.checkLimits()
}

// checkLimits checks the sizes against models' limits, before anything is
// computed from them: ranges first, then what they make together (the
// positions, the block applications of a step, the weights).
func (c Config) checkLimits() error {
	err := models.CheckRanges("trm",
		models.Range{Name: "seq_len", Value: c.SeqLen, Min: 1, Max: models.MaxPositions},
		models.Range{Name: "vocab_size", Value: c.VocabSize, Min: 1, Max: models.MaxVocab},
		models.Range{Name: "hidden_size", Value: c.HiddenSize, Min: 1, Max: models.MaxHidden},
		models.Range{Name: "num_heads", Value: c.NumHeads, Min: 1, Max: models.MaxHeads},
		models.Range{Name: "H_cycles", Value: c.HCycles, Min: 1, Max: models.MaxCycles},
		models.Range{Name: "L_cycles", Value: c.LCycles, Min: 1, Max: models.MaxCycles},
		models.Range{Name: "L_layers", Value: c.LLayers, Min: 1, Max: models.MaxLayers},
		models.Range{Name: "H_layers", Value: c.HLayers, Min: 0, Max: models.MaxLayers},
		models.Range{Name: "halt_max_steps", Value: c.HaltMaxSteps, Min: 1, Max: models.MaxHaltSteps},
		models.Range{Name: "puzzle_emb_len", Value: c.PuzzleEmbLen, Min: 0, Max: models.MaxPrefixLen},
		models.Range{Name: "puzzle_emb_ndim", Value: c.PuzzleEmbNdim, Min: 0, Max: models.MaxPrefixLen * models.MaxHidden},
		models.Range{Name: "num_puzzle_identifiers", Value: c.NumPuzzleIdentifiers, Min: 0, Max: models.MaxPuzzleIDs},
	)
	if err == nil {
		err = models.CheckExpansion("trm", c.Expansion)
	}
	if err != nil {
		return err
	}
	switch p := c.PrefixLen(); {
	case p > models.MaxPrefixLen:
		return fmt.Errorf("trm config: puzzle_emb_ndim %d over hidden_size %d makes %d prefix positions, more than %d", c.PuzzleEmbNdim, c.HiddenSize, p, models.MaxPrefixLen)
	case p*c.HiddenSize < c.PuzzleEmbNdim:
		return fmt.Errorf("trm config: puzzle_emb_len %d × hidden %d cannot hold puzzle_emb_ndim %d", c.PuzzleEmbLen, c.HiddenSize, c.PuzzleEmbNdim)
	case c.Positions() > models.MaxPositions:
		return fmt.Errorf("trm config: %d prefix positions + seq_len %d = %d positions, more than %d", p, c.SeqLen, c.Positions(), models.MaxPositions)
	case c.HCycles*(c.LCycles+1)*c.LLayers > models.MaxBlockCalls:
		return fmt.Errorf("trm config: H_cycles %d × (L_cycles %d + 1) × L_layers %d = %d block applications per step, more than %d", c.HCycles, c.LCycles, c.LLayers, c.HCycles*(c.LCycles+1)*c.LLayers, models.MaxBlockCalls)
	}
	return act.CheckSpecs("trm", c.Specs())
}

// PrefixLen is P, the number of puzzle-embedding positions before the grid
// tokens (puzzle_emb_len, or ceil(ndim/hidden) when it is 0; none without a
// puzzle embedding).
func (c Config) PrefixLen() int {
	if c.PuzzleEmbNdim == 0 {
		return 0
	}
	if c.PuzzleEmbLen == 0 {
		return (c.PuzzleEmbNdim + c.HiddenSize - 1) / c.HiddenSize
	}
	return c.PuzzleEmbLen
}

// Positions is T = P + seq_len.
func (c Config) Positions() int { return c.PrefixLen() + c.SeqLen }

// base is what every released TRM run shares (trm-spec §1).
var base = Config{
	HiddenSize: 512, NumHeads: 8, Expansion: 4, LLayers: 2, HaltMaxSteps: 16, HaltExplorationProb: 0.1,
	PuzzleEmbNdim: 512, PuzzleEmbLen: 16, RMSNormEps: 1e-5, RopeTheta: 10000, PosEncodings: "rope",
	NoACTContinue: true, ForwardDtype: "bfloat16", HCycles: 3,
}

func preset(seqLen, vocab, ids, lCycles int, mlpT bool) Config {
	c := base
	c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers, c.LCycles, c.MLPT = seqLen, vocab, ids, lCycles, mlpT
	if mlpT {
		c.PosEncodings = "none"
	}
	return c
}

// Presets are the released runs (trm-spec §1). The README's commands use
// L_cycles 4 for ARC and Maze, the paper says n = 6 everywhere; "-paper"
// presets select the paper's value.
var Presets = map[string]Config{
	"sudoku-mlp":     preset(81, 11, 1, 6, true),
	"sudoku-att":     preset(81, 11, 1, 6, false),
	"maze-att":       preset(900, 6, 1, 4, false),
	"maze-att-paper": preset(900, 6, 1, 6, false),
	"arc1-att":       preset(900, 12, 876406, 4, false),
	"arc1-att-paper": preset(900, 12, 876406, 6, false),
	"arc2-att":       preset(900, 12, 1191730, 4, false),
	"arc2-att-paper": preset(900, 12, 1191730, 6, false),
}

// Preset returns a released configuration by name.
func Preset(name string) (Config, error) { return act.Preset(Presets, "TRM", name) }

// ReadConfigFile reads a model config: a JSON object (a bare official config
// dict, or an object whose "config" member is one, such as a parity fixture)
// or the official all_config.yaml (its arch section). Fields it does not set
// keep the values of base (DefaultConfig or a preset).
func ReadConfigFile(path string, base Config) (Config, error) { return act.ReadInto(path, base) }
