package hrm

import (
	"arceval/models"
	"arceval/models/act"
)

// Family is HRM for the registry (models.Family).
var Family models.Family = act.Family[Config, *Config]{Name: Kind, Title: "HRM", Table: Presets, Default: DefaultConfig, Def: Config.def}
