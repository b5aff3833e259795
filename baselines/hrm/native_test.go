package hrm

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/internal/parity"
	"arceval/internal/testenv"
	"arceval/models/checkpoint"
	"arceval/models/trm"
)

// Importing an official checkpoint and loading the native file gives the
// same outputs, bit for bit; the native file needs no config.
func TestImportRoundTrip(t *testing.T) {
	cfg, err := ReadConfigFile(testenv.Fixture(t, "tiny_hrm")+".json", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	src := openTensors(t, testenv.Fixture(t, "tiny_hrm")+".state_dict")
	out := filepath.Join(t.TempDir(), "tiny_hrm.safetensors")
	rep, err := Import(src, cfg, out, map[string]string{"note": "test"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Prefix != "_orig_mod.model.inner." || rep.Params != cfg.Params() || rep.PuzzleRows != 3 || rep.Tensors != len(src.Names()) {
		t.Errorf("report %+v (params %d, %d tensors)", rep, cfg.Params(), len(src.Names()))
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
	if md := nsrc.File.Metadata(); md["note"] != "test" || md["arceval.kind"] != "hrm" {
		t.Errorf("metadata %v", md)
	}
	if b := testBatch(official, 3); !slices.Equal(parity.RunOutputs(t, official, b, 3), parity.RunOutputs(t, native, b, 3)) {
		t.Error("the native model's outputs differ from the official checkpoint's")
	}
	// A native HRM file is not a TRM.
	if _, _, err := trm.LoadFile(out, nil); err == nil || !strings.Contains(err.Error(), "a hrm model, not trm") {
		t.Errorf("trm.LoadFile: err = %v", err)
	}
}

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
			_, err := Import(src, c, out, nil)
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant %q", err, w)
				}
			}
			if _, _, err := LoadFile(out, nil); err == nil {
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
	m, src, err := LoadFile(path, &partial)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	want, _ := ReadConfigFile(testenv.Fixture(t, "tiny_hrm")+".json", DefaultConfig())
	want.BatchSize, want.ForwardDtype = 0, partial.ForwardDtype
	if m.Cfg != want {
		t.Errorf("inferred %+v\nwant     %+v", m.Cfg, want)
	}
	if _, _, err := LoadFile(path, nil); err == nil || !strings.Contains(err.Error(), "has no config inside") {
		t.Errorf("err = %v", err)
	}
}

// A native HRM file of a format this build does not know is refused (the
// families' LoadFile skipped AsNative's version check).
func TestLoadFileChecksNativeFormat(t *testing.T) {
	cfg, err := ReadConfigFile(testenv.Fixture(t, "tiny_hrm")+".json", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	src := openTensors(t, testenv.Fixture(t, "tiny_hrm")+".state_dict")
	out := filepath.Join(t.TempDir(), "tiny_hrm.safetensors")
	if _, err := Import(src, cfg, out, map[string]string{"note": "test"}); err != nil {
		t.Fatal(err)
	}
	f, err := checkpoint.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	var list []checkpoint.NamedTensor
	for _, k := range f.Keys() {
		tn, _ := f.Tensor(k)
		nt := checkpoint.FromTensor(tn)
		nt.Name = k
		list = append(list, nt)
	}
	defer f.Close()
	md := maps.Clone(f.Metadata())
	md[checkpoint.MetaFormat] = "2"
	newer := filepath.Join(t.TempDir(), "newer.safetensors")
	if err := checkpoint.WriteSafetensors(newer, list, md); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadFile(newer, nil); err == nil || !strings.Contains(err.Error(), newer) || !strings.Contains(err.Error(), `arceval.format is "2", this build reads "1"`) {
		t.Errorf("error %v, want the format refused naming the file", err)
	}
}
