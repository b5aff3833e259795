package trm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models/act"
	"arceval/models/tensors"

	"github.com/google/go-cmp/cmp"
)

func TestImportMismatch(t *testing.T) {
	cfg, err := ReadConfigFile(testenv.Fixture(t, "tiny_trm_att")+".json", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	src, err := tensors.Open(testenv.Fixture(t, "tiny_trm_att") + ".state_dict")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	wrong := cfg
	wrong.HiddenSize, wrong.NumHeads = 64, 2
	_, err = act.Import(Family, &wrong, src, filepath.Join(t.TempDir(), "x"), nil)
	if err == nil || !strings.Contains(err.Error(), "embed_tokens.embedding_weight has shape [7 32], the config needs [7 64]") {
		t.Errorf("err = %v", err)
	}
	wrong = cfg
	wrong.MLPT = true
	_, err = act.Import(Family, &wrong, src, filepath.Join(t.TempDir(), "x"), nil)
	if err == nil || !strings.Contains(err.Error(), "missing _orig_mod.model.inner.L_level.layers.0.mlp_t.gate_up_proj.weight") || !strings.Contains(err.Error(), "unexpected tensor _orig_mod.model.inner.L_level.layers.0.self_attn.qkv_proj.weight") {
		t.Errorf("err = %v", err)
	}
}

func TestReadConfigYAML(t *testing.T) {
	path := filepath.Join(t.TempDir(), "all_config.yaml")
	yaml := `arch:
  H_cycles: 3
  L_cycles: 4
  L_layers: 2
  expansion: 4
  hidden_size: 512
  loss:
    loss_type: stablemax_cross_entropy
    name: losses@ACTLossHead
  mlp_t: false
  name: recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1
  num_heads: 8
  pos_encodings: rope
  puzzle_emb_ndim: 512
  halt_max_steps: 16
data_paths:
- data/maze-30x30-hard-1k
ema: true
lr: 0.0001
`
	os.WriteFile(path, []byte(yaml), 0o644)
	c, err := ReadConfigFile(path, Config{SeqLen: 900, VocabSize: 6, NumPuzzleIdentifiers: 1, RMSNormEps: 1e-5, RopeTheta: 10000, PuzzleEmbLen: 16})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Preset("maze-att")
	c.HaltExplorationProb, c.NoACTContinue, c.ForwardDtype = want.HaltExplorationProb, want.NoACTContinue, want.ForwardDtype
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("config (-preset +file):\n%s", diff)
	}
}

func TestInferConfig(t *testing.T) {
	src, err := tensors.Open(testenv.Fixture(t, "tiny_trm_mlp") + ".state_dict")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	c := Config{PuzzleEmbLen: 4, Expansion: 4, NumHeads: 2}
	c.Infer(src)
	if c.VocabSize != 7 || c.HiddenSize != 32 || c.NumPuzzleIdentifiers != 3 || c.PuzzleEmbNdim != 32 || c.LLayers != 2 || !c.MLPT || c.SeqLen != 16 {
		t.Errorf("inferred %+v", c)
	}
}

// A YAML value JSON cannot hold (nan, inf) is named as such, not reported
// as "unexpected end of JSON input".
func TestReadConfigYAMLNaN(t *testing.T) {
	path := filepath.Join(t.TempDir(), "all_config.yaml")
	os.WriteFile(path, []byte("arch:\n  rms_norm_eps: .nan\n  rope_theta: nan\n"), 0o644)
	_, err := ReadConfigFile(path, DefaultConfig())
	if err == nil || !strings.HasPrefix(err.Error(), path) || !strings.Contains(strings.TrimPrefix(err.Error(), path), "NaN") {
		t.Fatalf("err = %v, want one naming the file and the NaN", err)
	}
}
