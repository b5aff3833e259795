package act

import (
	"errors"
	"fmt"
	"math"

	"arceval/models"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// Trainer is the training step of an ACT model (HRM, the transformer and
// MLP baselines) as the official loss head (ACTLossHead) around the ACT
// wrapper computes it in training mode. The model passes in what differs:
// its training forward (Forward) and the matching backward (Backward);
// Trainer does the rest — carry reset and data loading, the input
// embedding, the heads, halting with exploration, the Q-learning target,
// the losses, and the gradients of the embeddings and heads.
type Trainer struct {
	W *Wrapper
	// HaltOnQ: with halt_max_steps > 1, rows also halt when q_halt >
	// q_continue, not before the exploration minimum (HRM; the transformer
	// baseline when act_enabled). Without it rows run halt_max_steps steps.
	HaltOnQ bool
	// TargetQ: with halt_max_steps > 1, an extra gradient-free inner step
	// (W.Inner) on the new carry gives the Q-learning target of
	// q_continue, and q_continue_loss joins the total (HRM).
	TargetQ bool
	// Forward is one supervision step's inner computation in training
	// mode: the values of W.Inner (same bits), keeping the activations of
	// the computations that carry gradient for Backward.
	Forward Inner
	// Backward takes d (n, T, D), the gradient with respect to z_H after
	// Forward, adds the weight gradients of the blocks that carry gradient,
	// and leaves in d the gradient with respect to the input embedding x
	// (the carry is detached).
	Backward func(d []float32, n int, ar *nn.Arena)

	specs     []Spec
	buffers   map[string][]float32 // H_init, L_init
	params    []nn.Param
	linears   []*nn.Linear
	embedGrad []float32 // (vocab, D)
	posGrad   []float32 // (T, D), learned positions only
	puzzle    *nn.SparseParam
	z, zq     [][]float32 // views of the carry's states; the target step's copies
}

// NewTrainer prepares w's model for training: gradient buffers for every
// parameter of specs (the non-buffers, in the official order), the puzzle
// table read whole into memory as a sparse parameter, and the buffers'
// values by name (H_init, L_init) for Tensors. lin holds the blocks' linear
// layers by weight name (models.BlockLinears). The resolver the model was loaded
// with must have Own set, so the weights are the model's own.
func NewTrainer(w *Wrapper, specs []Spec, buffers map[string][]float32, lin map[string]*nn.Linear) (*Trainer, error) {
	io := w.IO
	if !io.r.Own {
		return nil, errors.New("act: a trainable model must own its weights (Resolver.Own)")
	}
	t := &Trainer{W: w, specs: specs, buffers: buffers, z: make([][]float32, len(w.Inits)), zq: make([][]float32, len(w.Inits))}
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
	for _, s := range specs {
		if s.Buffer {
			if s.Name == "puzzle_emb.weights" {
				table, err := io.r.Get(s.Name)
				if err != nil {
					return nil, err
				}
				io.table = table
				t.puzzle = &nn.SparseParam{Name: s.Name, Shape: s.Shape, W: table}
			} else if _, ok := buffers[s.Name]; !ok {
				return nil, fmt.Errorf("act: no value for buffer %s", s.Name)
			}
			continue
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
				return nil, fmt.Errorf("act: no layer for parameter %s", s.Name)
			}
			t.linears = append(t.linears, l)
			p.W, p.G = l.Weight, l.Grad
		}
		if len(p.W) != s.Elements() || len(p.G) != len(p.W) {
			return nil, fmt.Errorf("act: parameter %s has %d values, its shape %v needs %d", s.Name, len(p.W), s.Shape, s.Elements())
		}
		t.params = append(t.params, p)
	}
	return t, nil
}

// Params lists the trainable parameters (the official model.parameters():
// everything but the initial states and the puzzle table) with live slices
// of their weights and gradients; nil for a nil Trainer.
func (t *Trainer) Params() []nn.Param {
	if t == nil {
		return nil
	}
	return t.params
}

// PuzzleEmb is the puzzle table as a sparse parameter (nil without one or
// for a nil Trainer); after training steps IDs and G hold one row per batch
// row and step since the last ZeroGrad.
func (t *Trainer) PuzzleEmb() *nn.SparseParam {
	if t == nil {
		return nil
	}
	return t.puzzle
}

// Repack refreshes the packed copies of the linear weights after an
// optimiser has changed the weights in place.
func (t *Trainer) Repack() {
	if t == nil {
		return
	}
	for _, l := range t.linears {
		l.Repack()
	}
}

// ZeroGrad clears every gradient and empties the puzzle-embedding rows.
func (t *Trainer) ZeroGrad() {
	if t == nil {
		return
	}
	for _, p := range t.params {
		clear(p.G)
	}
	if p := t.puzzle; p != nil {
		p.IDs, p.G = p.IDs[:0], p.G[:0]
	}
}

// NewTrainState returns the official initial training carry of B rows:
// every row halted, so the first step loads the batch into all rows. ZL is
// nil for a model with one state (the direct baselines).
func (w *Wrapper) NewTrainState(B int) *models.TrainState {
	io := w.IO
	return models.NewTrainState(B, io.SeqLen, io.T*io.Hidden, len(w.Inits) > 1)
}

// NewTrainOutput allocates training outputs for B rows.
func (w *Wrapper) NewTrainOutput(B int) *models.TrainOutput {
	return models.NewTrainOutput(B, w.IO.SeqLen, w.IO.Vocab)
}

// Step runs one supervision step in training mode, as the official loss
// head around the ACT wrapper computes it:
//
//  1. halted rows are reset to their initial states (steps 0) and load
//     their row of b (inputs, labels, puzzle id);
//  2. x = the input embedding of the rows' current data, with the puzzle
//     rows read from the table now (it may have changed since a row
//     loaded);
//  3. Forward, then logits from z_H's grid positions and q from position 0;
//  4. halting (no gradient): steps+1; halt at halt_max_steps, or (HaltOnQ,
//     halt_max_steps > 1) when q_halt > q_continue, but not before the
//     exploration minimum (with probability opt.ExplorationProb a row
//     draws one uniformly in [2, halt_max_steps]);
//  5. with TargetQ, the bootstrapped q_continue target: sigmoid of the next
//     step's q_halt on a row's last step, else of max(next q_halt, next
//     q_continue), from a gradient-free inner step on a copy of the new
//     carry and the same data;
//  6. losses, sums over the batch: lm_loss (per-row mean over supervised
//     positions), q_halt_loss (BCE against the row's exactness) and, with
//     the target, q_continue_loss; total = lm + 0.5·(q_halt + q_continue);
//  7. the gradient of opt.LossScale·total is added to every parameter's
//     gradient and each row's puzzle-embedding gradient is appended to
//     PuzzleEmb. The new carry is detached.
//
// ar holds the step's activations and is reset at the start. A model runs
// one Step at a time. On an error about the batch, state or outputs nothing
// has changed.
func (t *Trainer) Step(s *models.TrainState, b models.TrainBatch, opt models.TrainOptions, out *models.TrainOutput, ar *nn.Arena) error {
	if err := t.step(s, b, opt, out, ar); err != nil {
		return fmt.Errorf("%s: %w", t.W.Name, err)
	}
	return nil
}

func (t *Trainer) step(s *models.TrainState, b models.TrainBatch, opt models.TrainOptions, out *models.TrainOutput, ar *nn.Arena) error {
	w, io := t.W, t.W.IO
	B, S, V, D, nd := s.B, io.SeqLen, io.Vocab, io.Hidden, io.PuzzleNdim
	TD := io.T * D
	switch {
	case len(b.Inputs) != B*S || len(b.Labels) != B*S || len(b.PuzzleIDs) != B:
		return fmt.Errorf("training batch has %d inputs, %d labels and %d ids, want %d, %d and %d", len(b.Inputs), len(b.Labels), len(b.PuzzleIDs), B*S, B*S, B)
	case len(s.ZH) != B*TD || len(w.Inits) > 1 && len(s.ZL) != B*TD || len(s.Steps) != B || len(s.Halted) != B ||
		len(s.Inputs) != B*S || len(s.Labels) != B*S || len(s.PuzzleIDs) != B:
		return fmt.Errorf("training state is not one of this model for %d rows (NewTrainState)", B)
	case len(out.Logits) != B*S*V || len(out.QHalt) != B || len(out.QContinue) != B || len(out.Stats) != B ||
		t.TargetQ && len(out.TargetQContinue) != B:
		return fmt.Errorf("training outputs are not sized for %d rows (NewTrainOutput)", B)
	case opt.ExplorationProb > 0 && opt.Rand == nil:
		return errors.New("halt exploration needs TrainOptions.Rand")
	}
	// Check the rows to load before changing anything.
	for r := 0; r < B; r++ {
		if !s.Halted[r] {
			continue
		}
		if err := io.CheckTokens(b.Inputs[r*S:(r+1)*S], r); err != nil {
			return err
		}
		for i, l := range b.Labels[r*S : (r+1)*S] {
			if l != nn.IgnoreLabel && (l < 0 || int(l) >= V) {
				return fmt.Errorf("row %d, position %d: label %d outside 0..%d (or %d, ignored)", r, i, l, V-1, nn.IgnoreLabel)
			}
		}
		if id := b.PuzzleIDs[r]; nd > 0 && (id < 0 || int(id) >= io.PuzzleRows) {
			return fmt.Errorf("row %d: puzzle identifier %d outside the table's %d rows", r, id, io.PuzzleRows)
		}
	}
	for r := 0; r < B; r++ {
		if !s.Halted[r] {
			continue
		}
		for k, z := range t.states(s) {
			for p := 0; p < io.T; p++ {
				copy(z[r*TD+p*D:r*TD+(p+1)*D], w.Inits[k])
			}
		}
		s.Steps[r] = 0
		copy(s.Inputs[r*S:(r+1)*S], b.Inputs[r*S:(r+1)*S])
		copy(s.Labels[r*S:(r+1)*S], b.Labels[r*S:(r+1)*S])
		s.PuzzleIDs[r] = b.PuzzleIDs[r]
	}

	ar.Reset()
	puzzle := ar.GetRaw(B * nd)
	for r := 0; r < B && nd > 0; r++ {
		id := int(s.PuzzleIDs[r])
		copy(puzzle[r*nd:(r+1)*nd], io.table[id*nd:(id+1)*nd])
	}
	x := ar.GetRaw(B * TD)
	io.Embed(x, s.Inputs, puzzle, B)
	z := t.states(s)
	t.Forward(z, x, B, ar)
	grid, first, q := ar.GetRaw(B*S*D), ar.GetRaw(B*D), ar.GetRaw(B*2) // heads' inputs: z_H[:, P:] and z_H[:, 0]
	io.HeadsTrain(out.Logits, q, grid, first, s.ZH, B)

	// Halting (no gradient), as the official wrapper in training mode.
	rule := models.HaltAtMax
	if t.HaltOnQ {
		rule = models.HaltOnQOverContinue
	}
	models.TrainHalt(s, out, q, w.MaxSteps, rule, opt)
	target := t.TargetQ && w.MaxSteps > 1
	if target {
		t.targetQ(out.TargetQContinue, s, x, B, ar)
	}

	// Losses and their gradients with respect to the logits and q.
	dlogits, dq := ar.GetRaw(B*S*V), ar.Get(B*2)
	if err := models.TrainLosses(out, s, q, dlogits, dq, S, V, target, opt); err != nil {
		return err
	}

	// Backward: heads, the model's blocks, the input embedding.
	d := ar.Get(B * TD)
	io.HeadsBackward(d, dlogits, dq, grid, first, B, ar)
	t.Backward(d, B, ar)
	t.embedBackward(d, s, B)
	return nil
}

// states returns the carry's recurrent states [z_H (, z_L)] as views.
func (t *Trainer) states(s *models.TrainState) [][]float32 {
	t.z[0] = s.ZH
	if len(t.z) > 1 {
		t.z[1] = s.ZL
	}
	return t.z
}

// targetQ writes the bootstrapped q_continue target (B) from one more
// gradient-free inner step on copies of the new carry; x is the input
// embedding of the rows' data. The carry is not changed.
func (t *Trainer) targetQ(target []float32, s *models.TrainState, x []float32, B int, ar *nn.Arena) {
	c, o, u := ar.Mark()
	defer ar.Release(c, o, u)
	for k, z := range t.states(s) {
		t.zq[k] = ar.GetRaw(len(z))
		copy(t.zq[k], z)
	}
	t.W.Inner(t.zq, x, B, ar)
	q := ar.GetRaw(2 * B)
	t.W.IO.Q(q, t.zq[0], B, ar)
	models.QContinueTarget(target[:B], q, s.Steps, t.W.MaxSteps)
}

// embedBackward turns dx (B, T, D), the gradient with respect to the input
// embedding x = √D·[puzzle prefix ; tokens] (× 0.707106781 with the learned
// positions added), into gradients of the token table (and positions), and
// appends each row's puzzle-embedding gradient (the first ndim values of
// its prefix) to PuzzleEmb. dx is scaled in place.
func (t *Trainer) embedBackward(dx []float32, s *models.TrainState, B int) {
	io := t.W.IO
	S, D, TD := io.SeqLen, io.Hidden, io.T*io.Hidden
	nn.Scale(dx[:B*TD], float32(math.Sqrt(float64(D))))
	if io.embedPos != nil {
		nn.Scale(dx[:B*TD], 0.707106781)
		for b := 0; b < B; b++ {
			nn.AddInto(t.posGrad, dx[b*TD:(b+1)*TD])
		}
	}
	for b := 0; b < B; b++ {
		nn.EmbedBackward(t.embedGrad, dx[b*TD+io.P*D:(b+1)*TD], s.Inputs[b*S:(b+1)*S], D)
	}
	if p := t.puzzle; p != nil {
		nd := io.PuzzleNdim
		for b := 0; b < B; b++ {
			p.IDs = append(p.IDs, s.PuzzleIDs[b])
			p.G = append(p.G, dx[b*TD:b*TD+nd]...)
		}
	}
}

// HeadsTrain computes logits (n, S, V) and q (n, 2) from z_H (n, T, D),
// gathering the heads' inputs into grid (n·S, D) = z_H[:, P:] and first
// (n, D) = z_H[:, 0] for HeadsBackward. The values have the bits of Heads
// (a GEMM row does not depend on the other rows).
func (io *IO) HeadsTrain(logits, q, grid, first, zH []float32, n int) {
	S, D, TD := io.SeqLen, io.Hidden, io.T*io.Hidden
	for b := 0; b < n; b++ {
		copy(grid[b*S*D:(b+1)*S*D], zH[b*TD+io.P*D:(b+1)*TD])
		copy(first[b*D:(b+1)*D], zH[b*TD:b*TD+D])
	}
	io.lmHead.Forward(logits, grid, n*S)
	io.qHead.Forward(q, first, n)
}

// HeadsBackward adds the heads' weight gradients (when allocated) and
// writes into dzH (n, T, D, zeroed by the caller) the gradient with respect
// to z_H from dlogits (n, S, V) and dq (n, 2); grid and first are
// HeadsTrain's gathered inputs.
func (io *IO) HeadsBackward(dzH, dlogits, dq, grid, first []float32, n int, ar *nn.Arena) {
	c, o, u := ar.Mark()
	defer ar.Release(c, o, u)
	S, D, TD := io.SeqLen, io.Hidden, io.T*io.Hidden
	dgrid := ar.GetRaw(n * S * D)
	io.lmHead.Backward(dgrid, dlogits, grid, n*S, false)
	dfirst := ar.GetRaw(n * D)
	io.qHead.Backward(dfirst, dq, first, n, false)
	for b := 0; b < n; b++ {
		copy(dzH[b*TD+io.P*D:(b+1)*TD], dgrid[b*S*D:(b+1)*S*D])
		nn.AddInto(dzH[b*TD:b*TD+D], dfirst[b*D:(b+1)*D])
	}
}

// Tensors returns every tensor of the trained model under its official
// short name — the parameters, the initial states and the puzzle table —
// sharing the live slices.
func (t *Trainer) Tensors() tensors.Map {
	m := tensors.Map{}
	for _, p := range t.params {
		m[p.Name] = tensors.Tensor{Shape: p.Shape, Data: p.W}
	}
	for _, s := range t.specs {
		if v, ok := t.buffers[s.Name]; ok {
			m[s.Name] = tensors.Tensor{Shape: s.Shape, Data: v}
		}
	}
	if p := t.puzzle; p != nil {
		m[p.Name] = tensors.Tensor{Shape: p.Shape, Data: p.W}
	}
	return m
}

// WithOverride returns Tensors with override's values in place of the
// tensors they name (e.g. EMA weights); each must match a tensor's size.
// With clone every tensor is a copy, for a model of its own.
func (t *Trainer) WithOverride(override map[string][]float32, clone bool) (tensors.Map, error) {
	if t == nil {
		return nil, errors.New("needs a model from LoadTrainable")
	}
	m := t.Tensors()
	for name, v := range override {
		cur, ok := m[name]
		if !ok || len(cur.Data) != len(v) {
			return nil, fmt.Errorf("override %s does not match a tensor of the model", name)
		}
		m[name] = tensors.Tensor{Shape: cur.Shape, Data: v}
	}
	if clone {
		for name, v := range m {
			m[name] = tensors.Tensor{Shape: v.Shape, Data: append([]float32(nil), v.Data...)}
		}
	}
	return m, nil
}

// Save writes the model (with override's tensors) as a native arceval file
// of the given kind and config, tensors in the official order, atomically.
func (t *Trainer) Save(path, kind string, config any, override map[string][]float32, meta map[string]string) error {
	m, err := t.WithOverride(override, false)
	if err != nil {
		return err
	}
	return WriteNative(path, kind, config, t.specs, m, meta)
}
