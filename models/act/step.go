package act

import (
	"fmt"

	"arceval/models"
	"arceval/models/nn"
)

// Step runs one supervision step (one call of the official ACT wrapper in
// evaluation mode) on the carry c:
//
//  1. the batch is checked — sizes, and the tokens, puzzle identifiers and
//     puzzle-table rows of the rows about to load — before anything
//     changes: on an error the carry is as it was;
//  2. halted rows that are not Done are reset to the initial states
//     (steps 0) and load their row of b;
//  3. every row that is not Done runs the inner network once on x, the
//     input embedding of its data; logits come from z_H's grid positions
//     and q_halt, q_continue from position 0;
//  4. rows halt after MaxSteps steps (opt.MaxSteps when set: the
//     recursion goes on past the training depth) or — with opt.HaltOnQ or
//     the model's HaltInEval, and MaxSteps > 1 — by the evaluation halting
//     rule (Def.EvalHalt), which also makes them Done: later steps skip them
//     and leave their outputs untouched.
//
// When only some rows run, they are gathered into contiguous buffers and
// scattered back: rows are independent, so a row's results do not depend
// on which rows run with it (Reference computes them one row at a time).
// ar holds the step's activations and is reset at the start.
func (m *Model) Step(c *models.Carry, b models.Batch, out *models.StepOutput, opt models.StepOptions, ar *nn.Arena) error {
	if err := m.step(c, b, out, opt, ar); err != nil {
		return fmt.Errorf("%s: %w", m.def.Name, err)
	}
	return nil
}

func (m *Model) step(c *models.Carry, b models.Batch, out *models.StepOutput, opt models.StepOptions, ar *nn.Arena) error {
	io := m.io
	S, V, D, nd := io.SeqLen, io.Vocab, io.Hidden, io.PuzzleNdim
	TD := io.T * D
	if err := m.checkEval(c, b, out); err != nil {
		return err
	}
	// Check the rows to load, reading their puzzle rows into the arena,
	// before changing anything.
	ar.Reset()
	loads := 0
	for r := 0; r < c.B; r++ {
		if !c.Done[r] && c.Halted[r] {
			loads++
		}
	}
	rows := ar.GetRaw(loads * nd)
	k := 0
	for r := 0; r < c.B; r++ {
		if c.Done[r] || !c.Halted[r] {
			continue
		}
		if err := io.checkRow(r, b.Inputs[r*S:(r+1)*S], nil, b.PuzzleIDs[r]); err != nil {
			return err
		}
		if nd > 0 {
			if err := io.PuzzleRow(rows[k*nd:(k+1)*nd], b.PuzzleIDs[r]); err != nil {
				return fmt.Errorf("row %d: %w", r, err)
			}
		}
		k++
	}
	active := c.Active[:0]
	k = 0
	for r := 0; r < c.B; r++ {
		if c.Done[r] {
			continue
		}
		if c.Halted[r] {
			m.reset(c, r)
			copy(c.Inputs[r*S:(r+1)*S], b.Inputs[r*S:(r+1)*S])
			c.PuzzleIDs[r] = b.PuzzleIDs[r]
			copy(c.Puzzle[r*nd:(r+1)*nd], rows[k*nd:(k+1)*nd])
			k++
		}
		active = append(active, r)
	}
	c.Active = active
	n := len(active)
	if n == 0 {
		return nil
	}
	zH, zL := m.gather(c, ar, false)
	logits := out.Logits
	if n != c.B {
		logits = ar.GetRaw(n * S * V)
	}
	x := ar.GetRaw(n * TD)
	m.embed(x, c.Inputs, c.Puzzle, active)
	m.inner(zH, zL, x, n, ar)
	q := ar.GetRaw(n * 2)
	m.heads(logits, q, zH, n, ar)
	haltOnQ := (opt.HaltOnQ || m.def.HaltInEval) && m.def.MaxSteps > 1
	depth := opt.Depth(m.def.MaxSteps) // past halt_max_steps when asked: the recursion continues
	for i, r := range active {
		if n != c.B {
			copy(c.ZH[r*TD:(r+1)*TD], zH[i*TD:(i+1)*TD])
			if zL != nil {
				copy(c.ZL[r*TD:(r+1)*TD], zL[i*TD:(i+1)*TD])
			}
			copy(out.Logits[r*S*V:(r+1)*S*V], logits[i*S*V:(i+1)*S*V])
		}
		out.QHalt[r], out.QContinue[r] = q[2*i], q[2*i+1]
		c.Steps[r]++
		c.Halted[r] = c.Steps[r] >= depth
		if haltOnQ && m.def.EvalHalt.halts(q[2*i], q[2*i+1]) {
			c.Halted[r], c.Done[r] = true, true
		}
	}
	return nil
}

// checkEval checks that a batch, a carry and outputs fit each other.
func (m *Model) checkEval(c *models.Carry, b models.Batch, out *models.StepOutput) error {
	io := m.io
	S, V := io.SeqLen, io.Vocab
	switch {
	case len(b.Inputs) != c.B*S || len(b.PuzzleIDs) != c.B:
		return fmt.Errorf("batch has %d inputs and %d ids, want %d×%d and %d", len(b.Inputs), len(b.PuzzleIDs), c.B, S, c.B)
	case len(out.Logits) != c.B*S*V || len(out.QHalt) != c.B || len(out.QContinue) != c.B:
		return fmt.Errorf("outputs hold %d logits and %d/%d Q values, want %d×%d×%d and %d", len(out.Logits), len(out.QHalt), len(out.QContinue), c.B, S, V, c.B)
	}
	return m.checkCarry(c)
}

// checkCarry checks that a carry is one of this model (NewState).
func (m *Model) checkCarry(c *models.Carry) error {
	io := m.io
	B, S, TD := c.B, io.SeqLen, io.T*io.Hidden
	if len(c.ZH) != B*TD || (len(m.inits) > 1) != (c.ZL != nil) || c.ZL != nil && len(c.ZL) != B*TD ||
		len(c.Steps) != B || len(c.Halted) != B || len(c.Done) != B || cap(c.Active) < B ||
		len(c.Inputs) != B*S || len(c.Labels) != B*S || len(c.PuzzleIDs) != B || len(c.Puzzle) != B*io.PuzzleNdim {
		return fmt.Errorf("the carry is not one of this model for %d rows (NewState)", B)
	}
	return nil
}

// reset sets row r of c to the initial states, with no steps taken.
func (m *Model) reset(c *models.Carry, r int) {
	D := m.io.Hidden
	TD := m.io.T * D
	inits := m.initStates()
	for k, z := range [][]float32{c.ZH, c.ZL}[:len(inits)] {
		for p := 0; p < m.io.T; p++ {
			copy(z[r*TD+p*D:r*TD+(p+1)*D], inits[k])
		}
	}
	c.Steps[r] = 0
}

// gather returns the states of the active rows: the carry's own when every
// row is active and copyStates is false, else contiguous copies in the
// arena.
func (m *Model) gather(c *models.Carry, ar *nn.Arena, copyStates bool) (zH, zL []float32) {
	n := len(c.Active)
	if n == c.B && !copyStates {
		return c.ZH, c.ZL
	}
	TD := m.io.T * m.io.Hidden
	pick := func(z []float32) []float32 {
		if z == nil {
			return nil
		}
		v := ar.GetRaw(n * TD)
		for i, r := range c.Active {
			copy(v[i*TD:(i+1)*TD], z[r*TD:(r+1)*TD])
		}
		return v
	}
	return pick(c.ZH), pick(c.ZL)
}

// NextQ runs the inner network once more on a copy of the carry of the rows
// the last Step computed, without changing the carry, and writes their Q
// logits into qHalt and qCont (B): the official "next step" Q values from
// which the Q-learning target is made.
func (m *Model) NextQ(c *models.Carry, qHalt, qCont []float32, ar *nn.Arena) error {
	if len(qHalt) != c.B || len(qCont) != c.B {
		return fmt.Errorf("%s: NextQ: outputs hold %d/%d values, want %d", m.def.Name, len(qHalt), len(qCont), c.B)
	}
	n := len(c.Active)
	if n == 0 {
		return nil
	}
	ar.Reset()
	zH, zL := m.gather(c, ar, true)
	x := ar.GetRaw(n * m.io.T * m.io.Hidden)
	m.embed(x, c.Inputs, c.Puzzle, c.Active)
	m.inner(zH, zL, x, n, ar)
	q := ar.GetRaw(2 * n)
	m.q(q, zH, n, ar)
	for i, r := range c.Active {
		qHalt[r], qCont[r] = q[2*i], q[2*i+1]
	}
	return nil
}
