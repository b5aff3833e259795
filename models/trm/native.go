package trm

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"arceval/models/checkpoint"
)

// Kind is the model kind recorded in native files and run headers.
const Kind = "trm"

// ImportReport describes an imported checkpoint.
type ImportReport struct {
	Prefix     string // key prefix found in the source ("_orig_mod.model.inner." …)
	Tensors    int
	Params     int // trainable parameters (official num_params: buffers excluded)
	PuzzleRows int // rows of the puzzle-embedding table (a buffer)
}

// buffers are tensors that are not parameters in the official model.
var buffers = map[string]bool{"H_init": true, "L_init": true, "puzzle_emb.weights": true}

// Import converts an official checkpoint into a native arceval file at out:
// the same tensors and dtypes under short names (no official prefix), with
// the config in the header. Every missing, mis-shaped or unexpected tensor is
// reported before anything is written; the file is written atomically.
func Import(src *FileTensors, c Config, out string, meta map[string]string) (ImportReport, error) {
	var rep ImportReport
	if err := c.Validate(); err != nil {
		return rep, err
	}
	r, err := newResolver(src)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", src.File.Path, err)
	}
	if err := r.check(c); err != nil {
		return rep, fmt.Errorf("%s: %w", src.File.Path, err)
	}
	rep.Prefix = r.prefix
	var list []checkpoint.NamedTensor
	for _, s := range expectedWeights(c) {
		t, _ := src.File.Tensor(r.prefix + s.name)
		nt := checkpoint.FromTensor(t)
		nt.Name = s.name
		list = append(list, nt)
		n := t.NumElements()
		if s.name == "puzzle_emb.weights" {
			rep.PuzzleRows = t.Shape[0]
		}
		if !buffers[s.name] {
			rep.Params += n
		}
	}
	rep.Tensors = len(list)
	cfg, err := json.Marshal(c)
	if err != nil {
		return rep, err
	}
	all := map[string]string{"arceval.source": src.File.Path}
	for k, v := range meta {
		all[k] = v
	}
	return rep, checkpoint.WriteNative(out, Kind, cfg, list, all)
}

// LoadFile opens a model file. A native arceval file carries its config; for
// an official checkpoint cfg must be given (a preset or a config file), and
// fields it leaves at zero are inferred from the tensor shapes.
func LoadFile(path string, cfg *Config) (*Model, *FileTensors, error) {
	src, err := OpenTensors(path)
	if err != nil {
		return nil, nil, err
	}
	var c Config
	switch md := src.File.Metadata(); {
	case md[checkpoint.MetaKind] != "":
		if k := md[checkpoint.MetaKind]; k != Kind {
			src.Close()
			return nil, nil, fmt.Errorf("%s: a %s model, not %s", path, k, Kind)
		}
		if c, err = ParseConfig([]byte(md[checkpoint.MetaConfig])); err != nil {
			src.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
	case cfg != nil:
		c = InferConfig(*cfg, src)
	default:
		src.Close()
		return nil, nil, fmt.Errorf("%s: an official checkpoint has no config inside: pass --preset or --config", path)
	}
	m, err := Load(c, src)
	if err != nil {
		src.Close()
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, src, nil
}

// InferConfig fills the zero size fields of c from the tensors' shapes
// (vocabulary, hidden size, puzzle table, layer count, mlp_t and, for mlp_t
// models, the sequence length).
func InferConfig(c Config, src Tensors) Config {
	r, err := newResolver(src)
	if err != nil {
		return c
	}
	shape := func(name string) []int { s, _ := src.Shape(r.prefix + name); return s }
	if s := shape("embed_tokens.embedding_weight"); len(s) == 2 {
		if c.VocabSize == 0 {
			c.VocabSize = s[0]
		}
		if c.HiddenSize == 0 {
			c.HiddenSize = s[1]
		}
	}
	if s := shape("puzzle_emb.weights"); len(s) == 2 {
		if c.NumPuzzleIdentifiers == 0 {
			c.NumPuzzleIdentifiers = s[0]
		}
		if c.PuzzleEmbNdim == 0 {
			c.PuzzleEmbNdim = s[1]
		}
	}
	if c.LLayers == 0 {
		for _, n := range src.Names() {
			if strings.HasPrefix(n, r.prefix+"L_level.layers.") {
				var i int
				fmt.Sscanf(strings.TrimPrefix(n, r.prefix+"L_level.layers."), "%d", &i)
				c.LLayers = max(c.LLayers, i+1)
			}
		}
	}
	if s := shape("L_level.layers.0.mlp_t.down_proj.weight"); len(s) == 2 {
		c.MLPT = true
		if c.SeqLen == 0 {
			c.SeqLen = s[0] - c.PrefixLen()
		}
	}
	return c
}

// ReadConfigFile reads a model config: a JSON object (a bare official config
// dict, or an object whose "config" member is one, such as a parity fixture)
// or the official all_config.yaml (its arch section). Fields it does not set
// keep the values of base (DefaultConfig or a preset).
func ReadConfigFile(path string, base Config) (Config, error) {
	dict, err := ReadConfigDict(path)
	if err != nil {
		return base, err
	}
	raw, err := json.Marshal(dict)
	if err != nil { // a YAML nan or inf has no JSON form
		return base, fmt.Errorf("%s: %v", path, err)
	}
	c := base
	if err := json.Unmarshal(raw, &c); err != nil {
		return base, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// WriteTensors writes in-memory weights for config c as a native arceval
// file (atomically), in the order of the official state_dict.
func WriteTensors(path string, c Config, t TensorMap, meta map[string]string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	var list []checkpoint.NamedTensor
	for _, s := range expectedWeights(c) {
		v, ok := t[s.name]
		if !ok {
			return fmt.Errorf("%s: no tensor %s", path, s.name)
		}
		list = append(list, checkpoint.Float32Tensor(s.name, v.Shape, v.Data))
	}
	cfg, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return checkpoint.WriteNative(path, Kind, cfg, list, meta)
}

// ReadConfigDict reads the official config dict of a model config file, as
// ReadConfigFile does, without decoding it into a TRM Config (the baselines
// use it for their own configs).
func ReadConfigDict(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var dict map[string]any
	if strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml") {
		y, err := parseSimpleYAML(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		arch, ok := y["arch"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: no arch section", path)
		}
		dict = arch
	} else {
		if err := json.Unmarshal(data, &dict); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if inner, ok := dict["config"].(map[string]any); ok {
			dict = inner
		}
	}
	return dict, nil
}
