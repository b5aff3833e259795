// Package trm is the Tiny Recursion Model (TRM, arXiv 2510.04871): its
// configuration and released presets, loading of official and native
// weights, the batched recursive forward pass with the ACT carry, and the
// training step with its gradients (LoadTrainable, TrainStep), exactly as the
// official models/recursive_reasoning/trm.py and models/losses.py compute
// them (in float32; the losses in float64).
package trm

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

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
func ParseConfig(data []byte) (Config, error) {
	c := DefaultConfig()
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("trm config: %w", err)
	}
	return c, c.Validate()
}

// DefaultConfig holds the official defaults of the fields an official
// config dict may omit.
func DefaultConfig() Config {
	return Config{RMSNormEps: 1e-5, RopeTheta: 10000, PuzzleEmbLen: 16, NoACTContinue: true, ForwardDtype: "bfloat16"}
}

// Validate checks that the sizes are usable.
func (c Config) Validate() error {
	if err := c.checkRanges(); err != nil {
		return err
	}
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
	case c.PrefixLen()*c.HiddenSize < c.PuzzleEmbNdim:
		return fmt.Errorf("trm config: puzzle_emb_len %d × hidden %d cannot hold puzzle_emb_ndim %d", c.PuzzleEmbLen, c.HiddenSize, c.PuzzleEmbNdim)
	}
	return nil
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
func Preset(name string) (Config, error) {
	c, ok := Presets[name]
	if !ok {
		names := make([]string, 0, len(Presets))
		for n := range Presets {
			names = append(names, n)
		}
		sort.Strings(names)
		return c, fmt.Errorf("unknown TRM preset %q (known: %s)", name, strings.Join(names, ", "))
	}
	return c, nil
}
