package trm

import (
	"arceval/models"
	"arceval/models/act"
)

// Family is TRM for the registry (models.Family).
var Family models.Family = act.Family[Config, *Config]{Name: Kind, Title: "TRM", Table: Presets, Default: DefaultConfig, Def: Config.def}
