package act

import (
	"fmt"
	"math"

	"arceval/models/nn"
)

// IO is the input embedding (tokens, puzzle prefix, learned positions) and
// the two heads, loaded.
type IO struct {
	Dims
	T int // positions: P + seq_len

	embed    []float32 // (vocab, D)
	embedPos []float32 // (T, D), learned positions only
	lmHead   *nn.Linear
	qHead    *nn.Linear
	r        *Resolver // puzzle rows are read on demand (ARC tables are gigabytes)
	// table is the whole puzzle table (PuzzleRows, PuzzleNdim) held in
	// memory by a trainable model, which updates it; nil otherwise.
	table []float32
}

// loadIO reads the embedding and head tensors (already checked by
// Resolver.Check).
func loadIO(r *Resolver, d Dims) (*IO, error) {
	io := &IO{Dims: d, T: d.Positions(), r: r}
	var err error
	get := func(name string) []float32 {
		if err != nil {
			return nil
		}
		var v []float32
		v, err = r.Get(name)
		return v
	}
	io.embed = get("embed_tokens.embedding_weight")
	if d.PosEncodings == "learned" {
		io.embedPos = get("embed_pos.embedding_weight")
	}
	lm, qw, qb := get("lm_head.weight"), get("q_head.weight"), get("q_head.bias")
	if err != nil {
		return nil, err
	}
	io.lmHead = nn.NewLinear(lm, d.Vocab, d.Hidden, nil)
	io.qHead = nn.NewLinear(qw, 2, d.Hidden, qb)
	return io, nil
}

// PuzzleRow reads row id of the puzzle-embedding table into dst (ndim).
func (io *IO) PuzzleRow(dst []float32, id int32) error {
	if id < 0 || int(id) >= io.PuzzleRows {
		return fmt.Errorf("puzzle identifier %d outside the table's %d rows", id, io.PuzzleRows)
	}
	if io.table != nil {
		copy(dst, io.table[int(id)*io.PuzzleNdim:(int(id)+1)*io.PuzzleNdim])
		return nil
	}
	name := io.r.Prefix + "puzzle_emb.weights"
	v, err := io.r.Src.Rows(name, int(id), 1)
	if err == nil {
		err = CheckFinite(fmt.Sprintf("%s row %d", name, id), v)
	}
	if err != nil {
		return err
	}
	copy(dst, v)
	return nil
}

// checkRow rejects a row of data a step is about to load: tokens outside
// the vocabulary, labels outside it (but for the ignore label; labels nil
// in evaluation), a puzzle identifier outside the table.
func (io *IO) checkRow(r int, tokens, labels []int32, id int32) error {
	for s, tok := range tokens {
		if tok < 0 || int(tok) >= io.Vocab {
			return fmt.Errorf("row %d, position %d: token %d outside the vocabulary 0..%d", r, s, tok, io.Vocab-1)
		}
	}
	for s, l := range labels {
		if l != nn.IgnoreLabel && (l < 0 || int(l) >= io.Vocab) {
			return fmt.Errorf("row %d, position %d: label %d outside 0..%d (or %d, ignored)", r, s, l, io.Vocab-1, nn.IgnoreLabel)
		}
	}
	if io.PuzzleNdim > 0 && (id < 0 || int(id) >= io.PuzzleRows) {
		return fmt.Errorf("row %d: puzzle identifier %d outside the table's %d rows", r, id, io.PuzzleRows)
	}
	return nil
}

// Embed writes x (n, T, D), for the n = len(rows) rows of inputs (·, S) and
// puzzle (·, ndim) listed in rows, as
//
//	x = √D · [puzzle vector zero-padded to P·D ; token embeddings]
//
// (with learned positions: √D · 0.707106781 · (e + pos)). The tokens must
// be valid (checkRow).
func (io *IO) Embed(x []float32, inputs []int32, puzzle []float32, rows []int) {
	S, D, nd := io.SeqLen, io.Hidden, io.PuzzleNdim
	scale := float32(math.Sqrt(float64(D)))
	for b, r := range rows {
		xb := x[b*io.T*D : (b+1)*io.T*D]
		clear(xb[:io.Prefix*D])
		copy(xb, puzzle[r*nd:(r+1)*nd])
		for s := 0; s < S; s++ {
			tok := int(inputs[r*S+s])
			copy(xb[(io.Prefix+s)*D:(io.Prefix+s+1)*D], io.embed[tok*D:(tok+1)*D])
		}
		if io.embedPos != nil {
			for i := range xb {
				xb[i] = 0.707106781 * (xb[i] + io.embedPos[i])
			}
		}
		nn.Scale(xb, scale)
	}
}

// Heads computes logits (n, S, V) = lm_head(z_H) on the grid positions and
// q (n, 2) = q_head(z_H at position 0): halt and continue logits.
func (io *IO) Heads(logits, q, zH []float32, n int, ar *nn.Arena) {
	S, V, TD := io.SeqLen, io.Vocab, io.T*io.Hidden
	for i := 0; i < n; i++ {
		io.lmHead.Forward(logits[i*S*V:(i+1)*S*V], zH[i*TD+io.Prefix*io.Hidden:(i+1)*TD], S)
	}
	io.Q(q, zH, n, ar)
}

// Q computes q (n, 2) from position 0 of z_H (n, T, D).
func (io *IO) Q(q, zH []float32, n int, ar *nn.Arena) {
	D, TD := io.Hidden, io.T*io.Hidden
	c, o, u := ar.Mark()
	first := ar.GetRaw(n * D)
	for i := 0; i < n; i++ {
		copy(first[i*D:(i+1)*D], zH[i*TD:i*TD+D])
	}
	io.qHead.Forward(q, first, n)
	ar.Release(c, o, u)
}

// HeadsTrain computes logits (n, S, V) and q (n, 2) from z_H (n, T, D),
// gathering the heads' inputs into grid (n·S, D) = z_H[:, P:] and first
// (n, D) = z_H[:, 0] for HeadsBackward. The values have the bits of Heads
// (a GEMM row does not depend on the other rows).
func (io *IO) HeadsTrain(logits, q, grid, first, zH []float32, n int) {
	S, D, TD := io.SeqLen, io.Hidden, io.T*io.Hidden
	for b := 0; b < n; b++ {
		copy(grid[b*S*D:(b+1)*S*D], zH[b*TD+io.Prefix*D:(b+1)*TD])
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
		copy(dzH[b*TD+io.Prefix*D:(b+1)*TD], dgrid[b*S*D:(b+1)*S*D])
		nn.AddInto(dzH[b*TD:b*TD+D], dfirst[b*D:(b+1)*D])
	}
}
