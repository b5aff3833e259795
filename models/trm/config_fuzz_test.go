package trm

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// configSeeds returns the config dicts of the parity fixtures (found by
// glob) and of the presets, as JSON.
func configSeeds(f *testing.F) [][]byte {
	var out [][]byte
	files, _ := filepath.Glob("../../testdata/parity/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		var fx struct {
			Config json.RawMessage `json:"config"`
		}
		if json.Unmarshal(data, &fx) == nil && len(fx.Config) > 0 {
			out = append(out, fx.Config)
		}
	}
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range Presets {
			if !yield(n) {
				return
			}
		}
	}) {
		raw, _ := json.Marshal(Presets[name])
		out = append(out, raw)
	}
	return out
}

// FuzzParseConfig: a config dict (a native file's header, a training
// checkpoint's, a config file's) decodes to a config that validates, and
// that survives a JSON round trip, or to an error.
func FuzzParseConfig(f *testing.F) {
	for _, s := range configSeeds(f) {
		f.Add(s)
	}
	for _, s := range []string{`{}`, `null`, `[]`, `{"hidden_size": 8, "num_heads": 0}`, `{"seq_len": 1e400}`, `{"pos_encodings": 5}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "trm config: ") {
				t.Fatalf("error %q does not say what it is about", err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseConfig(raw)
		if err != nil || back != c {
			t.Fatalf("round trip: %+v, %v; want %+v", back, err, c)
		}
	})
}

// dumpYAML writes v (as parseSimpleYAML returns it) in the block style
// that parseSimpleYAML reads.
func dumpYAML(b *strings.Builder, m map[string]any, indent string) {
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		switch v := m[k].(type) {
		case map[string]any:
			b.WriteString(indent + k + ":\n")
			dumpYAML(b, v, indent+"  ")
		case []any:
			if len(v) == 0 {
				b.WriteString(indent + k + ": []\n")
				continue
			}
			b.WriteString(indent + k + ":\n")
			for _, item := range v {
				b.WriteString(indent + "- " + yamlLiteral(item) + "\n")
			}
		default:
			b.WriteString(indent + k + ": " + yamlLiteral(v) + "\n")
		}
	}
}

// yamlLiteral writes a scalar so that yamlScalar reads it back.
func yamlLiteral(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		s := strconv.FormatFloat(v, 'g', -1, 64)
		if _, err := strconv.ParseInt(s, 10, 64); err == nil {
			s += ".0"
		}
		return s
	case string:
		return `"` + v + `"`
	case []any:
		return "[]"
	}
	panic("unexpected YAML value")
}

// yamlEqual is reflect.DeepEqual with NaN equal to itself.
func yamlEqual(a, b any) bool {
	switch a := a.(type) {
	case float64:
		b, ok := b.(float64)
		return ok && (a == b || math.IsNaN(a) && math.IsNaN(b))
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, v := range a {
			if w, ok := b[k]; !ok || !yamlEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !yamlEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// FuzzSimpleYAML: the all_config.yaml reader returns a tree or an error
// naming the line, and what it returns is read back identically from its
// own block-style rendering.
func FuzzSimpleYAML(f *testing.F) {
	f.Add([]byte(allConfigYAML))
	for _, s := range []string{
		"a:\n  b: 1\n  c:\n  - x\n  - 'y'\nd: ~\n",
		"a:\n- 1\n  b: 2\n", "a:\n  b: 1\n- x\n", "- x\n", "a b\n", ": 1\n", "a: [1, 2]\n", "a: 'unterminated\n",
		"a:\n\tb: 1\n", "a: 1e400\n", "a: nan\n", "a: -0x10\n", "\r\na: 1\r\n", "# only a comment\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := parseSimpleYAML(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("error %q does not name the line", err)
			}
			return
		}
		var b strings.Builder
		dumpYAML(&b, y, "")
		back, err := parseSimpleYAML([]byte(b.String()))
		if err != nil || !yamlEqual(back, y) {
			t.Fatalf("round trip of\n%s\ngave %v, %v; want %v", b.String(), back, err, y)
		}
	})
}

// allConfigYAML is the shape of the official all_config.yaml (PyYAML's
// dump of a Maze run's config).
const allConfigYAML = `arch:
  H_cycles: 3
  H_layers: 0
  L_cycles: 4
  L_layers: 2
  expansion: 4
  forward_dtype: bfloat16
  halt_exploration_prob: 0.1
  halt_max_steps: 16
  hidden_size: 512
  loss:
    loss_type: stablemax_cross_entropy
    name: losses@ACTLossHead
  mlp_t: false
  name: recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1
  no_ACT_continue: true
  num_heads: 8
  pos_encodings: rope
  puzzle_emb_len: 16
  puzzle_emb_ndim: 512
beta1: 0.9
beta2: 0.95
checkpoint_every_eval: true
checkpoint_path: checkpoints/Maze-30x30-hard-1k-ACT-torch/pretrain_att_maze30x30
data_paths:
- data/maze-30x30-hard-1k
data_paths_test: []
ema: true
ema_rate: 0.999
epochs: 50000
eval_interval: 5000
evaluators: []
global_batch_size: 768
lr: 0.0001
lr_min_ratio: 1.0
lr_warmup_steps: 2000
project_name: Maze-30x30-hard-1k-ACT-torch
puzzle_emb_lr: 0.0001
puzzle_emb_weight_decay: 1.0
run_name: pretrain_att_maze30x30
seed: 0
weight_decay: 1.0
`

// FuzzReadConfigFile: a --config file (JSON, or all_config.yaml by its
// extension) gives a config or an error naming the file; a config read
// from a file reads back the same after being written as JSON.
func FuzzReadConfigFile(f *testing.F) {
	for _, s := range configSeeds(f) {
		f.Add(s, false)
		f.Add([]byte(`{"config": `+string(s)+`}`), false)
	}
	f.Add([]byte(allConfigYAML), true)
	f.Add([]byte("arch:\n  hidden_size: nan\n"), true)
	f.Add([]byte("arch:\n  hidden_size: '8'\n"), true)
	f.Add([]byte("arch: 5\n"), true)
	f.Add([]byte(`{"config": 5}`), false)
	f.Fuzz(func(t *testing.T, data []byte, yaml bool) {
		name := "config.json"
		if yaml {
			name = "all_config.yaml"
		}
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := ReadConfigFile(path, DefaultConfig())
		if err != nil {
			if !strings.HasPrefix(err.Error(), path+": ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		raw, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		again := filepath.Join(dir, "again.json")
		if err := os.WriteFile(again, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		back, err := ReadConfigFile(again, Config{})
		if err != nil || back != c {
			t.Fatalf("round trip: %+v, %v; want %+v", back, err, c)
		}
	})
}
