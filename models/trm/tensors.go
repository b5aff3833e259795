package trm

import (
	"fmt"

	"arceval/models/checkpoint"
)

// OpenTensors opens a checkpoint file as a tensor source: an official
// PyTorch state_dict (zip or legacy format) or a safetensors / native
// arceval file. Tensors are read on demand.
func OpenTensors(path string) (*FileTensors, error) {
	f, err := checkpoint.Open(path)
	if err != nil {
		return nil, err
	}
	return &FileTensors{File: f}, nil
}

// FileTensors adapts a checkpoint.File to Tensors.
type FileTensors struct{ File *checkpoint.File }

func (t *FileTensors) Shape(name string) ([]int, bool) {
	v, ok := t.File.Tensor(name)
	if !ok {
		return nil, false
	}
	return v.Shape, true
}

func (t *FileTensors) Float32(name string) ([]float32, error) {
	v, ok := t.File.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("%s: no tensor %q", t.File.Path, name)
	}
	return v.Float32()
}

func (t *FileTensors) Rows(name string, start, count int) ([]float32, error) {
	v, ok := t.File.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("%s: no tensor %q", t.File.Path, name)
	}
	return v.Rows(start, count)
}

func (t *FileTensors) Names() []string { return t.File.Keys() }

// Close releases the file.
func (t *FileTensors) Close() error { return t.File.Close() }
