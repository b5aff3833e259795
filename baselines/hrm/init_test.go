package hrm

import (
	"testing"

	"arceval/internal/parity"
)

// A fresh HRM is initialised as the official hrm_act_v1.py constructor does,
// at the released shape.
func TestInitTensorsOfficial(t *testing.T) { parity.PresetInit(t, Family, "sudoku-extreme") }
