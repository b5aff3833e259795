package act

import (
	"errors"
	"fmt"

	"arceval/models"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// Params lists the trainable parameters (the official model.parameters():
// everything but the initial states and the puzzle table) with live slices
// of their weights and gradients, in the official order; nil unless the
// model is trainable. After changing weights call Repack.
func (m *Model) Params() []nn.Param {
	if m.train == nil {
		return nil
	}
	return m.train.params
}

// PuzzleEmb is the puzzle-embedding table as a sparse parameter: W is the
// whole table; after TrainSteps, IDs and G hold one row per batch row and
// step since the last ZeroGrad (the official puzzle_emb.local_weights
// gradient and local_ids). nil without a puzzle embedding or when the model
// is not trainable.
func (m *Model) PuzzleEmb() *nn.SparseParam {
	if m.train == nil {
		return nil
	}
	return m.train.puzzle
}

// Repack refreshes the packed copies of the linear weights after an
// optimiser has changed the weights in place (embeddings, biases and the
// puzzle table are used as they are).
func (m *Model) Repack() {
	if m.train == nil {
		return
	}
	for _, l := range m.train.linears {
		l.Repack()
	}
	if m.bf16 != nil {
		m.repackBF16()
	}
}

// ZeroGrad clears every gradient and empties the puzzle-embedding rows.
// Gradients of TrainSteps add up until then.
func (m *Model) ZeroGrad() {
	if m.train == nil {
		return
	}
	for _, p := range m.train.params {
		clear(p.G)
	}
	if p := m.train.puzzle; p != nil {
		p.IDs, p.G = p.IDs[:0], p.G[:0]
	}
}

// Tensors returns every tensor of a trainable model under its official
// short name — the parameters, the initial states and the puzzle table —
// sharing the live slices: what a checkpoint holds to rebuild the model.
func (m *Model) Tensors() (tensors.Map, error) {
	t := m.train
	if t == nil {
		return nil, fmt.Errorf("%s: Tensors needs a trainable model (LoadTrainable)", m.def.Name)
	}
	w := tensors.Map{}
	for _, p := range t.params {
		w[p.Name] = tensors.Tensor{Shape: p.Shape, Data: p.W}
	}
	for _, s := range m.def.Specs {
		if v, ok := t.buffers[s.Name]; ok {
			w[s.Name] = tensors.Tensor{Shape: s.Shape, Data: v}
		}
	}
	if p := t.puzzle; p != nil {
		w[p.Name] = tensors.Tensor{Shape: p.Shape, Data: p.W}
	}
	return w, nil
}

// Weights is Tensors for the trainer (models.Trainable); nil for a model
// that is not trainable.
func (m *Model) Weights() map[string]models.Tensor {
	w, err := m.Tensors()
	if err != nil {
		return nil
	}
	return w
}

// withOverride returns Tensors with override's values in place of the
// tensors they name (e.g. EMA weights); each must match a tensor's size.
func (m *Model) withOverride(override map[string][]float32) (tensors.Map, error) {
	w, err := m.Tensors()
	if err != nil {
		return nil, err
	}
	for name, v := range override {
		cur, ok := w[name]
		if !ok || len(cur.Data) != len(v) {
			return nil, fmt.Errorf("%s: override %s does not match a tensor of the model", m.def.Name, name)
		}
		w[name] = tensors.Tensor{Shape: cur.Shape, Data: v}
	}
	return w, nil
}

// Snapshot returns an inference copy of a trainable model (its own copies
// of the weights, so training can go on), with override's tensors (e.g.
// EMA weights, by short name) in place of the live ones, in the model's
// precision.
func (m *Model) Snapshot(override map[string][]float32) (models.Model, error) {
	w, err := m.withOverride(override)
	if err != nil {
		return nil, err
	}
	s, err := Load(m.def, w.Clone(), false)
	if err == nil && m.bf16 != nil {
		err = s.SetPrecision(PrecisionBF16) // a model training in bf16 evaluates in bf16
	}
	return s, err
}

// Save writes a trainable model (with override's tensors) as a native
// arceval file of its kind and config, tensors in the official order,
// atomically: what LoadFile and `arceval eval` load.
func (m *Model) Save(path string, override map[string][]float32, meta map[string]string) error {
	if m.train == nil {
		return errors.New(m.def.Name + ": Save needs a trainable model (LoadTrainable)")
	}
	w, err := m.withOverride(override)
	if err != nil {
		return err
	}
	return tensors.WriteNative(path, m.def.Kind, m.def.Config, m.def.Specs, w, meta)
}
