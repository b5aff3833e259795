package optim

import "fmt"

// Gradient accumulation. The official step divides the summed loss of the
// global batch by its size (768) before the backward pass, so the gradient
// of a global batch is the plain sum of the gradients of any split of it into
// micro-batches, provided each micro-batch's loss is divided by the global
// batch size (not its own). A trainer that cannot hold 768 rows therefore:
//
//	ZeroGrad(params)
//	for each micro-batch: backward of loss_mb / 768, AddGrad(params, micro)
//	                      (or let the backward pass add into G directly)
//	adam.Step(params, lr)
//
// If a micro-batch's backward divides by its own size n instead, ScaleGrad
// its gradients by n/768 first. Puzzle-embedding gradients are per batch row:
// concatenate the micro-batches' rows and ids and give them to
// [SparseSignSGD.Step] once, which sums duplicate ids itself. Summing in a
// different order than one big batch changes float32 rounding, never the
// result beyond it.

// ZeroGrad sets every gradient entry to zero (nil gradients stay nil).
func ZeroGrad(params []Param) {
	for i := range params {
		clear(params[i].G)
	}
}

// AddGrad adds src's gradients into dst's, element by element: dst[i].G +=
// src[i].G. The two lists must name the same parameters in the same order
// with the same sizes; a nil dst gradient is allocated, a nil src gradient
// adds nothing. Everything is checked before anything changes.
func AddGrad(dst, src []Param) error {
	if len(dst) != len(src) {
		return fmt.Errorf("optim: AddGrad: %d parameters, %d to add", len(dst), len(src))
	}
	for i := range dst {
		d, s := &dst[i], &src[i]
		if d.Name != s.Name {
			return fmt.Errorf("optim: AddGrad: parameter %d is %q, adding %q", i, d.Name, s.Name)
		}
		n := numel(d.Shape)
		if (d.G != nil && len(d.G) != n) || (s.G != nil && len(s.G) != n) {
			return fmt.Errorf("optim: AddGrad: %s: gradient sizes %d and %d for shape %v", d.Name, len(d.G), len(s.G), d.Shape)
		}
	}
	for i := range dst {
		d, s := &dst[i], &src[i]
		if s.G == nil {
			continue
		}
		if d.G == nil {
			d.G = make([]float32, len(s.G))
		}
		for k, g := range s.G {
			d.G[k] += g
		}
	}
	return nil
}

// ScaleGrad multiplies every gradient entry by f.
func ScaleGrad(params []Param, f float32) {
	for i := range params {
		g := params[i].G
		for k := range g {
			g[k] *= f
		}
	}
}
