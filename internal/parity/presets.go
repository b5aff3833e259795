package parity

import (
	"testing"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/tensors"
)

// PresetInit checks the official initialisation (CheckOfficialInit) of a
// family's released shapes, where the weights are large enough for its
// statistical checks: each named preset with a puzzle table of 1000 rows
// (ARC tables have hundreds of thousands) in its forward dtype, and the
// first one in float32 too.
func PresetInit(t *testing.T, f models.Family, presets ...string) {
	for i, name := range presets {
		dtypes := []string{""}
		if i == 0 {
			dtypes = append(dtypes, "float32")
		}
		for _, dtype := range dtypes {
			t.Run(name+"/"+dtype, func(t *testing.T) {
				c, err := f.Config(name)
				if err != nil {
					t.Fatal(err)
				}
				fields := `{"num_puzzle_identifiers": 1000}`
				if dtype != "" {
					fields = `{"num_puzzle_identifiers": 1000, "forward_dtype": "` + dtype + `"}`
				}
				if err := act.Override(c, []byte(fields)); err != nil {
					t.Fatal(err)
				}
				specs := c.Specs()
				CheckOfficialInit(t, act.InitTensors(specs, 1), hidden(specs), stateDtype(specs))
			})
		}
	}
}

// PresetParams checks the official parameter counts (num_params: buffers
// excluded) of a family's presets.
func PresetParams(t *testing.T, f models.Family, want map[string]int) {
	for name, n := range want {
		c, err := f.Config(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got := tensors.Params(c.Specs()); got != n {
			t.Errorf("%s: %d parameters, want %d", name, got, n)
		}
	}
}

// Must returns m, failing the test on err: for a family's typed loaders,
// parity.Must(t)(LoadTrainable(c, src)).
func Must[M any](t *testing.T) func(M, error) M {
	return func(m M, err error) M {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
}
