package tensors

import (
	"encoding/json"
	"fmt"

	"arceval/models/checkpoint"
)

// Spec is one tensor of a model's layout, by its official name without
// prefix: what a checkpoint must hold, what a native file stores, what a
// fresh model initialises.
type Spec struct {
	Name  string
	Shape []int
	// Buffer marks a tensor that is not a parameter in the official model
	// (H_init, L_init, the puzzle table): not counted in num_params and
	// given no dense gradient.
	Buffer bool
	// Dtype is the dtype the official model creates an initial-state
	// buffer in (its forward_dtype; "" is the official default, bfloat16).
	Dtype string
}

// Elements is the number of values of the tensor.
func (s Spec) Elements() int {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// Params counts the trainable parameters of specs (the official
// num_params: buffers excluded).
func Params(specs []Spec) int {
	n := 0
	for _, s := range specs {
		if !s.Buffer {
			n += s.Elements()
		}
	}
	return n
}

// WriteNative writes in-memory tensors (short names) as a native arceval
// file of a kind, in the order of specs, with config (JSON) in the header;
// the file is written atomically.
func WriteNative(path, kind string, config any, specs []Spec, t Map, meta map[string]string) error {
	list := make([]checkpoint.NamedTensor, 0, len(specs))
	for _, s := range specs {
		v, ok := t[s.Name]
		if !ok || len(v.Data) != s.Elements() {
			return fmt.Errorf("%s: no tensor %s %v", path, s.Name, s.Shape)
		}
		list = append(list, checkpoint.Float32Tensor(s.Name, s.Shape, v.Data))
	}
	cfg, err := json.Marshal(config)
	if err != nil {
		return err
	}
	return checkpoint.WriteNative(path, kind, cfg, list, meta)
}
