package trm

import (
	"fmt"

	"arceval/models"
)

// TensorMap is an in-memory Tensors source.
type TensorMap map[string]MapTensor

// MapTensor is one in-memory tensor.
type MapTensor = models.Tensor

func (t TensorMap) Shape(name string) ([]int, bool) {
	v, ok := t[name]
	return v.Shape, ok
}

func (t TensorMap) Float32(name string) ([]float32, error) {
	v, ok := t[name]
	if !ok {
		return nil, fmt.Errorf("no tensor %q", name)
	}
	return v.Data, nil
}

func (t TensorMap) Rows(name string, start, count int) ([]float32, error) {
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

func (t TensorMap) Names() []string {
	names := make([]string, 0, len(t))
	for n := range t {
		names = append(names, n)
	}
	return names
}
