package direct

import (
	"arceval/baselines/internal/act"
	"arceval/models/tensors"
)

// Kind is the model kind recorded in native files and run headers.
const Kind = "transformer_baseline"

// MLPKind is the kind of the MLP baseline (a Config with mlp_t blocks).
const MLPKind = "mlp_baseline"

// ImportReport describes an imported checkpoint.
type ImportReport = act.ImportReport

// Import converts an official transformer-baseline checkpoint into a native
// arceval file at out: the same tensors and dtypes under short names, with
// the kind (c.Kind(): "transformer_baseline", or "mlp_baseline" for an
// mlp_t config) and the config in the header. Every missing,
// mis-shaped or unexpected tensor is reported before anything is written;
// the file is written atomically.
func Import(src *tensors.File, c Config, out string, meta map[string]string) (ImportReport, error) {
	if err := c.Validate(); err != nil {
		return ImportReport{}, err
	}
	return act.Import(src, "transformer baseline", c.Kind(), c, c.Specs(), out, meta)
}

// LoadFile opens a model file. A native arceval file carries its config
// (its kind must be "transformer_baseline" or "mlp_baseline"); for an official checkpoint cfg
// must be given (a preset or a config file) and fields it leaves at zero are
// inferred from the tensor shapes. The returned source stays open (puzzle
// rows are read on demand); close it when done with the model.
func LoadFile(path string, cfg *Config) (*Model, *tensors.File, error) {
	return act.LoadFile(path, []string{Kind, MLPKind}, cfg, ParseConfig, InferConfig, Load)
}

// InferConfig fills the zero size fields of c from the tensors' shapes:
// vocabulary and hidden size, puzzle table, layer count, mlp_t and, for
// mlp_t models, the sequence length. The head count is not inferred
// (several give the same shapes).
func InferConfig(c Config, src Tensors) Config {
	d := c.dims()
	r := act.InferDims(src, "transformer baseline", &d)
	if r == nil {
		return c
	}
	c.VocabSize, c.HiddenSize = d.Vocab, d.Hidden
	c.NumPuzzleIdentifiers, c.PuzzleEmbNdim = d.PuzzleRows, d.PuzzleNdim
	c.HLayers = act.Fill(c.HLayers, r.Layers("H_level"))
	if T, ok := r.MLPTPositions("H_level"); ok {
		c.MLPT = true
		c.SeqLen = act.Fill(c.SeqLen, T-c.PrefixLen())
	}
	return c
}

// ReadConfigFile reads a model config: a JSON object (a bare official config
// dict or an object whose "config" member is one, such as a parity fixture)
// or the official all_config.yaml (its arch section). Fields it does not set
// keep the values of base (DefaultConfig or a preset).
func ReadConfigFile(path string, base Config) (Config, error) {
	c := base
	if err := act.ReadConfigFile(path, &c); err != nil {
		return base, err
	}
	return c, nil
}

// InitTensors returns a transformer or MLP baseline of config c freshly
// initialised as the official constructor does (see act.InitTensors): what
// training starts from.
func InitTensors(c Config, seed uint64) tensors.Map {
	return act.InitTensors(c.Specs(), seed, c.ForwardDtype)
}
