package trm

import (
	"encoding/json"
	"errors"
	"fmt"

	"arceval/models"
)

// Tensors returns every tensor of a trainable model under its official name
// (without prefix) — the parameters, H_init, L_init and the puzzle table —
// sharing the live slices. With it a trained model is saved (WriteTensors)
// or copied into an inference model (Load), e.g. with EMA weights swapped in.
func (m *Model) Tensors() (TensorMap, error) {
	if m.train == nil {
		return nil, errors.New("trm: Tensors needs a model from LoadTrainable")
	}
	t := TensorMap{}
	for _, p := range m.train.params {
		t[p.Name] = MapTensor{Shape: p.Shape, Data: p.W}
	}
	t["H_init"] = MapTensor{Shape: []int{m.D}, Data: m.hInit}
	t["L_init"] = MapTensor{Shape: []int{m.D}, Data: m.lInit}
	if pe := m.train.puzzle; pe != nil {
		t[pe.Name] = MapTensor{Shape: pe.Shape, Data: pe.W}
	}
	return t, nil
}

// ExplorationProb is the config's halt exploration probability.
func (m *Model) ExplorationProb() float64 { return m.Cfg.HaltExplorationProb }

// withOverride returns the model's tensors with override's entries in place
// of the parameters they name.
func (m *Model) withOverride(override map[string][]float32) (TensorMap, error) {
	t, err := m.Tensors()
	if err != nil {
		return nil, err
	}
	for name, v := range override {
		cur, ok := t[name]
		if !ok || len(cur.Data) != len(v) {
			return nil, fmt.Errorf("trm: override %s does not match a tensor of the model", name)
		}
		t[name] = MapTensor{Shape: cur.Shape, Data: v}
	}
	return t, nil
}

// Snapshot returns an inference copy of a trainable model (its own weights,
// so training can go on), with override's tensors in place of the live ones.
func (m *Model) Snapshot(override map[string][]float32) (models.Model, error) {
	t, err := m.withOverride(override)
	if err != nil {
		return nil, err
	}
	for name, v := range t {
		t[name] = MapTensor{Shape: v.Shape, Data: append([]float32(nil), v.Data...)}
	}
	return Load(m.Cfg, t)
}

// Save writes a trainable model (with override's tensors) as a native file.
func (m *Model) Save(path string, override map[string][]float32, meta map[string]string) error {
	t, err := m.withOverride(override)
	if err != nil {
		return err
	}
	return WriteTensors(path, m.Cfg, t, meta)
}

var _ models.Trainable = (*Model)(nil)

// Weights returns every tensor of a trainable model (models.Trainable).
func (m *Model) Weights() map[string]models.Tensor {
	t, err := m.Tensors()
	if err != nil {
		return nil
	}
	return t
}

// ConfigJSON is the config as native files store it.
func (m *Model) ConfigJSON() ([]byte, error) { return json.Marshal(m.Cfg) }
