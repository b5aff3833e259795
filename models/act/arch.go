package act

import (
	"fmt"
	"strings"

	"arceval/models"
	"arceval/models/tensors"
)

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
	return a.checkLimits(model)
}

// checkLimits checks the sizes against models' limits before anything is
// computed from them (the family checks its cycles and layers, and the
// weights with CheckSpecs).
func (a Arch) checkLimits(model string) error {
	b := a.Block
	err := models.CheckRanges(model,
		models.Range{Name: "seq_len", Value: a.SeqLen, Min: 1, Max: models.MaxPositions},
		models.Range{Name: "vocab_size", Value: a.Vocab, Min: 1, Max: models.MaxVocab},
		models.Range{Name: "hidden_size", Value: b.Hidden, Min: 1, Max: models.MaxHidden},
		models.Range{Name: "num_heads", Value: b.Heads, Min: 1, Max: models.MaxHeads},
		models.Range{Name: "halt_max_steps", Value: a.HaltMaxSteps, Min: 1, Max: models.MaxHaltSteps},
		models.Range{Name: "puzzle_emb_ndim", Value: a.PuzzleNdim, Min: 0, Max: models.MaxPrefixLen * models.MaxHidden},
		models.Range{Name: "num_puzzle_identifiers", Value: a.PuzzleRows, Min: 0, Max: models.MaxPuzzleIDs},
	)
	if err == nil {
		err = models.CheckExpansion(model, b.Expansion)
	}
	if err != nil {
		return err
	}
	if p := a.Prefix; p+a.SeqLen > models.MaxPositions {
		return fmt.Errorf("%s config: %d prefix positions + seq_len %d = %d positions, more than %d", model, p, a.SeqLen, p+a.SeqLen, models.MaxPositions)
	}
	return nil
}

// CheckCycles checks a family's cycle and layer counts (each ≥ 1 and at most
// the limits) and the block applications of one supervision step they make.
func CheckCycles(model string, calls int, counts ...models.Range) error {
	for i := range counts {
		counts[i].Min, counts[i].Max = 1, models.MaxCycles
		if strings.HasSuffix(counts[i].Name, "_layers") {
			counts[i].Max = models.MaxLayers
		}
	}
	if err := models.CheckRanges(model, counts...); err != nil {
		return err
	}
	if calls > models.MaxBlockCalls {
		return fmt.Errorf("%s config: %d block applications per supervision step, more than %d", model, calls, models.MaxBlockCalls)
	}
	return nil
}

// CheckSpecs checks the total size of a model's tensors (the puzzle table
// apart); its dimensions must have passed Arch.Validate.
func CheckSpecs(model string, specs []tensors.Spec) error {
	var table int64
	var shapes [][]int
	for _, s := range specs {
		if s.Name == "puzzle_emb.weights" {
			table = int64(s.Shape[0]) * int64(s.Shape[1])
			continue
		}
		shapes = append(shapes, s.Shape)
	}
	return models.CheckWeights(model, table, shapes)
}
