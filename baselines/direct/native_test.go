package direct

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/baselines/hrm"
	"arceval/internal/parity"
	"arceval/internal/testenv"
)

// Importing an official checkpoint and loading the native file gives the
// same outputs, bit for bit; the native file needs no config, and a model
// of another kind is refused.
func TestImportRoundTrip(t *testing.T) {
	cfg, err := ReadConfigFile(testenv.Fixture(t, "tiny_direct")+".json", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	src := openTensors(t, testenv.Fixture(t, "tiny_direct")+".state_dict")
	out := filepath.Join(t.TempDir(), "tiny_direct.safetensors")
	rep, err := Import(src, cfg, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Prefix != "_orig_mod.model.inner." || rep.Params != cfg.Params() || rep.PuzzleRows != 3 || rep.Tensors != len(src.Names()) {
		t.Errorf("report %+v", rep)
	}
	official, err := Load(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	native, nsrc, err := LoadFile(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer nsrc.Close()
	if native.Cfg != cfg {
		t.Errorf("native config %+v, imported %+v", native.Cfg, cfg)
	}
	b := parity.FixedBatch(cfg.SeqLen, cfg.VocabSize, cfg.NumPuzzleIdentifiers, 3)
	if !slices.Equal(parity.RunOutputs(t, official, b, 3), parity.RunOutputs(t, native, b, 3)) {
		t.Error("the native model's outputs differ from the official checkpoint's")
	}
	if _, _, err := hrm.LoadFile(out, nil); err == nil || !strings.Contains(err.Error(), "a transformer_baseline model, not hrm") {
		t.Errorf("hrm.LoadFile: err = %v", err)
	}
}

// A checkpoint that does not match the config is refused with every
// problem named.
func TestImportMismatch(t *testing.T) {
	cfg, err := ReadConfigFile(testenv.Fixture(t, "tiny_direct")+".json", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		fixture string
		edit    func(c *Config)
		want    []string
	}{
		{"heads", "tiny_direct", func(c *Config) { c.NumHeads = 3 }, // head_dim 10: the heads are 30 wide
			[]string{"checkpoint does not match the transformer baseline config (4 problems)", "_orig_mod.model.inner.H_level.layers.0.self_attn.qkv_proj.weight has shape [96 32], the config needs [90 32]", "H_level.layers.1.self_attn.o_proj.weight has shape [32 32], the config needs [32 30]"}},
		{"layers", "tiny_direct", func(c *Config) { c.HLayers = 1 },
			[]string{"(4 problems)", "unexpected tensor _orig_mod.model.inner.H_level.layers.1.self_attn.qkv_proj.weight"}},
		{"HRM checkpoint", "tiny_hrm", func(c *Config) {},
			[]string{"unexpected tensor _orig_mod.model.inner.L_init", "unexpected tensor _orig_mod.model.inner.L_level.layers.0.mlp.down_proj.weight"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			tc.edit(&c)
			src := openTensors(t, testenv.Fixture(t, tc.fixture)+".state_dict")
			_, err := Import(src, c, filepath.Join(t.TempDir(), "x"), nil)
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant %q", err, w)
				}
			}
		})
	}
}
