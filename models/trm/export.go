package trm

import "errors"

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
