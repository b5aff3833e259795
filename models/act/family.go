package act

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"arceval/models"
	"arceval/models/checkpoint"
	"arceval/models/tensors"
)

// This file holds what every family does the same way, given its
// models.Family and the layout of its configs: config files, official
// checkpoints, native files and fresh weights.

// PresetNames lists the names of a preset table, sorted.
func PresetNames[C any](presets map[string]C) []string { return slices.Sorted(maps.Keys(presets)) }

// Preset returns presets[name], or an error listing the known names (model
// names the family: "TRM").
func Preset[C any](presets map[string]C, model, name string) (C, error) {
	c, ok := presets[name]
	if !ok {
		return c, fmt.Errorf("unknown %s preset %q (known: %s)", model, name, strings.Join(PresetNames(presets), ", "))
	}
	return c, nil
}

// ParseConfig decodes a config dict (JSON, official field names) over the
// family's defaults and validates it: how a native file's header is read.
func ParseConfig(f models.Family, data []byte) (models.Config, error) {
	c, err := decodeConfig(f, data)
	if err != nil {
		return nil, err
	}
	return c, c.Validate()
}

// decodeConfig decodes a config dict over the family's defaults.
func decodeConfig(f models.Family, data []byte) (models.Config, error) {
	c, err := f.Config("")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, c); err != nil {
		return nil, fmt.Errorf("%s config: %w", f.Kind(), err)
	}
	return c, nil
}

// Override sets the config fields of an inline JSON object (official
// names) in c.
func Override(c models.Config, fields []byte) error { return json.Unmarshal(fields, c) }

// LoadFile opens a model file of a family. A native arceval file carries
// its config, which must be of the file's kind (a file of another family
// is refused); for an official checkpoint cfg must be given (a preset or a
// config file), and the sizes it leaves at zero are inferred from the
// tensor shapes (Config.Infer). The returned source stays open (puzzle
// rows are read on demand): close it when done with the model.
func LoadFile(f models.Family, path string, cfg models.Config) (models.Model, *tensors.File, error) {
	src, err := tensors.Open(path)
	if err != nil {
		return nil, nil, err
	}
	c, err := fileConfig(f, src, cfg)
	var m models.Model
	if err == nil {
		m, err = f.Load(c, src)
	}
	if err != nil {
		src.Close()
		return nil, nil, namePath(path, err)
	}
	return m, src, nil
}

// LoadFileTrainable is LoadFile for training (a native file's weights are
// read whole and owned by the model; the file is closed).
func LoadFileTrainable(f models.Family, path string, cfg models.Config) (models.Trainable, error) {
	src, err := tensors.Open(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	c, err := fileConfig(f, src, cfg)
	var m models.Trainable
	if err == nil {
		m, err = f.LoadTrainable(c, src)
	}
	if err != nil {
		return nil, namePath(path, err)
	}
	return m, nil
}

// fileConfig is the config of a model file: a native file's own, or cfg
// completed from an official checkpoint's shapes.
func fileConfig(f models.Family, src *tensors.File, cfg models.Config) (models.Config, error) {
	switch {
	case checkpoint.IsNative(src.Metadata()):
		// The format version, kind and config are checked first: a file of
		// a newer format is refused, not read as if it were ours.
		n, err := checkpoint.AsNative(src.File)
		if err != nil {
			return nil, err
		}
		c, err := decodeConfig(f, n.Config)
		if err != nil {
			return nil, err
		}
		if c.Kind() != n.Kind {
			return nil, fmt.Errorf("a %s model, not %s", n.Kind, f.Kind())
		}
		return c, c.Validate()
	case cfg != nil:
		cfg.Infer(src)
		return cfg, nil
	}
	return nil, fmt.Errorf("an official checkpoint has no config inside: pass --preset or --config")
}

// ImportReport describes an imported checkpoint.
type ImportReport struct {
	Prefix     string // key prefix found in the source ("_orig_mod.model.inner." …)
	Tensors    int
	Params     int // trainable parameters (official num_params: buffers excluded)
	PuzzleRows int // rows of the puzzle-embedding table (a buffer)
}

// Import converts an official checkpoint of a family into a native arceval
// file at out: the tensors of c's layout, with their dtypes, under short
// names, and the kind and config in the header. The checkpoint must load
// as a model of c (every missing, mis-shaped or unexpected tensor is
// reported, and non-finite weights) before anything is written; the file
// is written atomically.
func Import(f models.Family, c models.Config, src *tensors.File, out string, meta map[string]string) (ImportReport, error) {
	var rep ImportReport
	if _, err := f.Load(c, src); err != nil {
		return rep, fmt.Errorf("%s: %w", src.Path(), err)
	}
	r, err := NewResolver(src, f.Kind())
	if err != nil {
		return rep, fmt.Errorf("%s: %w", src.Path(), err)
	}
	rep.Prefix = r.Prefix
	specs := c.Specs()
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
	// Nothing eval would refuse is written: NaN or ±Inf anywhere (the
	// model reads puzzle-table rows lazily, so check the whole table here).
	for _, nt := range list {
		if err := nt.Source.CheckFinite(); err != nil {
			return rep, err
		}
	}
	rep.Tensors, rep.Params = len(list), tensors.Params(specs)
	cfg, err := json.Marshal(c)
	if err != nil {
		return rep, err
	}
	all := map[string]string{"arceval.source": src.Path()}
	for k, v := range meta {
		all[k] = v
	}
	return rep, checkpoint.WriteNative(out, c.Kind(), cfg, list, all)
}

// WriteInit writes a freshly initialised model of config c (InitTensors of
// its layout, from seed) as a native arceval file, atomically.
func WriteInit(c models.Config, seed uint64, path string, meta map[string]string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return tensors.WriteNative(path, c.Kind(), c, c.Specs(), InitTensors(c.Specs(), seed), meta)
}

// Family is a models.Family made of a family's config type C (whose
// pointer is its models.Config), its preset table and its loader: what a
// family package declares to join the registry.
type Family[C any, P interface {
	*C
	models.Config
}] struct {
	Name  string // the kind ("trm")
	Title string // the model's name in messages ("TRM")
	// Presets are the released configurations; Default holds the official
	// defaults of the fields a config dict may omit.
	Table   map[string]C
	Default func() C
	// Def is the model of a config for the core.
	Def func(C) Def
}

func (f Family[C, P]) Kind() string      { return f.Name }
func (f Family[C, P]) Presets() []string { return PresetNames(f.Table) }

func (f Family[C, P]) Config(preset string) (models.Config, error) {
	c := f.Default()
	if preset != "" {
		var err error
		if c, err = Preset(f.Table, f.Title, preset); err != nil {
			return nil, err
		}
	}
	return P(&c), nil
}

func (f Family[C, P]) Load(c models.Config, src tensors.Source) (models.Model, error) {
	return f.load(c, src, false)
}

func (f Family[C, P]) LoadTrainable(c models.Config, src tensors.Source) (models.Trainable, error) {
	return f.load(c, src, true)
}

func (f Family[C, P]) load(c models.Config, src tensors.Source, trainable bool) (models.Trainable, error) {
	p, ok := c.(P)
	if !ok || p == nil {
		return nil, fmt.Errorf("%s: a %T is not a %s config", f.Name, c, f.Title)
	}
	m, err := LoadOf(*p, f.Def(*p), src, trainable)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// ParseInto decodes an official config dict over base (a family's
// defaults) and validates it; model names the family in a decoding error
// ("hrm config: …").
func ParseInto[C interface{ Validate() error }](data []byte, base C, model string) (C, error) {
	if err := json.Unmarshal(data, &base); err != nil {
		return base, fmt.Errorf("%s config: %w", model, err)
	}
	return base, base.Validate()
}

// ReadInto reads a model config file (tensors.ReadConfigFile) over base (a
// family's defaults or a preset): the fields the file does not set keep
// base's values. On an error base is returned unchanged.
func ReadInto[C any](path string, base C) (C, error) {
	c := base
	if err := tensors.ReadConfigFile(path, &c); err != nil {
		return base, err
	}
	return c, nil
}

// namePath prefixes err with the file's path unless it already names it (a
// checkpoint.Error of that file).
func namePath(path string, err error) error {
	var ce *checkpoint.Error
	if errors.As(err, &ce) && ce.File == path {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}
