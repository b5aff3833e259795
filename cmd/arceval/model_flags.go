package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/pflag"

	"arceval/baselines/direct"
	"arceval/baselines/hrm"
	"arceval/models"
	"arceval/models/catalog"
	"arceval/models/checkpoint"
	"arceval/models/trm"
)

// modelFlags are the flags that say how to read a model file.
type modelFlags struct {
	model, kind, preset, config *string
	fetch                       *bool
}

func addModelFlags(fs *pflag.FlagSet) modelFlags {
	return modelFlags{
		model:  fs.String("model", "", "model file: native arceval .safetensors, an official checkpoint (needs --preset or --config), or a released checkpoint's name (`arceval models list`: its family and preset are used)"),
		kind:   fs.String("kind", "", "model family of an official checkpoint: trm (default), hrm, transformer_baseline or mlp_baseline (native files say it themselves)"),
		preset: fs.String("preset", "", "preset for an official checkpoint — TRM: sudoku-mlp, sudoku-att, maze-att, arc1-att, arc2-att (+ -paper); HRM: sudoku-extreme, maze-30x30-hard, arc-1, arc-2; transformer_baseline: sudoku, maze, arc1, arc2 (+ -direct-pred); mlp_baseline: sudoku-mlp"),
		config: fs.String("config", "", "official config: a JSON whose config object is the config dict (e.g. a parity fixture), or all_config.yaml"),
		fetch:  fs.Bool("fetch", false, "download a released checkpoint named by --model into the model cache when it is not there yet"),
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

// resolveConfig returns the TRM config given by --preset and/or --config (a
// config file overrides the preset's fields), or nil when neither is set.
func resolveConfig(preset, config string) (*trm.Config, error) {
	if preset == "" && config == "" {
		return nil, nil
	}
	c := trm.DefaultConfig()
	if preset != "" {
		p, err := trm.Preset(preset)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		c = p
	}
	if config != "" {
		var err error
		if c, err = trm.ReadConfigFile(config, c); err != nil {
			return nil, err
		}
	}
	return &c, nil
}

// load opens the TRM named by the flags (forward and bench are TRM tools).
func (f modelFlags) load() (*trm.Model, func(), error) {
	if *f.model == "" {
		return nil, nil, usageError{"--model is required"}
	}
	cfg, err := resolveConfig(*f.preset, *f.config)
	if err != nil {
		return nil, nil, err
	}
	m, src, err := trm.LoadFile(*f.model, cfg)
	if err != nil {
		return nil, nil, err
	}
	return m, func() { src.Close() }, nil
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

// loadAny opens the model named by the flags, of any kind, for the harness.
func (f modelFlags) loadAny() (loadedModel, error) {
	if *f.model == "" {
		return loadedModel{}, usageError{"--model is required"}
	}
	kind := nativeKind(*f.model)
	if kind == "" {
		kind = *f.kind
	} else if *f.kind != "" && *f.kind != kind {
		return loadedModel{}, usageError{fmt.Sprintf("--kind %s, but %s is a %s model", *f.kind, *f.model, kind)}
	}
	var (
		m   models.Model
		cfg any
		src interface{ Close() error }
		err error
	)
	switch kind {
	case "", trm.Kind:
		var c *trm.Config
		if c, err = resolveConfig(*f.preset, *f.config); err != nil {
			return loadedModel{}, err
		}
		var tm *trm.Model
		if tm, src, err = opened(trm.LoadFile(*f.model, c)); err == nil {
			m, cfg = tm, tm.Cfg
		}
	case hrm.Kind:
		var c *hrm.Config
		if c, err = baselineConfig(*f.preset, *f.config, hrm.DefaultConfig, hrm.Preset, hrm.ReadConfigFile); err != nil {
			return loadedModel{}, err
		}
		var hm *hrm.Model
		if hm, src, err = opened(hrm.LoadFile(*f.model, c)); err == nil {
			m, cfg = hm, hm.Cfg
		}
	case direct.Kind, "direct", direct.MLPKind:
		var c *direct.Config
		if c, err = baselineConfig(*f.preset, *f.config, direct.DefaultConfig, direct.Preset, direct.ReadConfigFile); err != nil {
			return loadedModel{}, err
		}
		var dm *direct.Model
		if dm, src, err = opened(direct.LoadFile(*f.model, c)); err == nil {
			m, cfg = dm, dm.Cfg
		}
	default:
		return loadedModel{}, usageError{fmt.Sprintf("model kind %q: want trm, hrm, transformer_baseline or mlp_baseline", kind)}
	}
	if err != nil {
		return loadedModel{}, err
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		src.Close()
		return loadedModel{}, err
	}
	return loadedModel{Model: m, Config: raw, Close: func() { src.Close() }}, nil
}

// opened turns a family's LoadFile result into a model and the closer of
// its tensor source (nil on error).
func opened[M any](m M, src *trm.FileTensors, err error) (M, interface{ Close() error }, error) {
	if err != nil {
		return m, nil, err
	}
	return m, src, nil
}

// baselineConfig resolves --preset/--config for a baseline's config type.
func baselineConfig[C any](preset, config string, def func() C, byName func(string) (C, error), read func(string, C) (C, error)) (*C, error) {
	if preset == "" && config == "" {
		return nil, nil
	}
	c := def()
	if preset != "" {
		p, err := byName(preset)
		if err != nil {
			return nil, usageError{err.Error()}
		}
		c = p
	}
	if config != "" {
		var err error
		if c, err = read(config, c); err != nil {
			return nil, err
		}
	}
	return &c, nil
}
