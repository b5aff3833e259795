package tensors

import (
	"fmt"

	"arceval/models/checkpoint"
)

// File is a checkpoint file as a Source: an official PyTorch state_dict
// (zip or legacy format) or a safetensors / native arceval file. Tensors
// are read on demand.
type File struct{ File *checkpoint.File }

// Open opens a checkpoint file as a Source.
func Open(path string) (*File, error) {
	f, err := checkpoint.Open(path)
	if err != nil {
		return nil, err
	}
	return &File{File: f}, nil
}

func (t *File) Shape(name string) ([]int, bool) {
	v, ok := t.File.Tensor(name)
	if !ok {
		return nil, false
	}
	return v.Shape, true
}

func (t *File) Float32(name string) ([]float32, error) {
	v, ok := t.File.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("%s: no tensor %q", t.File.Path, name)
	}
	return v.Float32()
}

func (t *File) Rows(name string, start, count int) ([]float32, error) {
	v, ok := t.File.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("%s: no tensor %q", t.File.Path, name)
	}
	return v.Rows(start, count)
}

func (t *File) Names() []string { return t.File.Keys() }

// Path is the file's path.
func (t *File) Path() string { return t.File.Path }

// Metadata is the file's header metadata (a native file's kind and config).
func (t *File) Metadata() map[string]string { return t.File.Metadata() }

// Close releases the file.
func (t *File) Close() error { return t.File.Close() }
