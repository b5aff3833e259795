// Package tensors holds what every model family reads its weights and
// configs through, owned by no model: named float32 tensor sources (an
// official PyTorch checkpoint, a native arceval file, an in-memory map), the
// layout of a model's tensors (Spec) with the native file writer, and the
// official config dicts (JSON, parity fixtures, all_config.yaml with its
// small YAML reader).
package tensors

import "fmt"

// Source is a source of named float32 tensors: an official PyTorch
// checkpoint, a native arceval file, or an in-memory Map.
type Source interface {
	// Shape returns the shape of a tensor, ok=false when absent.
	Shape(name string) (shape []int, ok bool)
	// Float32 reads a whole tensor as float32 (bf16/f16 converted).
	Float32(name string) ([]float32, error)
	// Rows reads count rows of a 2-D tensor starting at row start; used for
	// the puzzle-embedding table, which can be gigabytes.
	Rows(name string, start, count int) ([]float32, error)
	// Names lists every tensor.
	Names() []string
}

// Tensor is a tensor's shape and float32 values.
type Tensor struct {
	Shape []int
	Data  []float32
}

// Map is an in-memory Source.
type Map map[string]Tensor

func (t Map) Shape(name string) ([]int, bool) {
	v, ok := t[name]
	return v.Shape, ok
}

func (t Map) Float32(name string) ([]float32, error) {
	v, ok := t[name]
	if !ok {
		return nil, fmt.Errorf("no tensor %q", name)
	}
	return v.Data, nil
}

func (t Map) Rows(name string, start, count int) ([]float32, error) {
	v, ok := t[name]
	if !ok || len(v.Shape) != 2 {
		return nil, fmt.Errorf("no 2-D tensor %q", name)
	}
	w := v.Shape[1]
	if start < 0 || count < 0 || start+count > v.Shape[0] {
		return nil, fmt.Errorf("%s: rows %d..%d outside 0..%d", name, start, start+count, v.Shape[0])
	}
	return v.Data[start*w : (start+count)*w], nil
}

func (t Map) Names() []string {
	names := make([]string, 0, len(t))
	for n := range t {
		names = append(names, n)
	}
	return names
}

// Clone returns a copy of t whose tensors own their values.
func (t Map) Clone() Map {
	c := make(Map, len(t))
	for name, v := range t {
		c[name] = Tensor{Shape: v.Shape, Data: append([]float32(nil), v.Data...)}
	}
	return c
}
