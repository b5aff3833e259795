package models

import (
	"fmt"
	"math"
)

// Limits on model configurations. They lie far beyond every released and
// every sensible model (the released ones: seq_len ≤ 900, hidden 512,
// H_cycles 3, L_cycles ≤ 6, 2–8 layers, 16 supervision steps, 1.19 M puzzle
// identifiers) and stop a hostile config — a native file's header,
// --config, --override — before it allocates or loops: seq_len 1e8 would
// allocate a RoPE table of tens of GB, H_cycles 2⁴⁰ would never finish a
// step. Every family's Validate checks them first.
const (
	MaxPositions    = 1 << 12 // T = prefix + seq_len: attention holds T×T scores per head
	MaxPrefixLen    = 1 << 8  // puzzle-embedding positions (TRM 16, HRM 1)
	MaxVocab        = 1 << 12 // tokens (ARC 12, Sudoku 11, Maze 6)
	MaxHidden       = 1 << 13 // hidden size
	MaxHeads        = 1 << 10
	MaxExpansion    = 16      // SwiGLU expansion (4)
	MaxCycles       = 1 << 8  // H_cycles, L_cycles
	MaxLayers       = 1 << 6  // layers of one level
	MaxBlockCalls   = 1 << 12 // block applications of one supervision step (TRM 3×7×2 = 42)
	MaxHaltSteps    = 1 << 10 // supervision steps (16)
	MaxPuzzleIDs    = 1 << 22 // rows of the puzzle-embedding table (ARC-AGI-2: 1.19 M)
	MaxPuzzleTable  = 1 << 30 // elements of the table (ARC-AGI-2: 1.19 M × 512 = 610 M)
	MaxDenseWeights = 1 << 28 // elements of every other weight (TRM 7 M, HRM 27 M)
)

// Range is one integer field of a config and the values it may take.
type Range struct {
	Name     string
	Value    int
	Min, Max int
}

// CheckRanges returns an error naming the first field outside its range,
// as "<model> config: <name> <value> outside <min>..<max>".
func CheckRanges(model string, fields ...Range) error {
	for _, f := range fields {
		if f.Value < f.Min || f.Value > f.Max {
			return fmt.Errorf("%s config: %s %d outside %d..%d", model, f.Name, f.Value, f.Min, f.Max)
		}
	}
	return nil
}

// CheckExpansion checks the SwiGLU expansion: positive, finite, at most
// MaxExpansion.
func CheckExpansion(model string, e float64) error {
	if !(e > 0 && e <= MaxExpansion) || math.IsInf(e, 0) {
		return fmt.Errorf("%s config: expansion %g outside (0, %d]", model, e, MaxExpansion)
	}
	return nil
}

// CheckWeights checks the total size of a model's weights, given as
// shapes (the puzzle table apart): every dimension has passed CheckRanges,
// so the products cannot overflow.
func CheckWeights(model string, puzzleTable int64, shapes [][]int) error {
	if puzzleTable > MaxPuzzleTable {
		return fmt.Errorf("%s config: a puzzle-embedding table of %d elements, more than %d", model, puzzleTable, int64(MaxPuzzleTable))
	}
	var n int64
	for _, s := range shapes {
		e := int64(1)
		for _, d := range s {
			e *= int64(d)
		}
		n += e
	}
	if n > MaxDenseWeights {
		return fmt.Errorf("%s config: %d weights beside the puzzle table, more than %d", model, n, int64(MaxDenseWeights))
	}
	return nil
}
