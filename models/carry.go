package models

// Carry is the ACT carry of B rows between supervision steps, as the
// official ACT wrapper keeps it, in evaluation and in training alike: per
// row the recurrent states z_H and z_L (each (T, D); z_L nil for a model
// with one state), the steps taken, whether the row halted (a halted row is
// reset to the initial states and loads its row of the next batch at the
// next step), and the data it is working on.
type Carry struct {
	B         int
	ZH, ZL    []float32 // (B, T, D)
	Steps     []int     // (B)
	Halted    []bool    // (B)
	Inputs    []int32   // (B, S)
	Labels    []int32   // (B, S) training only
	PuzzleIDs []int32   // (B)
	Puzzle    []float32 // (B, puzzle_emb_ndim) each row's puzzle-embedding vector
	// Done marks rows that stopped early in evaluation (StepOptions.HaltOnQ);
	// steps skip them and leave their outputs untouched.
	Done []bool // (B)
	// Active lists the rows the last step computed, in order.
	Active []int
}

// TrainState is the training carry (the name the trainer uses).
type TrainState = Carry

// NewCarry returns the official initial carry of B rows of S tokens, with
// states of TD (T·D) values per row (z_L only when states is 2) and ndim
// puzzle-embedding values per row: every row halted, so the first step
// loads its batch into all rows.
func NewCarry(B, S, TD, states, ndim int) *Carry {
	c := &Carry{B: B, ZH: make([]float32, B*TD), Steps: make([]int, B), Halted: make([]bool, B),
		Inputs: make([]int32, B*S), Labels: make([]int32, B*S), PuzzleIDs: make([]int32, B),
		Puzzle: make([]float32, B*ndim), Done: make([]bool, B), Active: make([]int, 0, B)}
	if states > 1 {
		c.ZL = make([]float32, B*TD)
	}
	for i := range c.Halted {
		c.Halted[i] = true
	}
	return c
}

// Clone returns a deep copy of c.
func (c *Carry) Clone() *Carry {
	cl := func(v []float32) []float32 {
		if v == nil {
			return nil
		}
		return append([]float32(nil), v...)
	}
	return &Carry{B: c.B, ZH: cl(c.ZH), ZL: cl(c.ZL), Steps: append([]int(nil), c.Steps...), Halted: append([]bool(nil), c.Halted...),
		Inputs: append([]int32(nil), c.Inputs...), Labels: append([]int32(nil), c.Labels...), PuzzleIDs: append([]int32(nil), c.PuzzleIDs...),
		Puzzle: cl(c.Puzzle), Done: append([]bool(nil), c.Done...), Active: append(make([]int, 0, c.B), c.Active...)}
}
