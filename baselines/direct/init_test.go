package direct

import (
	"testing"

	"arceval/internal/parity"
)

// A fresh transformer or MLP baseline is initialised as the official
// transformers_baseline.py constructor does: zero puzzle table, Q head at
// weight 0 and bias −5, H_init in the forward dtype (bfloat16 unless the
// config says float32), every weight (the MLP's token mixer included) a
// truncated LeCun normal within its bound.
func TestInitTensorsOfficial(t *testing.T) {
	learned := smallConfig()
	learned.PosEncodings = "learned"
	float32Forward := Presets["sudoku"]
	float32Forward.ForwardDtype = "float32"
	for _, tc := range []struct {
		name string
		c    Config
	}{
		{"sudoku (12 heads of 42)", Presets["sudoku"]},
		{"sudoku-mlp", Presets["sudoku-mlp"]},
		{"small, learned positions", learned},
		{"float32 forward dtype", float32Forward},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := InitTensors(tc.c, 1)
			if _, ok := m["puzzle_emb.weights"]; !ok {
				t.Fatal("no tensor puzzle_emb.weights")
			}
			parity.CheckOfficialInit(t, m, tc.c.HiddenSize, tc.c.ForwardDtype)
		})
	}
}
