package trm

import (
	"fmt"

	"arceval/models"
	"arceval/models/nn"
)

// State is the ACT carry of a batch of B rows, as the official wrapper keeps
// it: per row the answer state z_H and latent z_L (each (T, D)), the steps
// taken, whether it halted, and the data (inputs, puzzle id) it is working on.
// A halted row is reset and takes the next batch's data at the next Step.
type State struct {
	B         int
	ZH, ZL    []float32 // (B, T, D)
	Steps     []int     // (B)
	Halted    []bool    // (B)
	Inputs    []int32   // (B, S) current data
	PuzzleIDs []int32   // (B)
	Puzzle    []float32 // (B, puzzle_emb_ndim) each row's puzzle-embedding vector
	// Done marks rows that stopped early (HaltOnQ); Step skips them and
	// leaves their outputs untouched.
	Done []bool

	active []int   // rows computed by the current step
	gather []int32 // (B, S) inputs of the active rows, contiguous
}

// NewState returns the official initial carry: every row halted, so the
// first Step loads the batch into all rows.
func (m *Model) NewState(B int) *State {
	s := &State{B: B, ZH: make([]float32, B*m.T*m.D), ZL: make([]float32, B*m.T*m.D),
		Steps: make([]int, B), Halted: make([]bool, B), Inputs: make([]int32, B*m.Cfg.SeqLen),
		PuzzleIDs: make([]int32, B), Puzzle: make([]float32, B*m.Cfg.PuzzleEmbNdim), Done: make([]bool, B)}
	for i := range s.Halted {
		s.Halted[i] = true
	}
	return s
}

// Batch, StepOutput and StepOptions are the shared model interface's types.
type (
	Batch       = models.Batch
	StepOutput  = models.StepOutput
	StepOptions = models.StepOptions
)

// NewStepOutput allocates outputs for B rows.
func (m *Model) NewStepOutput(B int) *StepOutput { return models.NewStepOutput(m.Info(), B) }

// Step runs one supervision step (one call of the official ACT wrapper in
// evaluation mode): halted rows are reset to H_init/L_init and load their row
// of b; the inner model runs H_cycles × (L_cycles latent updates + one answer
// update); rows halt after halt_max_steps steps (or, with HaltOnQ, when
// q_halt > 0).
func (m *Model) Step(s *State, b Batch, out *StepOutput, opt StepOptions, ar *nn.Arena) error {
	S, TD := m.Cfg.SeqLen, m.T*m.D
	if len(b.Inputs) != s.B*S || len(b.PuzzleIDs) != s.B {
		return fmt.Errorf("trm: batch has %d inputs and %d ids, want %d×%d and %d", len(b.Inputs), len(b.PuzzleIDs), s.B, S, s.B)
	}
	active := s.active[:0]
	for r := 0; r < s.B; r++ {
		if s.Done[r] {
			continue
		}
		if s.Halted[r] {
			for i := 0; i < m.T; i++ {
				copy(s.ZH[r*TD+i*m.D:r*TD+(i+1)*m.D], m.hInit)
				copy(s.ZL[r*TD+i*m.D:r*TD+(i+1)*m.D], m.lInit)
			}
			s.Steps[r] = 0
			copy(s.Inputs[r*S:(r+1)*S], b.Inputs[r*S:(r+1)*S])
			s.PuzzleIDs[r] = b.PuzzleIDs[r]
			if m.puzzle != nil {
				row, err := m.puzzle.row(b.PuzzleIDs[r])
				if err != nil {
					return fmt.Errorf("row %d: %w", r, err)
				}
				copy(s.Puzzle[r*m.puzzle.ndim:(r+1)*m.puzzle.ndim], row)
			}
		}
		active = append(active, r)
	}
	s.active = active
	if len(active) == 0 {
		return nil
	}
	ar.Reset()
	n, V, nd := len(active), m.Cfg.VocabSize, m.Cfg.PuzzleEmbNdim
	// When every row runs, work on the carry in place; otherwise gather the
	// active rows into contiguous buffers and scatter them back (rows are
	// independent, so the result does not depend on which rows run together).
	all := n == s.B
	zH, zL, inputs, puzzle, logits := s.ZH, s.ZL, s.Inputs, s.Puzzle, out.Logits
	if !all {
		zH, zL = ar.GetRaw(n*TD), ar.GetRaw(n*TD)
		if cap(s.gather) < n*S {
			s.gather = make([]int32, s.B*S)
		}
		inputs, puzzle, logits = s.gather[:n*S], ar.GetRaw(n*nd), ar.GetRaw(n*S*V)
		for i, r := range active {
			copy(zH[i*TD:(i+1)*TD], s.ZH[r*TD:(r+1)*TD])
			copy(zL[i*TD:(i+1)*TD], s.ZL[r*TD:(r+1)*TD])
			copy(inputs[i*S:(i+1)*S], s.Inputs[r*S:(r+1)*S])
			copy(puzzle[i*nd:(i+1)*nd], s.Puzzle[r*nd:(r+1)*nd])
		}
	}
	depth := opt.Depth(m.Cfg.HaltMaxSteps)
	x := ar.GetRaw(n * TD)
	if err := m.embedInputs(x, inputs, puzzle, n); err != nil {
		return err
	}
	m.inner(zH, zL, x, n, ar)
	q := ar.GetRaw(n * 2)
	m.heads(logits, q, zH, n, ar)
	for i, r := range active {
		if !all {
			copy(s.ZH[r*TD:(r+1)*TD], zH[i*TD:(i+1)*TD])
			copy(s.ZL[r*TD:(r+1)*TD], zL[i*TD:(i+1)*TD])
			copy(out.Logits[r*S*V:(r+1)*S*V], logits[i*S*V:(i+1)*S*V])
		}
		out.QHalt[r], out.QContinue[r] = q[2*i], q[2*i+1]
		s.Steps[r]++
		s.Halted[r] = s.Steps[r] >= depth
		if opt.HaltOnQ && q[2*i] > 0 {
			s.Halted[r] = true
			s.Done[r] = true
		}
	}
	return nil
}

// inner is the recursion of one supervision step on n rows:
//
//	repeat H_cycles: { repeat L_cycles: z_L = blocks(z_L + (z_H + x)); z_H = blocks(z_H + z_L) }
func (m *Model) inner(zH, zL, x []float32, n int, ar *nn.Arena) {
	inj := ar.GetRaw(len(x))
	for h := 0; h < m.Cfg.HCycles; h++ {
		for l := 0; l < m.Cfg.LCycles; l++ {
			nn.Add(inj, zH, x)
			models.Level(m.blocks, zL, inj, n, m.T, ar)
		}
		models.Level(m.blocks, zH, zL, n, m.T, ar)
	}
}

// heads computes logits (n, S, V) from z_H's grid positions and q (n, 2)
// from position 0.
func (m *Model) heads(logits, q, zH []float32, n int, ar *nn.Arena) {
	S, V, TD := m.Cfg.SeqLen, m.Cfg.VocabSize, m.T*m.D
	first := ar.Get(n * m.D)
	for i := 0; i < n; i++ {
		m.lmHead.Forward(logits[i*S*V:(i+1)*S*V], zH[i*TD+m.P*m.D:(i+1)*TD], S)
		copy(first[i*m.D:(i+1)*m.D], zH[i*TD:i*TD+m.D])
	}
	m.qHead.Forward(q, first, n)
}
