package optim

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// SparseSignSGD is the puzzle-embedding optimiser
// (CastedSparseEmbeddingSignSGD_Distributed, trm-spec.md §6.2). The
// embedding table W (N, d) is not a model parameter: the forward pass copies
// the batch's rows W[ids[b]] into a (B, d) buffer and the backward pass
// leaves one gradient row per batch row. A step sums the gradient rows of
// equal ids (in batch order), giving one g_sum per distinct id in the batch,
// and updates only those rows, with decoupled weight decay:
//
//	W[id] ← W[id] · (1 − lr·wd) − lr · sign(g_sum[id])
//
// with sign(0) = 0. Rows whose id is not in the batch are left exactly as
// they are (not even decayed); a row of the batch whose summed gradient is
// zero is decayed only.
//
// Gradient rows of several micro-batches (or ranks) are handled by
// concatenating their rows and ids: the official optimiser all-gathers them
// and sums duplicates the same way.
//
// The zero value is ready to use with no weight decay; the struct keeps
// scratch buffers between steps, so use one per goroutine.
type SparseSignSGD struct {
	WeightDecay float64

	order []int32   // batch rows sorted by (id, row)
	sum   []float32 // d values
}

// Step updates table (N rows of d values, row-major) with the per-row
// gradients grad (len(ids) rows of d values) of the batch ids, at learning
// rate lr. Ids are checked before anything is modified.
func (s *SparseSignSGD) Step(table []float32, d int, grad []float32, ids []int32, lr float64) error {
	if d <= 0 || len(table)%d != 0 {
		return fmt.Errorf("optim: sparse SignSGD: table of %d values is not a whole number of rows of %d", len(table), d)
	}
	if len(grad) != len(ids)*d {
		return fmt.Errorf("optim: sparse SignSGD: %d gradient values for %d ids of dimension %d", len(grad), len(ids), d)
	}
	if !(lr >= 0) || math.IsInf(lr, 1) {
		return fmt.Errorf("optim: sparse SignSGD: learning rate %g must be finite and ≥ 0", lr)
	}
	if !(s.WeightDecay >= 0) || math.IsInf(s.WeightDecay, 1) {
		return fmt.Errorf("optim: sparse SignSGD: weight decay %g must be finite and ≥ 0", s.WeightDecay)
	}
	n := len(table) / d
	for b, id := range ids {
		if id < 0 || int(id) >= n {
			return fmt.Errorf("optim: sparse SignSGD: batch row %d: id %d outside the table's %d rows", b, id, n)
		}
	}

	// Group equal ids, each group in batch order, so that sums are formed in
	// the order scatter_add uses.
	s.order = s.order[:0]
	for b := range ids {
		s.order = append(s.order, int32(b))
	}
	slices.SortFunc(s.order, func(x, y int32) int {
		if c := cmp.Compare(ids[x], ids[y]); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	})
	if cap(s.sum) < d {
		s.sum = make([]float32, d)
	}
	sum := s.sum[:d]
	decay := float32(1 - lr*s.WeightDecay)
	step := float32(lr)
	for i := 0; i < len(s.order); {
		id := ids[s.order[i]]
		clear(sum)
		for ; i < len(s.order) && ids[s.order[i]] == id; i++ {
			g := grad[int(s.order[i])*d:][:d]
			for k := range sum {
				sum[k] += g[k]
			}
		}
		row := table[int(id)*d:][:d]
		for k, gk := range sum {
			w := float32(row[k] * decay)
			switch {
			case gk > 0:
				w -= step
			case gk < 0:
				w += step
			case gk != gk: // NaN stays visible, as torch.sign(NaN) = NaN
				w = gk
			}
			row[k] = w
		}
	}
	return nil
}
