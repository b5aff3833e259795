package direct

import (
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models/act"
	"arceval/models/tensors"
)

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
			_, err := act.Import(Family, &c, src, filepath.Join(t.TempDir(), "x"), nil)
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant %q", err, w)
				}
			}
		})
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
