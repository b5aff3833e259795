package trm

import (
	"testing"

	"arceval/internal/parity"
)

// A fresh TRM is initialised as the official trm.py constructor does: zero
// puzzle table, Q head at weight 0 and bias −5, H_init/L_init in the forward
// dtype (bfloat16 unless the config says float32), every weight a truncated
// LeCun normal within its bound.
func TestInitTensorsOfficial(t *testing.T) {
	arc := Presets["arc1-att"]
	arc.NumPuzzleIdentifiers = 1000 // the real table is 876,406 rows
	float32Forward := Presets["sudoku-mlp"]
	float32Forward.ForwardDtype = "float32"
	for _, tc := range []struct {
		name string
		c    Config
	}{
		{"sudoku-mlp (mlp_t token mixer)", Presets["sudoku-mlp"]},
		{"arc1-att (rope attention)", arc},
		{"learned positions (float32 forward dtype)", tinyConfig("learned")},
		{"float32 forward dtype", float32Forward},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := InitTensors(tc.c, 1)
			for _, name := range []string{"puzzle_emb.weights", "L_init"} {
				if _, ok := m[name]; !ok {
					t.Fatalf("no tensor %s", name)
				}
			}
			if _, ok := m["embed_pos.embedding_weight"]; ok != (tc.c.PosEncodings == "learned") {
				t.Errorf("embed_pos present %v with pos_encodings %q", ok, tc.c.PosEncodings)
			}
			parity.CheckOfficialInit(t, m, tc.c.HiddenSize, tc.c.ForwardDtype)
		})
	}
}
