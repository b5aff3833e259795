package act

import (
	"errors"
	"fmt"
	"math"

	"arceval/models"
	"arceval/models/nn"
)

// trainer is what only a trainable model has: the parameter list with
// gradient buffers, the puzzle table as a sparse parameter, and the
// buffers' values by name for Tensors.
type trainer struct {
	params    []nn.Param
	linears   []*nn.Linear // every linear layer of params (Repack)
	embedGrad []float32    // (vocab, D)
	posGrad   []float32    // (T, D), learned positions only
	puzzle    *nn.SparseParam
	buffers   map[string][]float32 // H_init, L_init
}

// newTrainer allocates the gradients and lists the parameters under their
// official names, in the official order (the Specs without the buffers);
// lin holds the blocks' linear layers by weight name (Loader). The puzzle
// table is read whole into memory: training updates it.
func newTrainer(m *Model, r *Resolver, lin map[string]*nn.Linear) (*trainer, error) {
	io := m.io
	t := &trainer{buffers: map[string][]float32{}}
	all := map[string]*nn.Linear{"lm_head.weight": io.lmHead, "q_head.weight": io.qHead}
	for name, l := range lin {
		all[name] = l
	}
	for _, l := range all {
		l.AllocGrad()
	}
	t.embedGrad = make([]float32, len(io.embed))
	if io.embedPos != nil {
		t.posGrad = make([]float32, len(io.embedPos))
	}
	for _, s := range m.def.Specs {
		switch {
		case s.Name == "puzzle_emb.weights":
			table, err := r.Get(s.Name)
			if err != nil {
				return nil, err
			}
			io.table = table
			t.puzzle = &nn.SparseParam{Name: s.Name, Shape: s.Shape, W: table}
			continue
		case s.Name == "H_init":
			t.buffers[s.Name] = m.inits[0]
			continue
		case s.Name == "L_init":
			t.buffers[s.Name] = m.inits[1]
			continue
		case s.Buffer:
			return nil, fmt.Errorf("%s: no value for buffer %s", m.def.Name, s.Name)
		}
		p := nn.Param{Name: s.Name, Shape: s.Shape}
		switch s.Name {
		case "embed_tokens.embedding_weight":
			p.W, p.G = io.embed, t.embedGrad
		case "embed_pos.embedding_weight":
			p.W, p.G = io.embedPos, t.posGrad
		case "q_head.bias":
			p.W, p.G = io.qHead.Bias, io.qHead.BiasGrad
		default:
			l, ok := all[s.Name]
			if !ok {
				return nil, fmt.Errorf("%s: no layer for parameter %s", m.def.Name, s.Name)
			}
			t.linears = append(t.linears, l)
			p.W, p.G = l.Weight, l.Grad
		}
		if len(p.W) != s.Elements() || len(p.G) != len(p.W) {
			return nil, fmt.Errorf("%s: parameter %s has %d values, its shape %v needs %d", m.def.Name, s.Name, len(p.W), s.Shape, s.Elements())
		}
		t.params = append(t.params, p)
	}
	return t, nil
}

// TrainStep runs one supervision step in training mode, as the official
// loss head (ACTLossHead) around the ACT wrapper computes it:
//
//  1. the batch, carry and outputs are checked, and the data of the rows
//     about to load (tokens, labels, puzzle identifiers), before anything
//     changes: on an error the carry is as it was;
//  2. halted rows are reset to the initial states (steps 0) and load their
//     row of b (inputs, labels, puzzle id);
//  3. x = the input embedding of every row's current data, with its puzzle
//     row read from the table now (an optimiser may have changed it since
//     the row loaded);
//  4. the family's training forward (Net.ForwardTrain), then logits from
//     z_H's grid positions and q from position 0;
//  5. halting (no gradient): steps+1; halt at MaxSteps, or (MaxSteps > 1)
//     by the halting rule, but not before the exploration minimum (with
//     probability opt.ExplorationProb a row draws one uniformly in
//     [2, MaxSteps]);
//  6. with TargetQ (and MaxSteps > 1), the bootstrapped q_continue target:
//     sigmoid of the next step's q_halt on a row's last step, else of
//     max(next q_halt, next q_continue), from a gradient-free inner step on
//     a copy of the new carry and the same data;
//  7. losses, sums over the batch: lm_loss (per-row mean over supervised
//     positions), q_halt_loss (BCE against the row's exactness) and, with
//     the target, q_continue_loss; total = lm + 0.5·(q_halt + q_continue);
//  8. the gradient of opt.LossScale·total is added to every parameter's
//     gradient — back through the heads, the family's network
//     (Net.Backward) and the input embedding — and each row's
//     puzzle-embedding gradient is appended to PuzzleEmb. The new carry is
//     detached.
//
// The model must be trainable. ar holds the step's activations and is reset
// at the start. A model runs one TrainStep at a time (its gradients and
// training activations are shared).
func (m *Model) TrainStep(s *models.Carry, b models.TrainBatch, opt models.TrainOptions, out *models.TrainOutput, ar *nn.Arena) error {
	if err := m.trainStep(s, b, opt, out, ar); err != nil {
		return fmt.Errorf("%s: %w", m.def.Name, err)
	}
	return nil
}

func (m *Model) trainStep(s *models.Carry, b models.TrainBatch, opt models.TrainOptions, out *models.TrainOutput, ar *nn.Arena) error {
	if m.train == nil {
		return errors.New("TrainStep needs a trainable model (LoadTrainable)")
	}
	io := m.io
	B, S, V, D, nd := s.B, io.SeqLen, io.Vocab, io.Hidden, io.PuzzleNdim
	TD := io.T * D
	target := m.def.TargetQ && m.def.MaxSteps > 1
	switch {
	case len(b.Inputs) != B*S || len(b.Labels) != B*S || len(b.PuzzleIDs) != B:
		return fmt.Errorf("training batch has %d inputs, %d labels and %d ids, want %d, %d and %d", len(b.Inputs), len(b.Labels), len(b.PuzzleIDs), B*S, B*S, B)
	case len(out.Logits) != B*S*V || len(out.QHalt) != B || len(out.QContinue) != B || len(out.Stats) != B ||
		target && len(out.TargetQContinue) != B:
		return fmt.Errorf("training outputs are not sized for %d rows (NewTrainOutput)", B)
	case opt.ExplorationProb > 0 && opt.Rand == nil:
		return errors.New("halt exploration needs TrainOptions.Rand")
	}
	if err := m.checkCarry(s); err != nil {
		return err
	}
	for r := 0; r < B; r++ {
		if !s.Halted[r] {
			continue
		}
		if err := io.checkRow(r, b.Inputs[r*S:(r+1)*S], b.Labels[r*S:(r+1)*S], b.PuzzleIDs[r]); err != nil {
			return err
		}
	}
	for r := 0; r < B; r++ {
		if !s.Halted[r] {
			continue
		}
		m.reset(s, r)
		copy(s.Inputs[r*S:(r+1)*S], b.Inputs[r*S:(r+1)*S])
		copy(s.Labels[r*S:(r+1)*S], b.Labels[r*S:(r+1)*S])
		s.PuzzleIDs[r] = b.PuzzleIDs[r]
	}
	s.Active = s.Active[:0]
	for r := 0; r < B; r++ {
		s.Active = append(s.Active, r)
		if nd > 0 {
			id := int(s.PuzzleIDs[r])
			copy(s.Puzzle[r*nd:(r+1)*nd], io.table[id*nd:(id+1)*nd])
		}
	}

	ar.Reset()
	x := ar.GetRaw(B * TD)
	io.Embed(x, s.Inputs, s.Puzzle, s.Active)
	net := m.trainNet()
	net.ForwardTrain(s.ZH, s.ZL, x, B, ar)
	grid, first, q := ar.GetRaw(B*S*D), ar.GetRaw(B*D), ar.GetRaw(B*2) // heads' inputs: z_H[:, P:] and z_H[:, 0]
	io.HeadsTrain(out.Logits, q, grid, first, s.ZH, B)

	// Halting (no gradient), as the official wrapper in training mode.
	trainHalt(s, out, q, m.def.MaxSteps, m.def.Halt, opt)
	if target {
		m.targetQ(out.TargetQContinue, s, x, B, ar)
	}

	// Losses and their gradients with respect to the logits and q.
	dlogits, dq := ar.GetRaw(B*S*V), ar.Get(B*2)
	if err := trainLosses(out, s, q, dlogits, dq, S, V, target, opt); err != nil {
		return err
	}

	// Backward: heads, the family's network, the input embedding. The
	// weight gradients accumulate in the layout their product prefers
	// (Linear.BeginGradT; the same bits).
	for _, l := range m.train.linears {
		l.BeginGradT()
	}
	d := ar.Get(B * TD)
	io.HeadsBackward(d, dlogits, dq, grid, first, B, ar)
	net.Backward(d, B, ar)
	m.embedBackward(d, s, B)
	for _, l := range m.train.linears {
		l.EndGradT()
	}
	return nil
}

// trainNet is the network TrainStep runs: the family's, or its bf16 twin
// (SetPrecision).
func (m *Model) trainNet() Net {
	if m.bf16 != nil {
		return m.bf16.net
	}
	return m.net
}

// targetQ writes the bootstrapped q_continue target (B) from one more
// gradient-free inner step on copies of the new carry; x is the input
// embedding of the rows' data. The carry is not changed.
func (m *Model) targetQ(target []float32, s *models.Carry, x []float32, B int, ar *nn.Arena) {
	c, o, u := ar.Mark()
	defer ar.Release(c, o, u)
	zH, zL := m.gather(s, ar, true)
	m.inner(zH, zL, x, B, ar)
	q := ar.GetRaw(2 * B)
	m.io.Q(q, zH, B, ar)
	QContinueTarget(target[:B], q, s.Steps, m.def.MaxSteps)
}

// TargetQContinue computes the Q-learning target for the rows the last Step
// computed, as the official wrapper does in training: one more inner step
// on the new carry (the carry is not changed) gives the next Q logits, and
// target = sigmoid(next q_halt) on a row's last step, else sigmoid(max(next
// q_halt, next q_continue)). dst is (B); other rows keep their values.
func (m *Model) TargetQContinue(c *models.Carry, dst []float32, ar *nn.Arena) error {
	if len(dst) != c.B {
		return fmt.Errorf("%s: TargetQContinue: dst holds %d values, want %d", m.def.Name, len(dst), c.B)
	}
	qh, qc := make([]float32, c.B), make([]float32, c.B)
	if err := m.NextQ(c, qh, qc, ar); err != nil {
		return err
	}
	q := make([]float32, 2)
	for _, r := range c.Active {
		q[0], q[1] = qh[r], qc[r]
		QContinueTarget(dst[r:r+1], q, c.Steps[r:r+1], m.def.MaxSteps)
	}
	return nil
}

// embedBackward turns dx (B, T, D), the gradient with respect to the input
// embedding x = √D·[puzzle prefix ; tokens] (× 0.707106781 with the learned
// positions added), into gradients of the token table (and positions), and
// appends each row's puzzle-embedding gradient (the first ndim values of
// its prefix) to PuzzleEmb. dx is scaled in place.
func (m *Model) embedBackward(dx []float32, s *models.Carry, B int) {
	io, t := m.io, m.train
	S, D, TD := io.SeqLen, io.Hidden, io.T*io.Hidden
	nn.Scale(dx[:B*TD], float32(math.Sqrt(float64(D))))
	if io.embedPos != nil {
		nn.Scale(dx[:B*TD], 0.707106781)
		for b := 0; b < B; b++ {
			nn.AddInto(t.posGrad, dx[b*TD:(b+1)*TD])
		}
	}
	for b := 0; b < B; b++ {
		nn.EmbedBackward(t.embedGrad, dx[b*TD+io.Prefix*D:(b+1)*TD], s.Inputs[b*S:(b+1)*S], D)
	}
	if p := t.puzzle; p != nil {
		nd := io.PuzzleNdim
		for b := 0; b < B; b++ {
			p.IDs = append(p.IDs, s.PuzzleIDs[b])
			p.G = append(p.G, dx[b*TD:b*TD+nd]...)
		}
	}
}
