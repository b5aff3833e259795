package harness

import (
	"encoding/json"
	"fmt"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/tensors"
)

// ModelSpec is the model of a new training run: a family's preset and/or
// config file, inline overrides, and an ablation applied last (the CLI's
// --preset, --config, --override and --ablation).
type ModelSpec struct {
	Family     models.Family
	Preset     string
	ConfigFile string
	Override   string // config fields as inline JSON ("" none)
	// Ablate changes the config after the overrides and the data's sizes
	// (nil: none); the result is validated again.
	Ablate func(models.Config)
}

// ResolveConfig returns a family's config given by a preset and/or a
// config file (the file overrides the preset's fields), or nil when
// neither is set. An unknown preset is an OptionError.
func ResolveConfig(f models.Family, preset, configFile string) (models.Config, error) {
	if preset == "" && configFile == "" {
		return nil, nil
	}
	c, err := f.Config(preset)
	if err != nil {
		return nil, OptionError{err.Error()}
	}
	if configFile != "" {
		if err := tensors.ReadConfigFile(configFile, c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// SetSizes sets the sizes every family's config has under its official
// names (seq_len, vocab_size, num_puzzle_identifiers; < 0: unchanged).
func SetSizes(c models.Config, seqLen, vocab, ids int) error {
	fields := map[string]int{}
	for name, v := range map[string]int{"seq_len": seqLen, "vocab_size": vocab, "num_puzzle_identifiers": ids} {
		if v >= 0 {
			fields[name] = v
		}
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return act.Override(c, raw)
}

// ConfigSizes reads the sizes every family's config has under its
// official names: seq_len, vocab_size, hidden_size, num_puzzle_identifiers.
func ConfigSizes(c models.Config) (seqLen, vocab, hidden, ids int) {
	var s struct {
		SeqLen int `json:"seq_len"`
		Vocab  int `json:"vocab_size"`
		Hidden int `json:"hidden_size"`
		IDs    int `json:"num_puzzle_identifiers"`
	}
	raw, _ := json.Marshal(c)
	json.Unmarshal(raw, &s)
	return s.SeqLen, s.Vocab, s.Hidden, s.IDs
}

// fitToData sets the sequence length, vocabulary and puzzle-table size a
// model needs for the data (a preset's values are for the official data).
func fitToData(c models.Config, data TrainData) error {
	return SetSizes(c, data.SeqLen(), data.Vocab(), max(data.NumPuzzleIDs(), 1))
}

// TrainModelConfig is the config a new run gives its model: the preset
// and/or config file (either is needed, unless the family's defaults make
// a model, as the MLP baseline's do), then the overrides, then the data's
// sizes, then the ablation. Every error about the spec's settings is an
// OptionError.
func TrainModelConfig(s ModelSpec, data TrainData) (models.Config, error) {
	fam := s.Family
	cfg, err := ResolveConfig(fam, s.Preset, s.ConfigFile)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		if cfg, err = fam.Config(""); err != nil {
			return nil, err
		}
		probe, _ := fam.Config("")
		if fitToData(probe, data) != nil || probe.Validate() != nil {
			return nil, OptionError{"train: give --preset or --config"}
		}
	}
	if s.Override != "" {
		if err := act.Override(cfg, []byte(s.Override)); err != nil {
			return nil, OptionError{fmt.Sprintf("--override: %v", err)}
		}
	}
	if err := fitToData(cfg, data); err != nil {
		return nil, OptionError{err.Error()}
	}
	if err := cfg.Validate(); err != nil {
		return nil, OptionError{err.Error()}
	}
	if s.Ablate != nil {
		s.Ablate(cfg)
		if err := cfg.Validate(); err != nil {
			return nil, OptionError{err.Error()}
		}
	}
	return cfg, nil
}

// NewTrainable makes a freshly initialised model of the spec whose sizes
// fit the data (TrainModelConfig), with the official initialisation
// (act.InitTensors) from seed.
func NewTrainable(s ModelSpec, data TrainData, seed uint64) (models.Trainable, error) {
	cfg, err := TrainModelConfig(s, data)
	if err != nil {
		return nil, err
	}
	return s.Family.LoadTrainable(cfg, act.InitTensors(cfg.Specs(), seed))
}

// TrainableFromCheckpoint rebuilds a checkpointed model of a family from
// its config and weights.
func TrainableFromCheckpoint(fam models.Family, config []byte, w map[string]models.Tensor) (models.Trainable, error) {
	c, err := act.ParseConfig(fam, config)
	if err != nil {
		return nil, err
	}
	return fam.LoadTrainable(c, tensors.Map(w))
}
