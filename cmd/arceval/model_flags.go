package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"arceval/harness"
	"arceval/models"
	"arceval/models/act"
	"arceval/models/catalog"
	"arceval/models/checkpoint"
	"arceval/models/registry"
	"arceval/results"
)

// modelFlags are the flags that say how to read a model file.
type modelFlags struct {
	model, kind, preset, config *string
	fetch                       *bool
	precision                   *string // --precision (nil: float32)
}

func addModelFlags(fs *pflag.FlagSet) modelFlags {
	return modelFlags{
		model:     fs.String("model", "", "model file: native arceval .safetensors, an official checkpoint (needs --preset or --config), or a released checkpoint's name (`arceval models list`: its family and preset are used)"),
		kind:      fs.String("kind", "", "model family of an official checkpoint: "+registry.KindList()+" (default trm; native files say it themselves)"),
		preset:    fs.String("preset", "", "preset for an official checkpoint — "+presetList()),
		config:    fs.String("config", "", "official config: a JSON whose config object is the config dict (e.g. a parity fixture), or all_config.yaml"),
		fetch:     fs.Bool("fetch", false, "download a released checkpoint named by --model into the model cache when it is not there yet"),
		precision: addPrecisionFlag(fs),
	}
}

// resolve turns a catalog name given as --model into its cached file and
// fills --kind and --preset from the entry when they are not given. It
// returns the entry (nil for a file).
func (f modelFlags) resolve(c *cli) (*catalog.Entry, error) {
	path, e, err := resolveModelArg(c, *f.model, *f.fetch)
	if err != nil {
		return nil, err
	}
	*f.model = path
	return e, applyEntry(e, f.kind, f.preset, *f.config)
}

// presetList lists every family's presets, for help texts.
func presetList() string {
	var parts []string
	for _, f := range registry.Families {
		parts = append(parts, f.Kind()+": "+strings.Join(f.Presets(), ", "))
	}
	return strings.Join(parts, "; ")
}

// family is the registry's family of a kind ("" is TRM), a usage error
// for an unknown one.
func family(kind string) (models.Family, error) {
	if kind == "" {
		kind = "trm"
	}
	f, err := registry.Lookup(kind)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return f, nil
}

// resolveConfig returns a family's config given by --preset and/or
// --config (harness.ResolveConfig), an unknown preset a usage error.
func resolveConfig(f models.Family, preset, config string) (models.Config, error) {
	c, err := harness.ResolveConfig(f, preset, config)
	return c, cliError(err)
}

// loadedModel is any model behind the harness interface, with its effective
// config (recorded in run headers).
type loadedModel struct {
	models.Model
	Config json.RawMessage
	Close  func()
}

// nativeKind is the model kind a native arceval file declares ("" for other
// files).
func nativeKind(path string) string {
	f, err := checkpoint.OpenSafetensors(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	return f.Metadata()[checkpoint.MetaKind]
}

// loadAny opens the model named by the flags, of any family: a native
// file's own, else --kind's (TRM by default).
func (f modelFlags) loadAny(stderr io.Writer) (loadedModel, error) {
	prec, err := f.precisionName()
	if err != nil {
		return loadedModel{}, err
	}
	if *f.model == "" {
		return loadedModel{}, usageError{"--model is required"}
	}
	kind := nativeKind(*f.model)
	if kind == "" {
		kind = *f.kind
	} else if *f.kind != "" && *f.kind != kind {
		return loadedModel{}, usageError{fmt.Sprintf("--kind %s, but %s is a %s model", *f.kind, *f.model, kind)}
	}
	fam, err := family(kind)
	if err != nil {
		return loadedModel{}, err
	}
	cfg, err := resolveConfig(fam, *f.preset, *f.config)
	if err != nil {
		return loadedModel{}, err
	}
	m, src, err := act.LoadFile(fam, *f.model, cfg)
	if err != nil {
		return loadedModel{}, err
	}
	raw, err := configJSON(m)
	if err == nil {
		err = setPrecision(stderr, m, prec)
	}
	if err != nil {
		src.Close()
		return loadedModel{}, err
	}
	return loadedModel{Model: m, Config: raw, Close: func() { src.Close() }}, nil
}

// precisionName is --precision as a run-record name (float32 without the
// flag).
func (f modelFlags) precisionName() (string, error) {
	if f.precision == nil {
		return results.PrecisionFloat32, nil
	}
	return parsePrecision("", *f.precision)
}

// configJSON is a loaded model's config as native files store it.
func configJSON(m models.Model) (json.RawMessage, error) {
	c, ok := m.(interface{ ConfigJSON() ([]byte, error) })
	if !ok {
		return nil, fmt.Errorf("a %s model without its config", m.Info().Kind)
	}
	return c.ConfigJSON()
}

// configSizes reads the sizes every family's config has (harness.ConfigSizes).
func configSizes(c models.Config) (seqLen, vocab, hidden, ids int) { return harness.ConfigSizes(c) }
