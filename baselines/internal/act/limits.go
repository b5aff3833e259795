package act

import (
	"fmt"

	"arceval/models/trm"
)

// Count is a config count and its allowed range, for CheckCounts.
type Count struct {
	Name     string // the official field name
	V        int
	Min, Max int
}

// CheckCounts refuses the first count outside its range, naming model ("hrm
// config: H_cycles 0 outside 1..1024").
func CheckCounts(model string, cs ...Count) error {
	for _, c := range cs {
		if c.V < c.Min || c.V > c.Max {
			return fmt.Errorf("%s config: %s %d outside %d..%d", model, c.Name, c.V, c.Min, c.Max)
		}
	}
	return nil
}

// checkRanges applies TRM's upper bounds (trm.MaxPositions, …) to the
// sizes every family shares, so that a hostile config is refused before it
// sizes an allocation or a loop and before products of sizes overflow.
func (a Arch) checkRanges(model string) error {
	b := a.Block
	if err := CheckCounts(model,
		Count{"seq_len", a.SeqLen, 0, trm.MaxPositions}, Count{"vocab_size", a.Vocab, 0, trm.MaxVocab},
		Count{"hidden_size", b.Hidden, 0, trm.MaxHidden}, Count{"num_heads", b.Heads, 0, trm.MaxHidden},
		Count{"puzzle_emb_ndim", a.PuzzleNdim, 0, trm.MaxHidden}, Count{"num_puzzle_identifiers", a.PuzzleRows, 0, trm.MaxPuzzleIdentifiers},
		Count{"halt_max_steps", a.HaltMaxSteps, 0, trm.MaxRepeats}); err != nil {
		return err
	}
	if !(b.Expansion <= trm.MaxExpansion) {
		return fmt.Errorf("%s config: expansion %g is more than %d", model, b.Expansion, trm.MaxExpansion)
	}
	if t := a.PrefixLen() + a.SeqLen; t > trm.MaxPositions {
		return fmt.Errorf("%s config: %d positions (puzzle prefix + seq_len), more than %d", model, t, trm.MaxPositions)
	}
	return nil
}
