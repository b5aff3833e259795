package optim

import (
	"fmt"

	"arceval/models/nn"
)

// Param is one trainable tensor as the models hand it over (nn.Param): W
// holds the live weights and G the gradient, both row-major with the given
// Shape. Name is the tensor's state-dict key; optimiser and EMA state is
// keyed by it.
//
// A Param whose G is nil has no gradient this step and is skipped by the
// optimisers, as PyTorch skips parameters whose .grad is None.
type Param = nn.Param

// numel is the element count of a shape.
func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// check reports a Param whose slices do not match its shape.
func check(p *Param, needGrad bool) error {
	n := numel(p.Shape)
	if len(p.W) != n {
		return fmt.Errorf("optim: %s: %d weights for shape %v", p.Name, len(p.W), p.Shape)
	}
	if needGrad && p.G != nil && len(p.G) != n {
		return fmt.Errorf("optim: %s: %d gradient entries for shape %v", p.Name, len(p.G), p.Shape)
	}
	return nil
}
