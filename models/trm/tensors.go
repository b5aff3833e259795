package trm

import "arceval/models/tensors"

// The tensor sources TRM loads from (package tensors).
type (
	Tensors     = tensors.Source
	TensorMap   = tensors.Map
	MapTensor   = tensors.Tensor
	FileTensors = tensors.File
)

// OpenTensors opens a checkpoint file as a tensor source (tensors.Open).
func OpenTensors(path string) (*FileTensors, error) { return tensors.Open(path) }
