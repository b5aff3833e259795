package act

import (
	"encoding/json"
	"fmt"
)

// ParseConfig decodes an official config dict into c, which holds the
// defaults for the fields the dict omits, and validates it; model names the
// family in a decoding error ("hrm config: …").
func ParseConfig[C interface{ Validate() error }](data []byte, c C, model string) (C, error) {
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("%s config: %w", model, err)
	}
	return c, c.Validate()
}

// Arch is the part of a config that HRM and the transformer baseline
// validate alike: the input and head sizes, the blocks, halting and the
// norm and RoPE constants.
type Arch struct {
	Dims
	Block        BlockDims
	HaltMaxSteps int
	RMSNormEps   float64
	RopeTheta    float64
}

// Validate checks that the sizes are usable, in the official families'
// order, naming model in the message ("hrm config: …"). layers is the
// family's own check of its cycle and layer counts (nil when they are
// fine), reported after the sequence and vocabulary sizes; puzzleHint ends
// the puzzle-table message after the number of identifiers.
func (a Arch) Validate(model string, layers error, puzzleHint string) error {
	if err := a.checkRanges(model); err != nil {
		return err
	}
	b := a.Block
	switch {
	case b.Hidden <= 0 || b.Heads <= 0 || b.Hidden < b.Heads:
		return fmt.Errorf("%s config: hidden_size %d and num_heads %d must be positive, hidden ≥ heads", model, b.Hidden, b.Heads)
	case a.PosEncodings == "rope" && !b.MLPT && (b.Hidden/b.Heads)%2 != 0:
		return fmt.Errorf("%s config: RoPE needs an even head dimension, hidden_size %d // num_heads %d is odd", model, b.Hidden, b.Heads)
	case a.SeqLen <= 0 || a.Vocab <= 0:
		return fmt.Errorf("%s config: seq_len %d and vocab_size %d must be positive", model, a.SeqLen, a.Vocab)
	case layers != nil:
		return layers
	case a.HaltMaxSteps < 1:
		return fmt.Errorf("%s config: halt_max_steps %d must be ≥ 1", model, a.HaltMaxSteps)
	case b.Expansion <= 0:
		return fmt.Errorf("%s config: expansion %g must be positive", model, b.Expansion)
	case a.PuzzleNdim < 0 || a.PuzzleNdim > 0 && a.PuzzleRows < 1:
		return fmt.Errorf("%s config: puzzle_emb_ndim %d needs num_puzzle_identifiers ≥ 1 (got %d%s)", model, a.PuzzleNdim, a.PuzzleRows, puzzleHint)
	case a.RMSNormEps <= 0 || a.PosEncodings == "rope" && a.RopeTheta <= 0:
		return fmt.Errorf("%s config: rms_norm_eps %g and rope_theta %g must be positive", model, a.RMSNormEps, a.RopeTheta)
	case a.PosEncodings != "rope" && a.PosEncodings != "learned" && !(a.PosEncodings == "none" && b.MLPT):
		return fmt.Errorf("%s config: pos_encodings %q (want rope or learned; none only with mlp_t)", model, a.PosEncodings)
	}
	return nil
}
