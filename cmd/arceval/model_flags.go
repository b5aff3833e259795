package main

import (
	"encoding/json"

	"github.com/spf13/pflag"

	"arceval/models"
	"arceval/models/trm"
)

// modelFlags are the flags that say how to read a model file.
type modelFlags struct {
	model, preset, config *string
}

func addModelFlags(fs *pflag.FlagSet) modelFlags {
	return modelFlags{
		model:  fs.String("model", "", "model file: native arceval .safetensors, or an official checkpoint (needs --preset or --config)"),
		preset: fs.String("preset", "", "TRM preset for an official checkpoint: sudoku-mlp, sudoku-att, maze-att, arc1-att, arc2-att (+ -paper for L_cycles 6)"),
		config: fs.String("config", "", "official config: a JSON whose config object is the config dict (e.g. a parity fixture), or all_config.yaml"),
	}
}

// resolveConfig returns the config given by --preset and/or --config (a
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

// loadModel opens the model named by the flags.
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

// loadAny opens the model named by the flags for the harness.
func (f modelFlags) loadAny() (loadedModel, error) {
	m, done, err := f.load()
	if err != nil {
		return loadedModel{}, err
	}
	cfg, err := json.Marshal(m.Cfg)
	if err != nil {
		done()
		return loadedModel{}, err
	}
	return loadedModel{Model: m, Config: cfg, Close: done}, nil
}
