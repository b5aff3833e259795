package hrm

import (
	"testing"

	"arceval/internal/parity"
)

// A fresh HRM is initialised as the official hrm_act_v1.py constructor does:
// zero puzzle table, Q head at weight 0 and bias −5, H_init/L_init in the
// forward dtype (bfloat16 unless the config says float32), every weight a
// truncated LeCun normal within its bound.
func TestInitTensorsOfficial(t *testing.T) {
	learned := trainConfig("learned")
	float32Forward := Presets["sudoku-extreme"]
	float32Forward.ForwardDtype = "float32"
	for _, tc := range []struct {
		name string
		c    Config
	}{
		{"sudoku-extreme", Presets["sudoku-extreme"]},
		{"small, learned positions", learned},
		{"float32 forward dtype", float32Forward},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := InitTensors(tc.c, 1)
			for _, name := range []string{"puzzle_emb.weights", "L_init"} {
				if _, ok := m[name]; !ok {
					t.Fatalf("no tensor %s", name)
				}
			}
			parity.CheckOfficialInit(t, m, tc.c.HiddenSize, tc.c.ForwardDtype)
		})
	}
}
