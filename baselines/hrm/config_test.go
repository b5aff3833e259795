package hrm

import (
	"arceval/internal/parity"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The presets have the official parameter counts (trm-spec §4.2; Sudoku's
// 27,275,266 is the num_params of HRM issue #12) and one puzzle slot.
func TestPresetParams(t *testing.T) {
	parity.PresetParams(t, Family, map[string]int{"sudoku-extreme": 27_275_266, "maze-30x30-hard": 27_270_146, "arc-1": 27_276_290, "arc-2": 27_276_290})
	for name, c := range Presets {
		if c.PrefixLen() != 1 || c.Positions() != c.SeqLen+1 {
			t.Errorf("%s: prefix %d, positions %d", name, c.PrefixLen(), c.Positions())
		}
	}
}

// The ARC presets take the puzzle-table size from the checkpoint.
func TestARCPresetNeedsTable(t *testing.T) {
	c, _ := Preset("arc-2")
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "num_puzzle_identifiers") {
		t.Errorf("err = %v", err)
	}
	c.NumPuzzleIdentifiers = 1000
	if err := c.Validate(); err != nil {
		t.Error(err)
	}
}

func TestValidate(t *testing.T) {
	ok, _ := Preset("sudoku-extreme")
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"heads", func(c *Config) { c.NumHeads = 0 }, "num_heads 0"},
		{"odd head dim", func(c *Config) { c.HiddenSize, c.NumHeads = 24, 8 }, "even head dimension"},
		{"cycles", func(c *Config) { c.LCycles = 0 }, "L_cycles 0"},
		{"layers", func(c *Config) { c.HLayers = 0 }, "H_layers 0"},
		{"steps", func(c *Config) { c.HaltMaxSteps = 0 }, "halt_max_steps 0"},
		{"positions", func(c *Config) { c.PosEncodings = "none" }, `pos_encodings "none"`},
		{"seq", func(c *Config) { c.SeqLen = 0 }, "seq_len 0"},
		{"eps", func(c *Config) { c.RMSNormEps = 0 }, "rms_norm_eps 0"},
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

// A config dict without the defaulted fields gets the official defaults.
func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(`{"seq_len": 16, "vocab_size": 7, "num_puzzle_identifiers": 3, "puzzle_emb_ndim": 32,
		"H_cycles": 2, "L_cycles": 2, "H_layers": 2, "L_layers": 2, "hidden_size": 32, "num_heads": 2, "expansion": 4,
		"pos_encodings": "rope", "halt_max_steps": 4, "halt_exploration_prob": 0.1}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.RMSNormEps != 1e-5 || c.RopeTheta != 10000 || c.ForwardDtype != "bfloat16" {
		t.Errorf("defaults not applied: %+v", c)
	}
}

// The official all_config.yaml (arch section) over a preset's data fields
// gives the preset.
func TestReadConfigYAML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "all_config.yaml")
	yaml := `arch:
  H_cycles: 2
  H_layers: 4
  L_cycles: 2
  L_layers: 4
  expansion: 4
  halt_exploration_prob: 0.1
  halt_max_steps: 16
  hidden_size: 512
  loss:
    loss_type: stablemax_cross_entropy
    name: losses@ACTLossHead
  name: hrm.hrm_act_v1@HierarchicalReasoningModel_ACTV1
  num_heads: 8
  pos_encodings: rope
  puzzle_emb_ndim: 512
data_path: data/sudoku-extreme-1k-aug-1000
global_batch_size: 384
lr: 7.0e-05
`
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := ReadConfigFile(path, Config{SeqLen: 81, VocabSize: 11, NumPuzzleIdentifiers: 1, RMSNormEps: 1e-5, RopeTheta: 10000, ForwardDtype: "bfloat16"})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Preset("sudoku-extreme")
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("config (-preset +file):\n%s", diff)
	}
}
