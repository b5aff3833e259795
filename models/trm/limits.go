package trm

import "fmt"

// Upper bounds of config sizes. They are far above any released or
// plausible TRM (ARC: 16 + 900 positions, hidden 512, 1.2 M puzzle
// identifiers, 3 × 6 recursions) and small enough that a hostile config —
// from a native file's header, --config or --override — is refused before
// it sizes an allocation (a RoPE table of puzzle_emb_len + seq_len
// positions) or a loop (H_cycles × L_cycles per step), and before products
// of sizes can overflow.
const (
	MaxPositions         = 1 << 16 // puzzle_emb_len + seq_len
	MaxHidden            = 1 << 14 // hidden_size, puzzle_emb_ndim
	MaxVocab             = 1 << 16
	MaxPuzzleIdentifiers = 1 << 24 // stored exactly in float32 carries
	MaxRepeats           = 1 << 10 // H_cycles, L_cycles, L_layers, halt_max_steps
	MaxExpansion         = 64
)

// checkRanges refuses sizes outside the bounds above (Validate checks the
// lower bounds and how the sizes fit together).
func (c Config) checkRanges() error {
	for _, f := range []struct {
		name string
		v    int
		max  int
	}{
		{"seq_len", c.SeqLen, MaxPositions}, {"puzzle_emb_len", c.PuzzleEmbLen, MaxPositions},
		{"hidden_size", c.HiddenSize, MaxHidden}, {"num_heads", c.NumHeads, MaxHidden}, {"puzzle_emb_ndim", c.PuzzleEmbNdim, MaxHidden},
		{"vocab_size", c.VocabSize, MaxVocab}, {"num_puzzle_identifiers", c.NumPuzzleIdentifiers, MaxPuzzleIdentifiers},
		{"H_cycles", c.HCycles, MaxRepeats}, {"L_cycles", c.LCycles, MaxRepeats}, {"H_layers", c.HLayers, MaxRepeats},
		{"L_layers", c.LLayers, MaxRepeats}, {"halt_max_steps", c.HaltMaxSteps, MaxRepeats},
	} {
		if f.v < 0 || f.v > f.max {
			return fmt.Errorf("trm config: %s %d outside 0..%d", f.name, f.v, f.max)
		}
	}
	if !(c.Expansion > 0 && c.Expansion <= MaxExpansion) {
		return fmt.Errorf("trm config: expansion %g outside (0, %d]", c.Expansion, MaxExpansion)
	}
	if !(c.HaltExplorationProb >= 0 && c.HaltExplorationProb <= 1) {
		return fmt.Errorf("trm config: halt_exploration_prob %g outside [0, 1]", c.HaltExplorationProb)
	}
	if p := c.PrefixLen() + c.SeqLen; p > MaxPositions {
		return fmt.Errorf("trm config: puzzle_emb_len + seq_len = %d positions, more than %d", p, MaxPositions)
	}
	return nil
}
