package direct

import (
	"testing"

	"arceval/internal/parity"
	"arceval/models"
)

// A fresh transformer or MLP baseline is initialised as the official
// transformers_baseline.py constructor does: zero puzzle table, Q head at
// weight 0 and bias −5, bfloat16 H_init, every weight (the MLP's token mixer
// included) a truncated LeCun normal within its bound.
func TestInitTensorsOfficial(t *testing.T) {
	learned := smallConfig()
	learned.PosEncodings = "learned"
	for _, tc := range []struct {
		name string
		c    Config
	}{
		{"sudoku (12 heads of 42)", Presets["sudoku"]},
		{"sudoku-mlp", Presets["sudoku-mlp"]},
		{"small, learned positions", learned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := InitTensors(tc.c, 1)
			if _, ok := m["puzzle_emb.weights"]; !ok {
				t.Fatal("no tensor puzzle_emb.weights")
			}
			parity.CheckOfficialInit(t, map[string]models.Tensor(m), tc.c.HiddenSize)
		})
	}
}
