package trm

import (
	"fmt"
	"math"
	"slices"

	"arceval/models/nn"
)

// Model is a loaded TRM ready for inference.
type Model struct {
	Cfg     Config
	P, T, D int // prefix positions, total positions, hidden size

	embed    []float32 // (vocab, D)
	embedPos []float32 // (T, D), learned positions only
	hInit    []float32 // (D)
	lInit    []float32 // (D)
	blocks   []*nn.Block
	lmHead   *nn.Linear // D → vocab
	qHead    *nn.Linear // D → 2
	puzzle   *puzzleTable

	train *trainParams // nil unless loaded with LoadTrainable
}

// puzzleTable reads puzzle-embedding rows on demand, so a 2 GB ARC table is
// never loaded whole; a row is read when a batch row loads its puzzle and
// kept in the carry while the row works on it. A trainable model holds the
// whole table in memory instead (table, (n, ndim)), since training updates it.
type puzzleTable struct {
	r     *resolver
	ndim  int
	n     int
	table []float32
}

func (p *puzzleTable) row(id int32) ([]float32, error) {
	if id < 0 || int(id) >= p.n {
		return nil, fmt.Errorf("puzzle identifier %d outside the table's %d rows", id, p.n)
	}
	if p.table != nil {
		return p.table[int(id)*p.ndim : (int(id)+1)*p.ndim], nil
	}
	name := p.r.prefix + "puzzle_emb.weights"
	v, err := p.r.src.Rows(name, int(id), 1)
	if err == nil {
		err = checkFinite(fmt.Sprintf("%s row %d", name, id), v)
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// Load builds a model from a config and a tensor source (official key names
// with or without the "_orig_mod.model.inner." prefix, or native names). Every
// missing or mis-shaped tensor is reported.
func Load(c Config, src Tensors) (*Model, error) { return load(c, src, false) }

// load builds the model; with train it owns copies of every tensor and the
// whole puzzle table (see LoadTrainable).
func load(c Config, src Tensors, train bool) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	r, err := newResolver(src)
	if err != nil {
		return nil, err
	}
	if err := r.check(c); err != nil {
		return nil, err
	}
	m := &Model{Cfg: c, P: c.PrefixLen(), T: c.Positions(), D: c.HiddenSize}
	get := func(name string) []float32 {
		if err != nil {
			return nil
		}
		var v []float32
		if v, err = r.get(name); err == nil {
			err = checkFinite(r.prefix+name, v)
		}
		if train {
			v = slices.Clone(v) // a source may hand out its own memory
		}
		return v
	}
	m.hInit, m.lInit = get("H_init"), get("L_init")
	m.embed = get("embed_tokens.embedding_weight")
	if c.PosEncodings == "learned" {
		m.embedPos = get("embed_pos.embedding_weight")
	}
	lm, qw, qb := get("lm_head.weight"), get("q_head.weight"), get("q_head.bias")
	var rope *nn.RoPE
	if c.PosEncodings == "rope" && !c.MLPT {
		rope = nn.NewRoPE(m.T, c.HiddenSize/c.NumHeads, c.RopeTheta)
	}
	inter := nn.SwiGLUInter(c.HiddenSize, c.Expansion)
	for i := 0; i < c.LLayers && err == nil; i++ {
		l := fmt.Sprintf("L_level.layers.%d.", i)
		b := &nn.Block{Eps: float32(c.RMSNormEps)}
		if c.MLPT {
			it := nn.SwiGLUInter(m.T, c.Expansion)
			b.MixT = nn.NewSwiGLU(get(l+"mlp_t.gate_up_proj.weight"), get(l+"mlp_t.down_proj.weight"), m.T, it)
		} else {
			hd := c.HiddenSize / c.NumHeads
			b.Attn = nn.NewAttention(get(l+"self_attn.qkv_proj.weight"), get(l+"self_attn.o_proj.weight"), c.HiddenSize, c.NumHeads, hd, rope)
		}
		b.MLP = nn.NewSwiGLU(get(l+"mlp.gate_up_proj.weight"), get(l+"mlp.down_proj.weight"), c.HiddenSize, inter)
		m.blocks = append(m.blocks, b)
	}
	if err != nil {
		return nil, err
	}
	m.lmHead = nn.NewLinear(lm, c.VocabSize, c.HiddenSize, nil)
	m.qHead = nn.NewLinear(qw, 2, c.HiddenSize, qb)
	if c.PuzzleEmbNdim > 0 {
		m.puzzle = &puzzleTable{r: r, ndim: c.PuzzleEmbNdim, n: c.NumPuzzleIdentifiers}
		if train {
			if m.puzzle.table = get("puzzle_emb.weights"); err != nil {
				return nil, err
			}
		}
	}
	if train {
		m.initTraining()
	}
	return m, nil
}

// embedInputs writes x (B, T, D) = √D · [puzzle prefix ; token embeddings];
// puzzle holds each row's puzzle-embedding vector (B, ndim).
func (m *Model) embedInputs(x []float32, inputs []int32, puzzle []float32, B int) error {
	S, D := m.Cfg.SeqLen, m.D
	scale := float32(math.Sqrt(float64(D)))
	for b := 0; b < B; b++ {
		xb := x[b*m.T*D : (b+1)*m.T*D]
		clear(xb[:m.P*D])
		if m.puzzle != nil {
			copy(xb, puzzle[b*m.Cfg.PuzzleEmbNdim:(b+1)*m.Cfg.PuzzleEmbNdim])
		}
		for s := 0; s < S; s++ {
			tok := inputs[b*S+s]
			if tok < 0 || int(tok) >= m.Cfg.VocabSize {
				return fmt.Errorf("row %d, position %d: token %d outside the vocabulary 0..%d", b, s, tok, m.Cfg.VocabSize-1)
			}
			copy(xb[(m.P+s)*D:(m.P+s+1)*D], m.embed[int(tok)*D:(int(tok)+1)*D])
		}
		if m.embedPos != nil {
			for i := range xb {
				xb[i] = 0.707106781 * (xb[i] + m.embedPos[i])
			}
		}
		nn.Scale(xb, scale)
	}
	return nil
}

// checkFinite rejects weights holding NaN or ±Inf, naming the first.
func checkFinite(name string, v []float32) error {
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("tensor %s: element %d is %v", name, i, x)
		}
	}
	return nil
}
