package hrm

import (
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models/act"
	"arceval/models/tensors"
)

// A checkpoint that does not match the config is refused with every
// problem named, before anything is written.
func TestImportMismatch(t *testing.T) {
	cfg, err := ReadConfigFile(testenv.Fixture(t, "tiny_hrm")+".json", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		fixture string
		edit    func(c *Config)
		want    []string
	}{
		{"hidden", "tiny_hrm", func(c *Config) { c.HiddenSize, c.PuzzleEmbNdim = 64, 64 },
			[]string{"_orig_mod.model.inner.embed_tokens.embedding_weight has shape [7 32], the config needs [7 64]", "H_init has shape [32], the config needs [64]"}},
		{"more H layers", "tiny_hrm", func(c *Config) { c.HLayers = 3 },
			[]string{"missing _orig_mod.model.inner.H_level.layers.2.self_attn.qkv_proj.weight [96 32]", "missing _orig_mod.model.inner.H_level.layers.2.mlp.down_proj.weight [32 256]"}},
		{"fewer L layers", "tiny_hrm", func(c *Config) { c.LLayers = 1 },
			[]string{"(4 problems)", "unexpected tensor _orig_mod.model.inner.L_level.layers.1.mlp.gate_up_proj.weight"}},
		{"mlp_t", "tiny_hrm", func(c *Config) { c.MLPT = true },
			[]string{"missing _orig_mod.model.inner.H_level.layers.0.mlp_t.gate_up_proj.weight", "unexpected tensor _orig_mod.model.inner.L_level.layers.1.self_attn.o_proj.weight"}},
		{"transformer baseline", "tiny_direct", func(c *Config) {},
			[]string{"checkpoint does not match the HRM config", "missing _orig_mod.model.inner.L_init [32]", "missing _orig_mod.model.inner.L_level.layers.0.self_attn.qkv_proj.weight"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			tc.edit(&c)
			src := openTensors(t, testenv.Fixture(t, tc.fixture)+".state_dict")
			out := filepath.Join(t.TempDir(), "x")
			_, err := act.Import(Family, &c, src, out, nil)
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant %q", err, w)
				}
			}
			if _, _, err := act.LoadFile(Family, out, nil); err == nil {
				t.Error("a file was written")
			}
			if _, err := Load(c, src); err == nil || !strings.Contains(err.Error(), tc.want[0]) {
				t.Errorf("Load: err = %v", err)
			}
		})
	}
}

// An official checkpoint loads with a partial config: the sizes come from
// the tensors. Without any config it is refused.
func TestLoadFileOfficial(t *testing.T) {
	path := testenv.Fixture(t, "tiny_hrm") + ".state_dict"
	partial := DefaultConfig()
	partial.SeqLen, partial.HCycles, partial.LCycles, partial.NumHeads, partial.Expansion = 16, 2, 2, 2, 4
	partial.PosEncodings, partial.HaltMaxSteps, partial.HaltExplorationProb = "rope", 4, 0.1
	m, src, err := act.LoadFile(Family, path, &partial)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	want, _ := ReadConfigFile(testenv.Fixture(t, "tiny_hrm")+".json", DefaultConfig())
	want.BatchSize, want.ForwardDtype = 0, partial.ForwardDtype
	if got := m.(*Model).Cfg; got != want {
		t.Errorf("inferred %+v\nwant     %+v", got, want)
	}
	if _, _, err := act.LoadFile(Family, path, nil); err == nil || !strings.Contains(err.Error(), "has no config inside") {
		t.Errorf("err = %v", err)
	}
}

// openTensors opens a checkpoint for the duration of the test.
func openTensors(t *testing.T, path string) *tensors.File {
	t.Helper()
	src, err := tensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}
