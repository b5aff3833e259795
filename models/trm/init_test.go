package trm

import (
	"testing"

	"arceval/internal/parity"
)

// A fresh TRM is initialised as the official trm.py constructor does, at
// the released shapes (the mlp_t token mixer, RoPE attention).
func TestInitTensorsOfficial(t *testing.T) { parity.PresetInit(t, Family, "sudoku-mlp", "arc1-att") }
