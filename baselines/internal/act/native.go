package act

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"arceval/models/checkpoint"
	"arceval/models/trm"
)

// ImportReport describes an imported checkpoint.
type ImportReport struct {
	Prefix     string // key prefix found in the source ("_orig_mod.model.inner." …)
	Tensors    int
	Params     int // trainable parameters (official num_params: buffers excluded)
	PuzzleRows int // rows of the puzzle-embedding table (a buffer)
}

// Import converts an official checkpoint into a native arceval file at out:
// the tensors of specs, with their dtypes, under short names, and kind and
// config (JSON) in the header. Every missing, mis-shaped or unexpected
// tensor is reported before anything is written; the file is written
// atomically.
func Import(src *trm.FileTensors, model, kind string, config any, specs []Spec, out string, meta map[string]string) (ImportReport, error) {
	var rep ImportReport
	r, err := NewResolver(src, model)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", src.File.Path, err)
	}
	if err := r.Check(specs); err != nil {
		return rep, fmt.Errorf("%s: %w", src.File.Path, err)
	}
	rep.Prefix = r.Prefix
	list := make([]checkpoint.NamedTensor, 0, len(specs))
	for _, s := range specs {
		t, _ := src.File.Tensor(r.Prefix + s.Name)
		nt := checkpoint.FromTensor(t)
		nt.Name = s.Name
		list = append(list, nt)
		if s.Name == "puzzle_emb.weights" {
			rep.PuzzleRows = t.Shape[0]
		}
	}
	// Nothing eval would refuse is written: NaN or ±Inf anywhere (eval
	// reads puzzle-table rows lazily, so check the whole table here).
	for _, nt := range list {
		if err := nt.Source.CheckFinite(); err != nil {
			return rep, err
		}
	}
	rep.Tensors, rep.Params = len(list), Params(specs)
	cfg, err := json.Marshal(config)
	if err != nil {
		return rep, err
	}
	all := map[string]string{"arceval.source": src.File.Path}
	for k, v := range meta {
		all[k] = v
	}
	return rep, checkpoint.WriteNative(out, kind, cfg, list, all)
}

// WriteNative writes in-memory tensors (short names) as a native arceval
// file of a kind, in the order of specs, with config (JSON) in the header;
// the file is written atomically.
func WriteNative(path, kind string, config any, specs []Spec, t trm.TensorMap, meta map[string]string) error {
	list := make([]checkpoint.NamedTensor, 0, len(specs))
	for _, s := range specs {
		v, ok := t[s.Name]
		if !ok || len(v.Data) != s.Elements() {
			return fmt.Errorf("%s: no tensor %s %v", path, s.Name, s.Shape)
		}
		list = append(list, checkpoint.Float32Tensor(s.Name, s.Shape, v.Data))
	}
	cfg, err := json.Marshal(config)
	if err != nil {
		return err
	}
	return checkpoint.WriteNative(path, kind, cfg, list, meta)
}

// LoadFile opens a model file of a family (its kinds, with its config
// parser, shape inference and loader). A native arceval file carries its
// config and must be of one of the kinds; for an official checkpoint cfg
// must be given, and infer fills what it leaves at zero from the tensor
// shapes. The returned source stays open (puzzle rows are read on demand).
func LoadFile[C, M any](path string, kinds []string, cfg *C, parse func([]byte) (C, error), infer func(C, Tensors) C, load func(C, Tensors) (M, error)) (M, *trm.FileTensors, error) {
	var zero M
	src, err := trm.OpenTensors(path)
	if err != nil {
		return zero, nil, err
	}
	var c C
	md := src.File.Metadata()
	var n *checkpoint.Native
	if checkpoint.IsNative(md) {
		// The format version, kind and config are checked first: a file of
		// a newer format is refused, not read as if it were ours.
		if n, err = checkpoint.AsNative(src.File); err != nil {
			src.Close()
			return zero, nil, err
		}
	}
	switch {
	case n != nil && !slices.Contains(kinds, n.Kind):
		err = fmt.Errorf("a %s model, not %s", n.Kind, strings.Join(kinds, " or "))
	case n != nil:
		c, err = parse(n.Config)
	case cfg != nil:
		c = infer(*cfg, src)
	default:
		err = fmt.Errorf("an official checkpoint has no config inside: pass a preset or a config file")
	}
	var m M
	if err == nil {
		m, err = load(c, src)
	}
	if err != nil {
		src.Close()
		return zero, nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, src, nil
}

// Preset returns presets[name], or an error listing the known names.
func Preset[C any](presets map[string]C, model, name string) (C, error) {
	c, ok := presets[name]
	if !ok {
		names := slices.Sorted(maps.Keys(presets))
		return c, fmt.Errorf("unknown %s preset %q (known: %s)", model, name, strings.Join(names, ", "))
	}
	return c, nil
}

// ReadConfigFile decodes the official config dict of a config file (JSON
// dict, parity fixture or all_config.yaml; see trm.ReadConfigDict) into
// cfg, which holds the defaults for fields the file does not set.
func ReadConfigFile(path string, cfg any) error {
	dict, err := trm.ReadConfigDict(path)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(dict)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := json.Unmarshal(raw, cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
