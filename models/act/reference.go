package act

import (
	"fmt"

	"arceval/models"
	"arceval/models/nn"
)

// Reference returns the model with its evaluation step replaced by
// ReferenceStep: the oracle the conformance suite compares Step with.
func (m *Model) Reference() models.Model { return reference{m} }

type reference struct{ m *Model }

func (r reference) Info() models.Info { return r.m.Info() }

func (r reference) NewRun(B int) models.Run {
	return &run{step: r.m.ReferenceStep, c: r.m.NewState(B), ar: &nn.Arena{}}
}

// ReferenceStep is Step written the plain way, one row at a time, as the
// official wrapper's semantics read: no gathering of running rows, no
// shared buffers, the halting decision spelled out. It is slow and
// allocates; it exists to check Step (llm.c keeps such a reference beside
// each optimised kernel).
func (m *Model) ReferenceStep(c *models.Carry, b models.Batch, out *models.StepOutput, opt models.StepOptions, ar *nn.Arena) error {
	io := m.io
	S, V, D, nd := io.SeqLen, io.Vocab, io.Hidden, io.PuzzleNdim
	T := io.T
	if err := m.checkEval(c, b, out); err != nil {
		return fmt.Errorf("%s: %w", m.def.Name, err)
	}
	// Validate every row that will load — tokens, puzzle identifier, its
	// puzzle-table row — before any row changes.
	loading := map[int][]float32{}
	for r := 0; r < c.B; r++ {
		if c.Done[r] || !c.Halted[r] {
			continue
		}
		for s := 0; s < S; s++ {
			if tok := b.Inputs[r*S+s]; tok < 0 || int(tok) >= V {
				return fmt.Errorf("%s: row %d, position %d: token %d outside the vocabulary 0..%d", m.def.Name, r, s, tok, V-1)
			}
		}
		vec := make([]float32, nd)
		if nd > 0 {
			id := b.PuzzleIDs[r]
			if id < 0 || int(id) >= io.PuzzleRows {
				return fmt.Errorf("%s: row %d: puzzle identifier %d outside the table's %d rows", m.def.Name, r, id, io.PuzzleRows)
			}
			if err := io.PuzzleRow(vec, id); err != nil {
				return fmt.Errorf("%s: row %d: %w", m.def.Name, r, err)
			}
		}
		loading[r] = vec
	}
	c.Active = c.Active[:0]
	for r := 0; r < c.B; r++ {
		if c.Done[r] {
			continue // a finished row keeps its carry and its outputs
		}
		c.Active = append(c.Active, r)
		zH := c.ZH[r*T*D : (r+1)*T*D]
		var zL []float32
		if c.ZL != nil {
			zL = c.ZL[r*T*D : (r+1)*T*D]
		}
		if vec, ok := loading[r]; ok {
			// A halted row starts again: initial states, no steps, new data.
			for p := 0; p < T; p++ {
				copy(zH[p*D:(p+1)*D], m.initStates()[0])
				if zL != nil {
					copy(zL[p*D:(p+1)*D], m.initStates()[1])
				}
			}
			c.Steps[r] = 0
			copy(c.Inputs[r*S:(r+1)*S], b.Inputs[r*S:(r+1)*S])
			c.PuzzleIDs[r] = b.PuzzleIDs[r]
			copy(c.Puzzle[r*nd:(r+1)*nd], vec)
		}
		// The row alone: embedding, inner network, heads.
		x := make([]float32, T*D)
		m.embed(x, c.Inputs, c.Puzzle, []int{r})
		ar.Reset()
		m.inner(zH, zL, x, 1, ar)
		q := make([]float32, 2)
		m.heads(out.Logits[r*S*V:(r+1)*S*V], q, zH, 1, ar)
		out.QHalt[r], out.QContinue[r] = q[0], q[1]
		// Halting: at the step limit; on Q only when asked and the model
		// takes more than one step, by the family's rule.
		c.Steps[r]++
		c.Halted[r] = c.Steps[r] >= opt.Depth(m.def.MaxSteps)
		if (opt.HaltOnQ || m.def.HaltInEval) && m.def.MaxSteps > 1 {
			var onQ bool
			switch m.def.EvalHalt {
			case HaltOnQPositive:
				onQ = q[0] > 0
			case HaltOnQOverContinue:
				onQ = q[0] > q[1]
			}
			if onQ {
				c.Halted[r], c.Done[r] = true, true
			}
		}
	}
	return nil
}
