package act

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"arceval/models/nn"
	"arceval/models/tensors"
)

// Prefixes are the key prefixes of official checkpoints, tried in order:
// torch.compile's wrapper, the loss head, the ACT wrapper, none.
var Prefixes = []string{"_orig_mod.model.inner.", "model.inner.", "inner.", ""}

// Resolver maps short tensor names to the names in a source, whatever
// official prefix it uses.
type Resolver struct {
	Src    tensors.Source
	Prefix string
	Model  string // model name for messages ("HRM")
	// Own makes Get return copies: a trainable model owns its weights (an
	// optimiser changes them in place; a source may hand out its own memory).
	Own bool
}

// NewResolver finds the prefix under which src stores H_init.
func NewResolver(src tensors.Source, model string) (*Resolver, error) {
	for _, p := range Prefixes {
		if _, ok := src.Shape(p + "H_init"); ok {
			return &Resolver{Src: src, Prefix: p, Model: model}, nil
		}
	}
	return nil, fmt.Errorf("no H_init tensor (tried prefixes %q): not a %s checkpoint", Prefixes, model)
}

// Check compares the source with the expected tensors and reports every
// missing tensor, shape mismatch and unexpected tensor at once.
func (r *Resolver) Check(specs []tensors.Spec) error {
	var problems []string
	want := map[string]bool{}
	for _, s := range specs {
		name := r.Prefix + s.Name
		want[name] = true
		shape, ok := r.Src.Shape(name)
		if !ok {
			problems = append(problems, fmt.Sprintf("missing %s %v", name, s.Shape))
			continue
		}
		if !slices.Equal(shape, s.Shape) {
			problems = append(problems, fmt.Sprintf("%s has shape %v, the config needs %v", name, shape, s.Shape))
		}
	}
	var extra []string
	for _, n := range r.Src.Names() {
		if !want[n] {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	for _, n := range extra {
		problems = append(problems, "unexpected tensor "+n)
	}
	if len(problems) > 0 {
		return fmt.Errorf("checkpoint does not match the %s config (%d problems):\n  %s", r.Model, len(problems), strings.Join(problems, "\n  "))
	}
	return nil
}

// Get reads a whole tensor by short name and rejects NaN and ±Inf.
func (r *Resolver) Get(name string) ([]float32, error) {
	v, err := r.Src.Float32(r.Prefix + name)
	if err != nil {
		return nil, err
	}
	if r.Own {
		v = slices.Clone(v)
	}
	return v, CheckFinite(r.Prefix+name, v)
}

// Shape returns a tensor's shape by short name (nil when absent).
func (r *Resolver) Shape(name string) []int {
	s, _ := r.Src.Shape(r.Prefix + name)
	return s
}

// Layers counts the blocks of a level ("H_level") present in the source.
func (r *Resolver) Layers(level string) int {
	n, pre := 0, r.Prefix+level+".layers."
	for _, name := range r.Src.Names() {
		if rest, ok := strings.CutPrefix(name, pre); ok {
			var i int
			if _, err := fmt.Sscanf(rest, "%d", &i); err == nil {
				n = max(n, i+1)
			}
		}
	}
	return n
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

// CheckFinite rejects a tensor holding NaN or ±Inf, naming it and the first
// bad element.
func CheckFinite(name string, v []float32) error {
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("tensor %s: element %d is %v", name, i, x)
		}
	}
	return nil
}

// Fill returns v, or inferred when v is zero (Infer's rule: explicit config
// values win over shapes read from a checkpoint).
func Fill(v, inferred int) int {
	if v == 0 {
		return inferred
	}
	return v
}

// Dims are the sizes of the input embedding and the heads.
type Dims struct {
	SeqLen, Vocab, Hidden int
	Prefix                int    // P: puzzle-embedding positions before the tokens
	PuzzleNdim            int    // puzzle_emb_ndim (0: no puzzle embedding)
	PuzzleRows            int    // num_puzzle_identifiers
	PosEncodings          string // "rope", "learned" or "none"
}

// CeilPrefix is ceil(puzzle_emb_ndim / hidden_size), the official
// puzzle_emb_len of HRM and the transformer baseline (1 for the released
// configs, 0 without a puzzle embedding).
func CeilPrefix(ndim, hidden int) int {
	if ndim <= 0 || hidden <= 0 {
		return 0
	}
	return (ndim + hidden - 1) / hidden
}

// Positions is T = P + seq_len.
func (d Dims) Positions() int { return d.Prefix + d.SeqLen }

// TableRows is the number of rows of the puzzle-embedding table: 0 without
// one (puzzle_emb_ndim 0), whatever num_puzzle_identifiers says.
func (d Dims) TableRows() int {
	if d.PuzzleNdim == 0 {
		return 0
	}
	return d.PuzzleRows
}

// InferDims fills the zero sizes of d that the tensors' shapes give — the
// vocabulary and hidden size (token embedding), the puzzle table's rows and
// width — and returns the resolver for the family's own fields; nil when
// src holds no model of the family (model names it).
func InferDims(src tensors.Source, model string, d *Dims) *Resolver {
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

// StateSpecs lists the initial-state buffers of a model (names: "H_init",
// "L_init"), each (hidden), created in the forward dtype.
func StateSpecs(hidden int, forwardDtype string, names ...string) []tensors.Spec {
	var specs []tensors.Spec
	for _, n := range names {
		specs = append(specs, tensors.Spec{Name: n, Shape: []int{hidden}, Buffer: true, Dtype: forwardDtype})
	}
	return specs
}

// Specs lists the embedding and head tensors, in the official order:
//
//	embed_tokens.embedding_weight (V, D)
//	lm_head.weight                (V, D)
//	q_head.weight, q_head.bias    (2, D), (2)
//	puzzle_emb.weights            (num_puzzle_identifiers, puzzle_emb_ndim), a buffer
//	embed_pos.embedding_weight    (T, D), learned positions only
func (d Dims) Specs() []tensors.Spec {
	D, V := d.Hidden, d.Vocab
	specs := []tensors.Spec{
		{Name: "embed_tokens.embedding_weight", Shape: []int{V, D}},
		{Name: "lm_head.weight", Shape: []int{V, D}},
		{Name: "q_head.weight", Shape: []int{2, D}},
		{Name: "q_head.bias", Shape: []int{2}},
	}
	if d.PuzzleNdim > 0 {
		specs = append(specs, tensors.Spec{Name: "puzzle_emb.weights", Shape: []int{d.PuzzleRows, d.PuzzleNdim}, Buffer: true})
	}
	if d.PosEncodings == "learned" {
		specs = append(specs, tensors.Spec{Name: "embed_pos.embedding_weight", Shape: []int{d.Positions(), D}})
	}
	return specs
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

// RoPE returns the rotary table the blocks' attention uses with
// pos_encodings "rope" (theta its base), or nil: other encodings and
// token-mixing (mlp_t) blocks have none.
func (b BlockDims) RoPE(posEncodings string, theta float64) *nn.RoPE {
	if posEncodings != "rope" || b.MLPT {
		return nil
	}
	return nn.NewRoPE(b.T, b.HeadDim(), theta)
}

// BlockSpecs lists the tensors of the layers of a level ("H_level"), per
// layer i, with inter = SwiGLUInter(D, expansion):
//
//	level.layers.i.self_attn.qkv_proj.weight (3·heads·head_dim, D)   attention blocks
//	level.layers.i.self_attn.o_proj.weight   (D, heads·head_dim)
//	level.layers.i.mlp_t.gate_up_proj.weight (2·inter_T, T)          token-mixing blocks
//	level.layers.i.mlp_t.down_proj.weight    (T, inter_T)
//	level.layers.i.mlp.gate_up_proj.weight   (2·inter, D)
//	level.layers.i.mlp.down_proj.weight      (D, inter)
func BlockSpecs(level string, layers int, b BlockDims) []tensors.Spec {
	D := b.Hidden
	inter := nn.SwiGLUInter(D, b.Expansion)
	var specs []tensors.Spec
	for i := 0; i < layers; i++ {
		l := fmt.Sprintf("%s.layers.%d.", level, i)
		if b.MLPT {
			it := nn.SwiGLUInter(b.T, b.Expansion)
			specs = append(specs, tensors.Spec{Name: l + "mlp_t.gate_up_proj.weight", Shape: []int{2 * it, b.T}}, tensors.Spec{Name: l + "mlp_t.down_proj.weight", Shape: []int{b.T, it}})
		} else {
			w := b.Heads * b.HeadDim()
			specs = append(specs, tensors.Spec{Name: l + "self_attn.qkv_proj.weight", Shape: []int{3 * w, D}}, tensors.Spec{Name: l + "self_attn.o_proj.weight", Shape: []int{D, w}})
		}
		specs = append(specs, tensors.Spec{Name: l + "mlp.gate_up_proj.weight", Shape: []int{2 * inter, D}}, tensors.Spec{Name: l + "mlp.down_proj.weight", Shape: []int{D, inter}})
	}
	return specs
}

// BlockFLOPs counts the floating-point operations (multiply-add = 2) of one
// application of one block to one puzzle of T positions, as the PyTorch
// speed anchor (shared/tools/torch_trm_bench.py) counts them: 2·T·(block
// parameters), plus 4·T²·D for attention.
func (b BlockDims) BlockFLOPs() float64 {
	T, D := float64(b.T), float64(b.Hidden)
	inter := float64(nn.SwiGLUInter(b.Hidden, b.Expansion))
	perBlock := 2 * T * (3 * D * inter) // SwiGLU: gate_up (2·inter·D) + down (inter·D)
	if b.MLPT {
		it := float64(nn.SwiGLUInter(b.T, b.Expansion))
		perBlock += 2 * D * (3 * T * it)
	} else {
		perBlock += 2*T*(4*D*D) + 4*T*T*D
	}
	return perBlock
}
