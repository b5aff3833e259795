package act

// InferDims fills the zero sizes of d that the tensors' shapes give — the
// vocabulary and hidden size (token embedding), the puzzle table's rows and
// width — and returns the resolver for the family's own fields; nil when
// src holds no model of the family (model names it).
func InferDims(src Tensors, model string, d *Dims) *Resolver {
	r, err := NewResolver(src, model)
	if err != nil {
		return nil
	}
	if s := r.Shape("embed_tokens.embedding_weight"); len(s) == 2 {
		d.Vocab = Fill(d.Vocab, s[0])
		d.Hidden = Fill(d.Hidden, s[1])
	}
	if s := r.Shape("puzzle_emb.weights"); len(s) == 2 {
		d.PuzzleRows = Fill(d.PuzzleRows, s[0])
		d.PuzzleNdim = Fill(d.PuzzleNdim, s[1])
	}
	return r
}

// MLPTPositions reports whether the first block of level mixes tokens
// (mlp_t) and, if so, the positions T its mixer spans (prefix included),
// from which the sequence length follows.
func (r *Resolver) MLPTPositions(level string) (int, bool) {
	if s := r.Shape(level + ".layers.0.mlp_t.down_proj.weight"); len(s) == 2 {
		return s[0], true
	}
	return 0, false
}
