package direct

import (
	"arceval/models"
	"arceval/models/act"
)

// Family is the transformer baseline for the registry (models.Family).
var Family models.Family = act.Family[Config, *Config]{Name: Kind, Title: "transformer-baseline", Table: Presets, Default: DefaultConfig, Def: Config.def}

// MLPFamily is the MLP baseline for the registry: the direct family whose
// default config is MLP's (sized by the data) and whose presets are the MLP
// ones.
var MLPFamily models.Family = act.Family[Config, *Config]{Name: MLPKind, Title: "MLP-baseline", Table: mlpPresets(), Default: func() Config { return MLP(0, 0, 0) }, Def: Config.def}

// mlpPresets are the presets with mlp_t blocks.
func mlpPresets() map[string]Config {
	m := map[string]Config{}
	for name, c := range Presets {
		if c.MLPT {
			m[name] = c
		}
	}
	return m
}
