package trm

import (
	"arceval/models"
	"errors"
	"fmt"

	"arceval/models/nn"
)

// The training types are shared by every trainable model (package models).
type (
	TrainBatch   = models.TrainBatch
	TrainState   = models.TrainState
	TrainOptions = models.TrainOptions
	TrainOutput  = models.TrainOutput
)

// NewTrainState returns the official initial carry: every row halted, so
// the first TrainStep loads the batch into all rows.
func (m *Model) NewTrainState(B int) *TrainState {
	return models.NewTrainState(B, m.Cfg.SeqLen, m.T*m.D, true)
}

// NewTrainOutput allocates outputs for B rows.
func (m *Model) NewTrainOutput(B int) *TrainOutput {
	return models.NewTrainOutput(B, m.Cfg.SeqLen, m.Cfg.VocabSize)
}

// TrainStep runs one supervision step in training mode, as the official
// ACTLossHead(ACT wrapper) forward and backward compute it:
//
//  1. halted rows are reset (z_H ← H_init, z_L ← L_init, steps ← 0) and
//     load their row of b;
//  2. x = embedding of the current inputs and puzzle rows (read from the
//     table now: it may have been updated since the row loaded);
//  3. H_cycles−1 cycles without gradient, then one cycle of L_cycles latent
//     updates and one answer update whose activations are kept;
//  4. logits from z_H's grid positions, q from position 0;
//  5. halting: steps+1, halt at halt_max_steps or when q_halt > 0
//     (q_halt > q_continue when no_ACT_continue is false), subject to the
//     exploration minimum;
//  6. losses: lm_loss (per-row mean over supervised positions, summed),
//     q_halt_loss (BCE against the row's exactness) and, when
//     no_ACT_continue is false, q_continue_loss against the bootstrapped
//     target of a second, gradient-free step (as HRM: sigmoid of the next
//     step's q_halt at the last step, else of max(q_halt, q_continue));
//  7. the gradient of LossScale·(lm_loss + 0.5·(q_halt_loss +
//     q_continue_loss)) is added to every parameter's gradient (Params) and
//     the puzzle-embedding rows are appended to PuzzleEmb, back-propagated
//     through the last cycle only; the new carry is detached.
//
// The model must come from LoadTrainable. ar holds the step's activations
// and is reset at the start. A model runs one TrainStep at a time (its
// gradients and workspace are shared). On an error about the batch nothing
// has changed.
func (m *Model) TrainStep(s *TrainState, b TrainBatch, opt TrainOptions, out *TrainOutput, ar *nn.Arena) error {
	tp := m.train
	if tp == nil {
		return errors.New("trm: TrainStep needs a model from LoadTrainable")
	}
	c := m.Cfg
	B, S, V, D, TD := s.B, c.SeqLen, c.VocabSize, m.D, m.T*m.D
	if len(b.Inputs) != B*S || len(b.Labels) != B*S || len(b.PuzzleIDs) != B {
		return fmt.Errorf("trm: training batch has %d inputs, %d labels and %d ids, want %d, %d and %d", len(b.Inputs), len(b.Labels), len(b.PuzzleIDs), B*S, B*S, B)
	}
	if opt.ExplorationProb > 0 && opt.Rand == nil {
		return errors.New("trm: halt exploration needs TrainOptions.Rand")
	}
	if err := m.checkRows(s, b); err != nil {
		return err
	}
	for r := 0; r < B; r++ {
		if !s.Halted[r] {
			continue
		}
		for i := 0; i < m.T; i++ {
			copy(s.ZH[r*TD+i*D:r*TD+(i+1)*D], m.hInit)
			copy(s.ZL[r*TD+i*D:r*TD+(i+1)*D], m.lInit)
		}
		s.Steps[r] = 0
		copy(s.Inputs[r*S:(r+1)*S], b.Inputs[r*S:(r+1)*S])
		copy(s.Labels[r*S:(r+1)*S], b.Labels[r*S:(r+1)*S])
		s.PuzzleIDs[r] = b.PuzzleIDs[r]
	}

	ar.Reset()
	nd := c.PuzzleEmbNdim
	puzzle := ar.GetRaw(B * nd)
	for r := 0; r < B && m.puzzle != nil; r++ {
		row, err := m.puzzle.row(s.PuzzleIDs[r])
		if err != nil {
			return fmt.Errorf("row %d: %w", r, err)
		}
		copy(puzzle[r*nd:(r+1)*nd], row)
	}
	x := ar.GetRaw(B * TD)
	if err := m.embedInputs(x, s.Inputs, puzzle, B); err != nil {
		return err
	}

	// Forward: H_cycles−1 cycles without gradient, the last one kept.
	zH, zL := s.ZH, s.ZL
	inj := ar.GetRaw(B * TD)
	for h := 0; h < c.HCycles-1; h++ {
		for l := 0; l < c.LCycles; l++ {
			nn.Add(inj, zH, x)
			models.Level(m.blocks, zL, inj, B, m.T, ar)
		}
		models.Level(m.blocks, zH, zL, B, m.T, ar)
	}
	for l := 0; l < c.LCycles; l++ {
		nn.Add(inj, zH, x)
		models.LevelTrain(m.blocks, zL, inj, B, m.T, tp.states[l], ar)
	}
	models.LevelTrain(m.blocks, zH, zL, B, m.T, tp.states[c.LCycles], ar)
	grid, first := ar.GetRaw(B*S*D), ar.GetRaw(B*D) // heads' inputs: z_H[:, P:] and z_H[:, 0]
	q := ar.GetRaw(B * 2)
	m.headsTrain(out.Logits, q, grid, first, zH, B)

	// Halting (no gradient), as the official wrapper in training mode.
	rule := models.HaltOnQPositive
	if !c.NoACTContinue {
		rule = models.HaltOnQOverContinue
	}
	models.TrainHalt(s, out, q, c.HaltMaxSteps, rule, opt)
	withTarget := !c.NoACTContinue && c.HaltMaxSteps > 1
	if withTarget {
		m.targetQContinue(out.TargetQContinue, s, x, B, ar)
	}

	// Losses and their gradients with respect to the logits and q.
	dlogits, dq := ar.GetRaw(B*S*V), ar.Get(B*2)
	if err := models.TrainLosses(out, s, q, dlogits, dq, S, V, withTarget, opt); err != nil {
		return err
	}

	// Backward through the heads and the last cycle.
	dzH := ar.Get(B * TD)
	m.headsBackward(dzH, dlogits, dq, grid, first, B, ar)
	models.LevelBackward(m.blocks, dzH, B, m.T, tp.states[c.LCycles], ar) // now ∂/∂(z_H + z_L): z_H's part is detached
	dx := ar.Get(B * TD)
	dzL := dzH
	for l := c.LCycles - 1; l >= 0; l-- {
		models.LevelBackward(m.blocks, dzL, B, m.T, tp.states[l], ar) // ∂/∂(z_L + z_H + x)
		nn.AddInto(dx, dzL)
	}
	m.embedBackward(dx, s, B)
	return nil
}

// checkRows validates the data that halted rows are about to load, before
// anything changes.
func (m *Model) checkRows(s *TrainState, b TrainBatch) error {
	S, V := m.Cfg.SeqLen, m.Cfg.VocabSize
	for r := 0; r < s.B; r++ {
		if !s.Halted[r] {
			continue
		}
		for i := r * S; i < (r+1)*S; i++ {
			if tok := b.Inputs[i]; tok < 0 || int(tok) >= V {
				return fmt.Errorf("row %d, position %d: token %d outside the vocabulary 0..%d", r, i-r*S, tok, V-1)
			}
			if l := b.Labels[i]; l != nn.IgnoreLabel && (l < 0 || int(l) >= V) {
				return fmt.Errorf("row %d, position %d: label %d outside 0..%d (or %d, ignored)", r, i-r*S, l, V-1, nn.IgnoreLabel)
			}
		}
		if m.puzzle != nil && (b.PuzzleIDs[r] < 0 || int(b.PuzzleIDs[r]) >= m.puzzle.n) {
			return fmt.Errorf("row %d: puzzle identifier %d outside the table's %d rows", r, b.PuzzleIDs[r], m.puzzle.n)
		}
	}
	return nil
}

// targetQContinue computes the bootstrapped q_continue target (HRM's ACT
// rule, used when no_ACT_continue is false): one more gradient-free
// supervision step from the new carry on the same data gives next q values;
// target = sigmoid(next q_halt) for rows at their last step, else
// sigmoid(max(next q_halt, next q_continue)). The carry is not changed.
func (m *Model) targetQContinue(target []float32, s *TrainState, x []float32, B int, ar *nn.Arena) {
	c, o, u := ar.Mark()
	defer ar.Release(c, o, u)
	zH, zL := ar.GetRaw(len(s.ZH)), ar.GetRaw(len(s.ZL))
	copy(zH, s.ZH)
	copy(zL, s.ZL)
	m.inner(zH, zL, x, B, ar)
	first := ar.GetRaw(B * m.D)
	for r := 0; r < B; r++ {
		copy(first[r*m.D:(r+1)*m.D], zH[r*m.T*m.D:])
	}
	q := ar.GetRaw(B * 2)
	m.qHead.Forward(q, first, B)
	models.QContinueTarget(target[:B], q, s.Steps, m.Cfg.HaltMaxSteps)
}
