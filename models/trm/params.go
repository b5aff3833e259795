package trm

import (
	"arceval/models"
	"arceval/models/nn"
)

// trainParams is what only a trainable model has: gradient buffers, the
// parameter list, and the per-step workspace of the training step.
type trainParams struct {
	linears   []*nn.Linear // every linear layer (Repack, ZeroGrad)
	params    []nn.Param
	embedGrad []float32 // (vocab, D)
	posGrad   []float32 // (T, D), learned positions only
	puzzle    *nn.SparseParam

	states [][]nn.BlockState // (L_cycles+1) × L_layers: the last cycle's activations
	dq     []float32         // (B, 2) gradient of the Q logits
}

// LoadTrainable is Load for training: the model owns copies of all weights
// (mutable: an optimiser updates them through Params and PuzzleEmb), holds
// the whole puzzle-embedding table in memory, and has gradient buffers.
// Inference with Step works on it too and sees the current weights.
func LoadTrainable(c Config, src Tensors) (*Model, error) { return load(c, src, true) }

// initTraining allocates the gradients and lists the parameters under their
// official names (without the "_orig_mod.model.inner." prefix), in the
// official order (expectedWeights). H_init, L_init and the puzzle table are
// buffers, not parameters: they get no dense gradient (the puzzle table has
// its sparse one, PuzzleEmb).
func (m *Model) initTraining() {
	tp := &trainParams{}
	m.train = tp
	c := m.Cfg
	lin := map[string]*nn.Linear{"lm_head.weight": m.lmHead, "q_head.weight": m.qHead}
	models.BlockLinears(lin, "L_level", m.blocks)
	for _, l := range lin {
		l.AllocGrad()
	}
	tp.embedGrad = make([]float32, len(m.embed))
	if m.embedPos != nil {
		tp.posGrad = make([]float32, len(m.embedPos))
	}
	for _, s := range expectedWeights(c) {
		p := nn.Param{Name: s.name, Shape: s.shape}
		switch s.name {
		case "H_init", "L_init", "puzzle_emb.weights":
			continue
		case "embed_tokens.embedding_weight":
			p.W, p.G = m.embed, tp.embedGrad
		case "embed_pos.embedding_weight":
			p.W, p.G = m.embedPos, tp.posGrad
		case "q_head.bias":
			p.W, p.G = m.qHead.Bias, m.qHead.BiasGrad
		default:
			l := lin[s.name]
			tp.linears = append(tp.linears, l)
			p.W, p.G = l.Weight, l.Grad
		}
		tp.params = append(tp.params, p)
	}
	if m.puzzle != nil {
		tp.puzzle = &nn.SparseParam{Name: "puzzle_emb.weights", Shape: []int{c.NumPuzzleIdentifiers, c.PuzzleEmbNdim}, W: m.puzzle.table}
	}
	tp.states = make([][]nn.BlockState, c.LCycles+1)
	for i := range tp.states {
		tp.states[i] = make([]nn.BlockState, len(m.blocks))
	}
}

// Params lists the trainable parameters (the official model.parameters():
// everything but H_init, L_init and the puzzle table) with live slices of
// their weights and gradients; nil for a model not loaded with
// LoadTrainable. After changing weights call Repack.
func (m *Model) Params() []nn.Param {
	if m.train == nil {
		return nil
	}
	return m.train.params
}

// PuzzleEmb is the puzzle-embedding table as a sparse parameter: W is the
// whole table; after TrainSteps, IDs and G hold one row per batch row and
// step since the last ZeroGrad (the official puzzle_emb.local_weights
// gradient and local_ids). nil without a puzzle embedding or when the model
// is not trainable.
func (m *Model) PuzzleEmb() *nn.SparseParam {
	if m.train == nil {
		return nil
	}
	return m.train.puzzle
}

// Repack refreshes the packed copies of the linear weights after an
// optimiser has changed the weights in place (embeddings, biases and the
// puzzle table are used as they are).
func (m *Model) Repack() {
	if m.train == nil {
		return
	}
	for _, l := range m.train.linears {
		l.Repack()
	}
}

// ZeroGrad clears every gradient and empties the puzzle-embedding rows.
// Gradients of TrainSteps add up until then.
func (m *Model) ZeroGrad() {
	if m.train == nil {
		return
	}
	for _, p := range m.train.params {
		clear(p.G)
	}
	if p := m.train.puzzle; p != nil {
		p.IDs, p.G = p.IDs[:0], p.G[:0]
	}
}
