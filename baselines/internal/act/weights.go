package act

import (
	"arceval/models/tensors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Tensors is a source of named float32 tensors (an official checkpoint, a
// native file or an in-memory map); the same interface TRM loads from.
type Tensors = tensors.Source

// Prefixes are the key prefixes of official checkpoints, tried in order:
// torch.compile's wrapper, the loss head, the ACT wrapper, none.
var Prefixes = []string{"_orig_mod.model.inner.", "model.inner.", "inner.", ""}

// Spec is one tensor a model expects, by short name (without prefix).
type Spec struct {
	Name   string
	Shape  []int
	Buffer bool // a buffer in the official model (H_init, puzzle table): not counted as a parameter
}

// Elements is the number of values of the tensor.
func (s Spec) Elements() int {
	n := 1
	for _, d := range s.Shape {
		n *= d
	}
	return n
}

// Params counts the trainable parameters of specs (the official num_params:
// buffers excluded).
func Params(specs []Spec) int {
	n := 0
	for _, s := range specs {
		if !s.Buffer {
			n += s.Elements()
		}
	}
	return n
}

// Resolver maps short tensor names to the names in a source, whatever
// official prefix it uses.
type Resolver struct {
	Src    Tensors
	Prefix string
	Model  string // model name for messages ("HRM")
	// Own makes Get return copies: a trainable model owns its weights (an
	// optimiser changes them in place; a source may hand out its own memory).
	Own bool
}

// NewResolver finds the prefix under which src stores H_init.
func NewResolver(src Tensors, model string) (*Resolver, error) {
	for _, p := range Prefixes {
		if _, ok := src.Shape(p + "H_init"); ok {
			return &Resolver{Src: src, Prefix: p, Model: model}, nil
		}
	}
	return nil, fmt.Errorf("no H_init tensor (tried prefixes %q): not a %s checkpoint", Prefixes, model)
}

// Check compares the source with the expected tensors and reports every
// missing tensor, shape mismatch and unexpected tensor at once.
func (r *Resolver) Check(specs []Spec) error {
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

// Fill returns v, or inferred when v is zero (InferConfig's rule: explicit
// config values win over shapes read from a checkpoint).
func Fill(v, inferred int) int {
	if v == 0 {
		return inferred
	}
	return v
}
