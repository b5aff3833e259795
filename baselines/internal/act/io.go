package act

import (
	"fmt"
	"math"

	"arceval/models/nn"
)

// Dims are the sizes of the input embedding and the heads.
type Dims struct {
	SeqLen, Vocab, Hidden int
	PuzzleNdim            int    // puzzle_emb_ndim (0: no puzzle embedding)
	PuzzleRows            int    // num_puzzle_identifiers
	PosEncodings          string // "rope", "learned" or "none"
}

// PrefixLen is P = ceil(puzzle_emb_ndim / hidden_size), the official
// puzzle_emb_len of HRM and the transformer baseline (1 for the released
// configs, 0 without a puzzle embedding).
func (d Dims) PrefixLen() int {
	if d.PuzzleNdim <= 0 || d.Hidden <= 0 {
		return 0
	}
	return (d.PuzzleNdim + d.Hidden - 1) / d.Hidden
}

// Positions is T = P + seq_len.
func (d Dims) Positions() int { return d.PrefixLen() + d.SeqLen }

// Specs lists the embedding and head tensors.
func (d Dims) Specs() []Spec {
	D, V := d.Hidden, d.Vocab
	specs := []Spec{
		{Name: "embed_tokens.embedding_weight", Shape: []int{V, D}},
		{Name: "lm_head.weight", Shape: []int{V, D}},
		{Name: "q_head.weight", Shape: []int{2, D}},
		{Name: "q_head.bias", Shape: []int{2}},
	}
	if d.PuzzleNdim > 0 {
		specs = append(specs, Spec{Name: "puzzle_emb.weights", Shape: []int{d.PuzzleRows, d.PuzzleNdim}, Buffer: true})
	}
	if d.PosEncodings == "learned" {
		specs = append(specs, Spec{Name: "embed_pos.embedding_weight", Shape: []int{d.Positions(), D}})
	}
	return specs
}

// IO is the input embedding (tokens, puzzle prefix, learned positions) and
// the two heads, loaded.
type IO struct {
	Dims
	P, T int

	embed    []float32 // (vocab, D)
	embedPos []float32 // (T, D), learned positions only
	lmHead   *nn.Linear
	qHead    *nn.Linear
	r        *Resolver // puzzle rows are read on demand (ARC tables are gigabytes)
	// table is the whole puzzle table (PuzzleRows, PuzzleNdim) held in
	// memory by a trainable model, which updates it; nil otherwise.
	table []float32
}

// LoadIO reads the embedding and head tensors (already checked by
// Resolver.Check).
func LoadIO(r *Resolver, d Dims) (*IO, error) {
	io := &IO{Dims: d, P: d.PrefixLen(), T: d.Positions(), r: r}
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

// CheckTokens rejects tokens outside the vocabulary; row is the batch row
// named in the error.
func (io *IO) CheckTokens(tokens []int32, row int) error {
	for s, tok := range tokens {
		if tok < 0 || int(tok) >= io.Vocab {
			return fmt.Errorf("row %d, position %d: token %d outside the vocabulary 0..%d", row, s, tok, io.Vocab-1)
		}
	}
	return nil
}

// Embed writes x (n, T, D) = √D · [puzzle vector zero-padded to P·D ; token
// embeddings] (with learned positions: √D · 0.707106781 · (e + pos)).
// inputs (n, S) must be valid tokens (CheckTokens); puzzle is (n, ndim).
func (io *IO) Embed(x []float32, inputs []int32, puzzle []float32, n int) {
	S, D, nd := io.SeqLen, io.Hidden, io.PuzzleNdim
	scale := float32(math.Sqrt(float64(D)))
	for b := 0; b < n; b++ {
		xb := x[b*io.T*D : (b+1)*io.T*D]
		clear(xb[:io.P*D])
		copy(xb, puzzle[b*nd:(b+1)*nd])
		for s := 0; s < S; s++ {
			tok := int(inputs[b*S+s])
			copy(xb[(io.P+s)*D:(io.P+s+1)*D], io.embed[tok*D:(tok+1)*D])
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
		io.lmHead.Forward(logits[i*S*V:(i+1)*S*V], zH[i*TD+io.P*io.Hidden:(i+1)*TD], S)
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

// BlockDims are the sizes of a stack of post-norm blocks.
type BlockDims struct {
	Hidden, Heads int
	Expansion     float64
	MLPT          bool // token-mixing SwiGLU over the T positions instead of attention
	T             int  // positions (width of the token mixer, length of RoPE)
}

// HeadDim is hidden // heads, as the official Attention is built (the
// heads' total width may be smaller than hidden, e.g. 12 heads of 42 on 512).
func (b BlockDims) HeadDim() int { return b.Hidden / b.Heads }

// BlockSpecs lists the tensors of the layers of a level ("H_level").
func BlockSpecs(level string, layers int, b BlockDims) []Spec {
	D := b.Hidden
	inter := nn.SwiGLUInter(D, b.Expansion)
	var specs []Spec
	for i := 0; i < layers; i++ {
		l := fmt.Sprintf("%s.layers.%d.", level, i)
		if b.MLPT {
			it := nn.SwiGLUInter(b.T, b.Expansion)
			specs = append(specs, Spec{Name: l + "mlp_t.gate_up_proj.weight", Shape: []int{2 * it, b.T}}, Spec{Name: l + "mlp_t.down_proj.weight", Shape: []int{b.T, it}})
		} else {
			w := b.Heads * b.HeadDim()
			specs = append(specs, Spec{Name: l + "self_attn.qkv_proj.weight", Shape: []int{3 * w, D}}, Spec{Name: l + "self_attn.o_proj.weight", Shape: []int{D, w}})
		}
		specs = append(specs, Spec{Name: l + "mlp.gate_up_proj.weight", Shape: []int{2 * inter, D}}, Spec{Name: l + "mlp.down_proj.weight", Shape: []int{D, inter}})
	}
	return specs
}

// LoadBlocks builds the layers of a level; rope may be nil.
func LoadBlocks(r *Resolver, level string, layers int, b BlockDims, eps float64, rope *nn.RoPE) ([]*nn.Block, error) {
	inter := nn.SwiGLUInter(b.Hidden, b.Expansion)
	var blocks []*nn.Block
	for i := 0; i < layers; i++ {
		l := fmt.Sprintf("%s.layers.%d.", level, i)
		get := func(name string) ([]float32, error) { return r.Get(l + name) }
		k := &nn.Block{Eps: float32(eps)}
		if b.MLPT {
			gu, err := get("mlp_t.gate_up_proj.weight")
			if err != nil {
				return nil, err
			}
			down, err := get("mlp_t.down_proj.weight")
			if err != nil {
				return nil, err
			}
			k.MixT = nn.NewSwiGLU(gu, down, b.T, nn.SwiGLUInter(b.T, b.Expansion))
		} else {
			qkv, err := get("self_attn.qkv_proj.weight")
			if err != nil {
				return nil, err
			}
			o, err := get("self_attn.o_proj.weight")
			if err != nil {
				return nil, err
			}
			k.Attn = nn.NewAttention(qkv, o, b.Hidden, b.Heads, b.HeadDim(), rope)
		}
		gu, err := get("mlp.gate_up_proj.weight")
		if err != nil {
			return nil, err
		}
		down, err := get("mlp.down_proj.weight")
		if err != nil {
			return nil, err
		}
		k.MLP = nn.NewSwiGLU(gu, down, b.Hidden, inter)
		blocks = append(blocks, k)
	}
	return blocks, nil
}
