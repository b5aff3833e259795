package direct

import (
	"testing"

	"arceval/internal/parity"
)

// A fresh transformer or MLP baseline is initialised as the official
// transformers_baseline.py constructor does, at the released shapes (12
// heads of 42; the MLP's token mixer).
func TestInitTensorsOfficial(t *testing.T) { parity.PresetInit(t, Family, "sudoku", "sudoku-mlp") }
