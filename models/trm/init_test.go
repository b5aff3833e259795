package trm

import (
	"maps"
	"slices"
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
			parity.CheckOfficialInit(t, map[string]MapTensor(m), tc.c.HiddenSize, tc.c.ForwardDtype)
		})
	}
}

// Each tensor's values depend only on (seed, name, shape): a larger puzzle
// table changes no other tensor, and another seed changes every random one.
func TestInitTensorsSeeding(t *testing.T) {
	c := tinyConfig("rope")
	a, b := InitTensors(c, 1), InitTensors(c, 1)
	if !maps.EqualFunc(a, b, func(x, y MapTensor) bool { return slices.Equal(x.Data, y.Data) }) {
		t.Fatal("the same seed gave different tensors")
	}
	c2 := c
	c2.NumPuzzleIdentifiers *= 3
	for name, v := range InitTensors(c2, 1) {
		if name != "puzzle_emb.weights" && !slices.Equal(v.Data, a[name].Data) {
			t.Errorf("%s changed with the puzzle table's size", name)
		}
	}
	for name, v := range InitTensors(c, 2) {
		random := !slices.Contains([]string{"puzzle_emb.weights", "q_head.weight", "q_head.bias"}, name)
		if same := slices.Equal(v.Data, a[name].Data); same == random {
			t.Errorf("%s: seed 2 equal to seed 1 is %v, want %v", name, same, !random)
		}
	}
}
