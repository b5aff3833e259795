package act

import (
	"errors"

	"arceval/models"
)

// Snapshot returns an inference copy of a trainable model of a family
// (model names it in errors): its own copies of t's tensors, with
// override's in place of the live ones, built by load (the family's Load).
// A nil t is reported as a model not from LoadTrainable.
func Snapshot[M models.Model](t *Trainer, model string, override map[string][]float32, load func(Tensors) (M, error)) (models.Model, error) {
	w, err := t.WithOverride(override, true)
	if err != nil {
		return nil, errors.New(model + ": Snapshot: " + err.Error())
	}
	m, err := load(w)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Weights returns every tensor of the trained model (models.Trainable's
// Weights), sharing the live slices; nil for a nil t.
func (t *Trainer) Weights() map[string]models.Tensor {
	w, err := t.WithOverride(nil, false)
	if err != nil {
		return nil
	}
	return w
}
