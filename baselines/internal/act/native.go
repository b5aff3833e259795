package act

import (
	"encoding/json"
	"fmt"

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

// Open opens a model file: an official checkpoint (config nil) or a native
// arceval file, whose kind must be kind and whose config is returned.
func Open(path, kind string) (*trm.FileTensors, json.RawMessage, error) {
	src, err := trm.OpenTensors(path)
	if err != nil {
		return nil, nil, err
	}
	md := src.File.Metadata()
	k := md[checkpoint.MetaKind]
	if k == "" {
		return src, nil, nil
	}
	if k != kind {
		src.Close()
		return nil, nil, fmt.Errorf("%s: a %s model, not %s", path, k, kind)
	}
	return src, json.RawMessage(md[checkpoint.MetaConfig]), nil
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
