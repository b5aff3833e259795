package direct

import (
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/internal/parity"
	"arceval/models/trm"

	"github.com/google/go-cmp/cmp"
)

// The ARC preset has the parameter count of the TRM repository's
// transformer baseline (trm-spec §4.2): 8 blocks of 12 heads of 42
// (qkv_proj [1512, 512], o_proj [512, 504]).
func TestPresetParams(t *testing.T) {
	parity.PresetParams(t, Family, map[string]int{"arc1": 27_145_218, "arc2": 27_145_218, "arc2-direct-pred": 27_145_218,
		"sudoku": 27_145_218 - 2*512,   // vocabulary 11: embed_tokens and lm_head lose a row
		"maze":   27_145_218 - 6*2*512, // vocabulary 6
	})
	for name, c := range Presets {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	c, _ := Preset("arc1")
	for _, s := range c.Specs() {
		if s.Name == "H_level.layers.7.self_attn.o_proj.weight" && (s.Shape[0] != 512 || s.Shape[1] != 504) {
			t.Errorf("o_proj shape %v", s.Shape)
		}
	}
}

// Each "-direct-pred" preset is its preset with one supervision step.
func TestDirectPredPresets(t *testing.T) {
	for name, c := range Presets {
		if strings.HasSuffix(name, "-direct-pred") || c.MLPT {
			continue
		}
		d, err := Preset(name + "-direct-pred")
		if err != nil {
			t.Fatal(err)
		}
		if d.HaltMaxSteps != 1 || c.HaltMaxSteps != 16 {
			t.Errorf("%s: halt_max_steps %d / %d", name, c.HaltMaxSteps, d.HaltMaxSteps)
		}
		d.HaltMaxSteps = c.HaltMaxSteps
		if d != c {
			t.Errorf("%s-direct-pred differs in more than halt_max_steps", name)
		}
	}
}

// Every preset is a base preset, its "-direct-pred" variant, or an MLP
// baseline: nothing else (the map is built by ranging over itself).
func TestPresetNames(t *testing.T) {
	want := []string{"arc1", "arc1-direct-pred", "arc2", "arc2-direct-pred", "maze", "maze-direct-pred",
		"sudoku", "sudoku-direct-pred", "sudoku-mlp"}
	if got := slices.Sorted(maps.Keys(Presets)); !slices.Equal(got, want) {
		t.Errorf("presets %v, want %v", got, want)
	}
}

// The MLP baseline is TRM-MLP's network applied once: TRM-MLP's width,
// blocks and expansion, token mixing instead of attention, no positional
// encoding, one supervision step; its parameter count is within 5 % of
// TRM-MLP's (the one-slot puzzle prefix makes its token mixer narrower
// than TRM's 16-slot one).
func TestMLPPreset(t *testing.T) {
	c, err := Preset("sudoku-mlp")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	tc, err := trm.Preset("sudoku-mlp")
	if err != nil {
		t.Fatal(err)
	}
	if !c.MLPT || c.PosEncodings != "none" || c.HaltMaxSteps != 1 || c.Kind() != MLPKind ||
		c.HiddenSize != tc.HiddenSize || c.HLayers != tc.LLayers || c.Expansion != tc.Expansion ||
		c.SeqLen != tc.SeqLen || c.VocabSize != tc.VocabSize || c.PuzzleEmbNdim != tc.PuzzleEmbNdim {
		t.Errorf("sudoku-mlp %+v does not have TRM-MLP's shape", c)
	}
	trmParams := 0
	for name, v := range trm.InitTensors(tc, 1) {
		if name != "H_init" && name != "L_init" && name != "puzzle_emb.weights" {
			trmParams += len(v.Data)
		}
	}
	if got := c.Params(); got != 4_856_834 || math.Abs(float64(got-trmParams))/float64(trmParams) > 0.05 {
		t.Errorf("MLP baseline params %d, TRM-MLP %d", got, trmParams)
	}
	for _, s := range c.Specs() {
		if strings.Contains(s.Name, "self_attn") {
			t.Errorf("attention weight %s in the MLP baseline", s.Name)
		}
	}
	if k := (Config{}).Kind(); k != Kind {
		t.Errorf("transformer kind %q", k)
	}
}

func TestValidate(t *testing.T) {
	ok, _ := Preset("maze")
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"heads", func(c *Config) { c.NumHeads = 0 }, "num_heads 0"},
		{"odd head dim", func(c *Config) { c.NumHeads = 10 }, "even head dimension"},
		{"layers", func(c *Config) { c.HLayers = 0 }, "H_layers 0"},
		{"steps", func(c *Config) { c.HaltMaxSteps = 0 }, "halt_max_steps 0"},
		{"positions", func(c *Config) { c.PosEncodings = "none" }, `pos_encodings "none"`},
		{"mlp positions", func(c *Config) { c.MLPT, c.PosEncodings = true, "sinusoidal" }, `pos_encodings "sinusoidal"`},
		{"puzzle ids", func(c *Config) { c.NumPuzzleIdentifiers = 0 }, "num_puzzle_identifiers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

// The config/arch/transformers_baseline.yaml fields, as all_config.yaml
// writes them, over a preset's data fields give the preset.
func TestReadConfigYAML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "all_config.yaml")
	yaml := `arch:
  H_cycles: 1
  H_layers: 8
  act_enabled: true
  act_inference: false
  expansion: 4
  halt_exploration_prob: 0.1
  halt_max_steps: 16
  hidden_size: 512
  loss:
    loss_type: stablemax_cross_entropy
    name: losses@ACTLossHead
  name: recursive_reasoning.transformers_baseline@Model_ACTV2
  num_heads: 12
  pos_encodings: rope
  puzzle_emb_ndim: 512
data_paths:
- data/maze-30x30-hard-1k
`
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	base := DefaultConfig()
	base.SeqLen, base.VocabSize, base.NumPuzzleIdentifiers = 900, 6, 1
	c, err := ReadConfigFile(path, base)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Preset("maze")
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("config (-preset +file):\n%s", diff)
	}
}
