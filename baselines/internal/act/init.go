package act

import (
	"arceval/models/tensors"
	"arceval/models/trm"
)

// InitTensors returns freshly initialised tensors of the shapes of specs, as
// the official constructors make them (trm.InitTensor: truncated LeCun
// normal weights, zero puzzle table, initial states in the forward dtype —
// bfloat16 by default —, the Q head at weight 0 and bias −5): the weights
// `arceval train` starts an HRM, a transformer baseline or an MLP baseline
// from. The same seed gives the same tensors.
func InitTensors(specs []Spec, seed uint64, forwardDtype string) tensors.Map {
	m := tensors.Map{}
	for _, s := range specs {
		m[s.Name] = trm.InitTensor(s.Name, s.Shape, seed, forwardDtype)
	}
	return m
}
