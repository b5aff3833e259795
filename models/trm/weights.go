package trm

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"arceval/models/nn"
)

// officialPrefixes are the key prefixes of official checkpoints:
// torch.compile's wrapper, the loss head and the ACT wrapper.
var officialPrefixes = []string{"_orig_mod.model.inner.", "model.inner.", "inner.", ""}

// resolver maps TRM's short key names ("L_level.layers.0.mlp.down_proj.weight")
// to the names present in a source, whatever their prefix.
type resolver struct {
	src    Tensors
	prefix string
}

// newResolver finds the prefix under which the source stores H_init.
func newResolver(src Tensors) (*resolver, error) {
	for _, p := range officialPrefixes {
		if _, ok := src.Shape(p + "H_init"); ok {
			return &resolver{src: src, prefix: p}, nil
		}
	}
	return nil, fmt.Errorf("no H_init tensor (tried prefixes %q): not a TRM checkpoint", officialPrefixes)
}

// weightSpec is one expected tensor.
type weightSpec struct {
	name  string
	shape []int
}

// expectedWeights lists every tensor a TRM with config c has, by short name.
func expectedWeights(c Config) []weightSpec {
	D, V := c.HiddenSize, c.VocabSize
	inter := nn.SwiGLUInter(D, c.Expansion)
	specs := []weightSpec{
		{"H_init", []int{D}}, {"L_init", []int{D}},
		{"embed_tokens.embedding_weight", []int{V, D}},
		{"lm_head.weight", []int{V, D}},
		{"q_head.weight", []int{2, D}}, {"q_head.bias", []int{2}},
	}
	if c.PuzzleEmbNdim > 0 {
		specs = append(specs, weightSpec{"puzzle_emb.weights", []int{c.NumPuzzleIdentifiers, c.PuzzleEmbNdim}})
	}
	if c.PosEncodings == "learned" {
		specs = append(specs, weightSpec{"embed_pos.embedding_weight", []int{c.Positions(), D}})
	}
	for i := 0; i < c.LLayers; i++ {
		l := fmt.Sprintf("L_level.layers.%d.", i)
		if c.MLPT {
			T := c.Positions()
			it := nn.SwiGLUInter(T, c.Expansion)
			specs = append(specs, weightSpec{l + "mlp_t.gate_up_proj.weight", []int{2 * it, T}}, weightSpec{l + "mlp_t.down_proj.weight", []int{T, it}})
		} else {
			hd := D / c.NumHeads
			specs = append(specs, weightSpec{l + "self_attn.qkv_proj.weight", []int{3 * c.NumHeads * hd, D}}, weightSpec{l + "self_attn.o_proj.weight", []int{D, c.NumHeads * hd}})
		}
		specs = append(specs, weightSpec{l + "mlp.gate_up_proj.weight", []int{2 * inter, D}}, weightSpec{l + "mlp.down_proj.weight", []int{D, inter}})
	}
	return specs
}

// check compares the source with the expected tensors and reports every
// missing tensor, shape mismatch and unexpected tensor.
func (r *resolver) check(c Config) error {
	var problems []string
	want := map[string]bool{}
	for _, s := range expectedWeights(c) {
		want[r.prefix+s.name] = true
		shape, ok := r.src.Shape(r.prefix + s.name)
		if !ok {
			problems = append(problems, fmt.Sprintf("missing %s%s %v", r.prefix, s.name, s.shape))
			continue
		}
		if !slices.Equal(shape, s.shape) {
			problems = append(problems, fmt.Sprintf("%s%s has shape %v, the config needs %v", r.prefix, s.name, shape, s.shape))
		}
	}
	var extra []string
	for _, n := range r.src.Names() {
		if !want[n] {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	for _, n := range extra {
		problems = append(problems, "unexpected tensor "+n)
	}
	if len(problems) > 0 {
		return fmt.Errorf("checkpoint does not match the TRM config (%d problems):\n  %s", len(problems), strings.Join(problems, "\n  "))
	}
	return nil
}

func (r *resolver) get(name string) ([]float32, error) { return r.src.Float32(r.prefix + name) }
