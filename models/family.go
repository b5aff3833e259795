package models

import "arceval/models/tensors"

// A Family is one kind of model (TRM, HRM, the transformer baseline, the
// MLP baseline): how its configs are made and how a config and tensors
// become a model. Everything else — reading config files, importing
// official checkpoints, native files, fresh initialisation — follows from
// a Config's tensor layout and is written once (package act). The
// command line finds families in one list (package registry).
type Family interface {
	// Kind is the family's name: train --kind, native files' and run
	// headers' model kind.
	Kind() string
	// Presets lists the names of the family's released configurations.
	Presets() []string
	// Config returns a new config: the named preset's, or with "" the
	// official defaults of the fields a config dict may omit. It is a
	// pointer, so a config file, --override or a native file's header
	// (JSON with the official field names) decodes into it.
	Config(preset string) (Config, error)
	// Load builds an inference model of config c (one of this family's)
	// from src, official key names with or without their prefix or native
	// names; every missing, mis-shaped or unexpected tensor is reported.
	Load(c Config, src tensors.Source) (Model, error)
	// LoadTrainable is Load for training: the model owns copies of its
	// weights and has gradients.
	LoadTrainable(c Config, src tensors.Source) (Trainable, error)
}

// A Config is a family's model configuration: the official config dict,
// with its official JSON field names.
type Config interface {
	// Kind is the kind of model the config makes (the direct family makes
	// "mlp_baseline" models from configs with mlp_t blocks).
	Kind() string
	// Validate checks that the sizes are usable.
	Validate() error
	// Specs is the model's tensor layout: every tensor by its official
	// name without prefix, with its shape, in the official state_dict's
	// order.
	Specs() []tensors.Spec
	// Infer sets the sizes the config leaves at zero from the tensor
	// shapes of an official checkpoint.
	Infer(src tensors.Source)
	// Summary is the shape on one line, for import and init.
	Summary() string
}
