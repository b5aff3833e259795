package nn

import "math"

// RoPE holds the rotary tables of the official RotaryEmbedding:
// inv_freq[i] = base^(−2i/dim), angles t·inv_freq for positions t < T, cos and
// sin of concat(freqs, freqs). They are computed in float32 the way PyTorch
// does, so positions far from 0 agree with the reference.
type RoPE struct {
	T, Dim   int
	Cos, Sin []float32 // (T, Dim)
}

// NewRoPE builds the tables for T positions of head dimension dim.
func NewRoPE(T, dim int, base float64) *RoPE {
	half := dim / 2
	inv := make([]float32, half)
	for i := range inv {
		e := float32(2*i) / float32(dim)
		inv[i] = 1 / float32(math.Pow(base, float64(e)))
	}
	r := &RoPE{T: T, Dim: dim, Cos: make([]float32, T*dim), Sin: make([]float32, T*dim)}
	for t := 0; t < T; t++ {
		for i := 0; i < half; i++ {
			f := float32(t) * inv[i]
			c, s := float32(math.Cos(float64(f))), float32(math.Sin(float64(f)))
			r.Cos[t*dim+i], r.Cos[t*dim+half+i] = c, c
			r.Sin[t*dim+i], r.Sin[t*dim+half+i] = s, s
		}
	}
	return r
}

// Apply rotates x in place: x holds T positions, each a vector of Dim values
// starting at x[t*stride] (so Q or K heads can be rotated inside a fused
// buffer). Rotate-half convention: x' = x·cos + [−x₂, x₁]·sin, by the
// vector kernel in use (every kernel gives ropeGo's bits).
func (r *RoPE) Apply(x []float32, stride int) {
	rope := vecImpl.rope
	for t := 0; t < r.T; t++ {
		v := x[t*stride : t*stride+r.Dim]
		rope(v, v, 1, 0, 0, r.Cos[t*r.Dim:(t+1)*r.Dim], r.Sin[t*r.Dim:(t+1)*r.Dim])
	}
}

// ApplyFrom writes the rotated copy of src into dst: src holds T positions
// of Dim values starting at src[t*stride] (a head inside the fused qkv
// projection), dst is (T, Dim) dense. It is copy-then-Apply in one pass, with
// the same float32 expressions, so the bits are those of Apply.
//
// Shapes: Maze/ARC src (916, 3·512) read 64 wide, dst (916, 64).
func (r *RoPE) ApplyFrom(dst, src []float32, stride int) {
	rope := vecImpl.rope
	for t := 0; t < r.T; t++ {
		rope(dst[t*r.Dim:(t+1)*r.Dim], src[t*stride:t*stride+r.Dim], 1, 0, 0,
			r.Cos[t*r.Dim:(t+1)*r.Dim], r.Sin[t*r.Dim:(t+1)*r.Dim])
	}
}

// ApplyQK rotates, in place, the Q and K heads of rows [lo, hi) of a fused
// qkv projection (B·T rows of 3w = [Q heads | K heads | V heads], heads of
// Dim): row r is position r mod T. Each vector gets Apply's expressions, so
// the bits are those of gathering a head and calling Apply; the rows are
// read front to back (the per-head gather reads them 3w apart).
//
// Shapes: Maze/ARC qkv (B·916, 3·512), 8 heads of 64.
func (r *RoPE) ApplyQK(qkv []float32, lo, hi, heads int) {
	w := heads * r.Dim
	rope := vecImpl.rope
	for row := lo; row < hi; row++ {
		t := row % r.T
		qk := qkv[row*3*w : row*3*w+2*w]
		rope(qk, qk, 2*heads, r.Dim, r.Dim, r.Cos[t*r.Dim:(t+1)*r.Dim], r.Sin[t*r.Dim:(t+1)*r.Dim])
	}
}
