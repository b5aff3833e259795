package hrm

import (
	"arceval/models"
	"arceval/models/act"
	"arceval/models/tensors"
)

// Family is HRM for the registry (models.Family).
var Family models.Family = act.Family[Config, *Config]{Name: Kind, Title: "HRM", Table: Presets, Default: DefaultConfig,
	New: func(c Config, src tensors.Source, trainable bool) (models.Trainable, error) {
		return load(c, src, trainable)
	}}
