package harness

import (
	"fmt"
	"math"

	"arceval/models/nn"
)

// DivergedError is a training step that produced NaN or ±Inf: in the loss,
// a gradient or, after the update, a weight. The trainer stops there and
// saves nothing more, so the run folder keeps its last good checkpoint.
type DivergedError struct {
	Step  int     // the step that diverged (1-based)
	What  string  // "loss", "the gradient of P (element i)", "weight P (element i) after the update"
	Value float64 // the non-finite value
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("%s is %v at step %d", e.What, e.Value, e.Step)
}

func finite32(x float32) bool { return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) }

// firstNonFinite returns the index of the first NaN or ±Inf of v, or −1.
func firstNonFinite(v []float32) int {
	for i, x := range v {
		if !finite32(x) {
			return i
		}
	}
	return -1
}

// checkGradients refuses a step whose gradients hold NaN or ±Inf, before
// the optimiser would spread them into the weights and its state.
func checkGradients(step int, params []nn.Param, pe *nn.SparseParam) error {
	for _, p := range params {
		if i := firstNonFinite(p.G); i >= 0 {
			return &DivergedError{Step: step, What: fmt.Sprintf("the gradient of %s (element %d)", p.Name, i), Value: float64(p.G[i])}
		}
	}
	if pe != nil {
		if i := firstNonFinite(pe.G); i >= 0 {
			return &DivergedError{Step: step, What: fmt.Sprintf("the gradient of %s (element %d)", pe.Name, i), Value: float64(pe.G[i])}
		}
	}
	return nil
}

// checkWeights refuses weights an update made non-finite (an absurd
// learning rate): the dense parameters and the puzzle-table rows the step
// touched (the only ones it changed).
func checkWeights(step int, params []nn.Param, pe *nn.SparseParam) error {
	for _, p := range params {
		if i := firstNonFinite(p.W); i >= 0 {
			return &DivergedError{Step: step, What: fmt.Sprintf("weight %s (element %d) after the update", p.Name, i), Value: float64(p.W[i])}
		}
	}
	if pe != nil && len(pe.Shape) == 2 {
		d := pe.Shape[1]
		for _, id := range pe.IDs {
			row := pe.W[int(id)*d : (int(id)+1)*d]
			if i := firstNonFinite(row); i >= 0 {
				return &DivergedError{Step: step, What: fmt.Sprintf("weight %s (row %d, element %d) after the update", pe.Name, id, i), Value: float64(row[i])}
			}
		}
	}
	return nil
}
