package act

import (
	"fmt"

	"arceval/models"
	"arceval/models/nn"
)

// Inner runs the recursion of one supervision step on n contiguous rows:
// z holds the recurrent states, each (n, T, D), updated in place (z[0] is
// z_H, which the heads read); x is the input embedding (n, T, D).
type Inner func(z [][]float32, x []float32, n int, ar *nn.Arena)

// Wrapper is the official ACT wrapper around an inner model.
type Wrapper struct {
	Name     string // model name, prefixed to errors ("hrm")
	IO       *IO
	Inits    [][]float32 // the reset value (D) of each state: H_init, L_init
	MaxSteps int         // halt_max_steps
	Inner    Inner
	// HaltOnQ halts on Q in every Step, as if StepOptions.HaltOnQ were set
	// (the transformer baseline's act_inference).
	HaltOnQ bool
}

// Carry is the ACT carry of B rows: per row the recurrent states, the steps
// taken, whether it halted, and the data (inputs, puzzle id and its
// embedding vector) it is working on. A halted row is reset and takes the
// next batch's row at the next Step, as in the official wrapper.
type Carry struct {
	B         int
	Z         [][]float32 // recurrent states, each (B, T, D)
	Steps     []int       // (B)
	Halted    []bool      // (B)
	Inputs    []int32     // (B, S) current data
	PuzzleIDs []int32     // (B)
	Puzzle    []float32   // (B, puzzle_emb_ndim) each row's puzzle-embedding vector
	// Done marks rows that stopped early (halting on Q); Step skips them
	// and leaves their outputs untouched.
	Done []bool

	active []int       // rows computed by the last step
	gather []int32     // (B, S) inputs of the active rows, contiguous
	views  [][]float32 // the states of the active rows
}

// NewCarry returns the official initial carry: every row halted, so the
// first Step loads the batch into all rows.
func (w *Wrapper) NewCarry(B int) *Carry {
	io := w.IO
	TD := io.T * io.Hidden
	c := &Carry{B: B, Steps: make([]int, B), Halted: make([]bool, B), Inputs: make([]int32, B*io.SeqLen),
		PuzzleIDs: make([]int32, B), Puzzle: make([]float32, B*io.PuzzleNdim), Done: make([]bool, B),
		active: make([]int, 0, B), views: make([][]float32, len(w.Inits))}
	for range w.Inits {
		c.Z = append(c.Z, make([]float32, B*TD))
	}
	for i := range c.Halted {
		c.Halted[i] = true
	}
	return c
}

// Step runs one supervision step (one call of the official ACT wrapper):
// halted rows are reset to their initial states and load their row of b;
// every row that is not Done runs Inner once; rows halt after MaxSteps
// steps (opt.MaxSteps when set: the recursion continues past the training
// depth), or, with opt.HaltOnQ or w.HaltOnQ (the official training rule,
// with MaxSteps > 1), when q_halt > q_continue, which also makes them Done.
func (w *Wrapper) Step(c *Carry, b models.Batch, out *models.StepOutput, opt models.StepOptions, ar *nn.Arena) error {
	if err := w.step(c, b, out, opt.HaltOnQ || w.HaltOnQ, opt.Depth(w.MaxSteps), ar); err != nil {
		return fmt.Errorf("%s: %w", w.Name, err)
	}
	return nil
}

func (w *Wrapper) step(c *Carry, b models.Batch, out *models.StepOutput, haltOnQ bool, depth int, ar *nn.Arena) error {
	io := w.IO
	S, V, D, nd := io.SeqLen, io.Vocab, io.Hidden, io.PuzzleNdim
	TD := io.T * D
	switch {
	case len(b.Inputs) != c.B*S || len(b.PuzzleIDs) != c.B:
		return fmt.Errorf("batch has %d inputs and %d ids, want %d×%d and %d", len(b.Inputs), len(b.PuzzleIDs), c.B, S, c.B)
	case len(out.Logits) != c.B*S*V || len(out.QHalt) != c.B || len(out.QContinue) != c.B:
		return fmt.Errorf("outputs hold %d logits and %d/%d Q values, want %d×%d×%d and %d", len(out.Logits), len(out.QHalt), len(out.QContinue), c.B, S, V, c.B)
	}
	// Check the rows to load before changing anything.
	for r := 0; r < c.B; r++ {
		if c.Done[r] || !c.Halted[r] {
			continue
		}
		if err := io.CheckTokens(b.Inputs[r*S:(r+1)*S], r); err != nil {
			return err
		}
		if id := b.PuzzleIDs[r]; nd > 0 && (id < 0 || int(id) >= io.PuzzleRows) {
			return fmt.Errorf("row %d: puzzle identifier %d outside the table's %d rows", r, id, io.PuzzleRows)
		}
	}
	active := c.active[:0]
	for r := 0; r < c.B; r++ {
		if c.Done[r] {
			continue
		}
		if c.Halted[r] {
			for k, z := range c.Z {
				for t := 0; t < io.T; t++ {
					copy(z[r*TD+t*D:r*TD+(t+1)*D], w.Inits[k])
				}
			}
			c.Steps[r] = 0
			copy(c.Inputs[r*S:(r+1)*S], b.Inputs[r*S:(r+1)*S])
			c.PuzzleIDs[r] = b.PuzzleIDs[r]
			if nd > 0 {
				if err := io.PuzzleRow(c.Puzzle[r*nd:(r+1)*nd], b.PuzzleIDs[r]); err != nil {
					c.active = c.active[:0] // nothing was computed
					return fmt.Errorf("row %d: %w", r, err)
				}
			}
		}
		active = append(active, r)
	}
	c.active = active
	if len(active) == 0 {
		return nil
	}
	ar.Reset()
	n := len(active)
	zs, inputs, puzzle := c.rows(ar, false)
	logits := out.Logits
	if n != c.B {
		logits = ar.GetRaw(n * S * V)
	}
	x := ar.GetRaw(n * TD)
	io.Embed(x, inputs, puzzle, n)
	w.Inner(zs, x, n, ar)
	q := ar.GetRaw(n * 2)
	io.Heads(logits, q, zs[0], n, ar)
	for i, r := range active {
		if n != c.B {
			for k, z := range c.Z {
				copy(z[r*TD:(r+1)*TD], zs[k][i*TD:(i+1)*TD])
			}
			copy(out.Logits[r*S*V:(r+1)*S*V], logits[i*S*V:(i+1)*S*V])
		}
		out.QHalt[r], out.QContinue[r] = q[2*i], q[2*i+1]
		c.Steps[r]++
		c.Halted[r] = c.Steps[r] >= depth
		if haltOnQ && w.MaxSteps > 1 && q[2*i] > q[2*i+1] {
			c.Halted[r] = true
			c.Done[r] = true
		}
	}
	return nil
}

// rows returns the states, inputs and puzzle vectors of the active rows:
// the carry itself when every row is active and copyStates is false, else
// contiguous copies in the arena (rows are independent, so the results do
// not depend on which rows run together).
func (c *Carry) rows(ar *nn.Arena, copyStates bool) (zs [][]float32, inputs []int32, puzzle []float32) {
	n := len(c.active)
	if n == c.B && !copyStates {
		copy(c.views, c.Z)
		return c.views, c.Inputs, c.Puzzle
	}
	S := len(c.Inputs) / c.B
	TD := len(c.Z[0]) / c.B
	nd := len(c.Puzzle) / c.B
	for k, z := range c.Z {
		v := ar.GetRaw(n * TD)
		for i, r := range c.active {
			copy(v[i*TD:(i+1)*TD], z[r*TD:(r+1)*TD])
		}
		c.views[k] = v
	}
	if n == c.B {
		return c.views, c.Inputs, c.Puzzle
	}
	if cap(c.gather) < c.B*S {
		c.gather = make([]int32, c.B*S)
	}
	inputs, puzzle = c.gather[:n*S], ar.GetRaw(n*nd)
	for i, r := range c.active {
		copy(inputs[i*S:(i+1)*S], c.Inputs[r*S:(r+1)*S])
		copy(puzzle[i*nd:(i+1)*nd], c.Puzzle[r*nd:(r+1)*nd])
	}
	return c.views, inputs, puzzle
}

// Active lists the rows the last Step computed.
func (c *Carry) Active() []int { return c.active }

// NextQ runs the inner model once more on a copy of the carry of the rows
// the last Step computed, without changing the carry, and writes their Q
// logits into qHalt and qCont (B): the official "next step" Q values from
// which HRM's Q-learning target is made.
func (w *Wrapper) NextQ(c *Carry, qHalt, qCont []float32, ar *nn.Arena) error {
	if len(qHalt) != c.B || len(qCont) != c.B {
		return fmt.Errorf("%s: NextQ: outputs hold %d/%d values, want %d", w.Name, len(qHalt), len(qCont), c.B)
	}
	n := len(c.active)
	if n == 0 {
		return nil
	}
	ar.Reset()
	zs, inputs, puzzle := c.rows(ar, true)
	x := ar.GetRaw(n * w.IO.T * w.IO.Hidden)
	w.IO.Embed(x, inputs, puzzle, n)
	w.Inner(zs, x, n, ar)
	q := ar.GetRaw(2 * n)
	w.IO.Q(q, zs[0], n, ar)
	for i, r := range c.active {
		qHalt[r], qCont[r] = q[2*i], q[2*i+1]
	}
	return nil
}

// NewRun starts the carry of B rows with its own arena (models.Model's
// NewRun).
func (w *Wrapper) NewRun(B int) models.Run { return &run{w: w, c: w.NewCarry(B), ar: &nn.Arena{}} }

type run struct {
	w  *Wrapper
	c  *Carry
	ar *nn.Arena
}

func (r *run) Step(b models.Batch, out *models.StepOutput, opt models.StepOptions) error {
	return r.w.Step(r.c, b, out, opt, r.ar)
}

func (r *run) Done(i int) bool { return r.c.Done[i] }
