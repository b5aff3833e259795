package nn

// ApplyBackward is the backward pass of Apply: x holds, in place, the
// gradient with respect to Apply's output (same layout: T positions of Dim
// values starting at x[t*stride]) and receives the gradient with respect to
// its input. Apply is a rotation of each pair (x₁[i], x₂[i]) by the angle
// θ; its transpose rotates by −θ:
//
//	dx₁ = dy₁·cos + dy₂·sin,   dx₂ = dy₂·cos − dy₁·sin
func (r *RoPE) ApplyBackward(x []float32, stride int) {
	half := r.Dim / 2
	for t := 0; t < r.T; t++ {
		v := x[t*stride : t*stride+r.Dim]
		cos, sin := r.Cos[t*r.Dim:(t+1)*r.Dim], r.Sin[t*r.Dim:(t+1)*r.Dim]
		for i := 0; i < half; i++ {
			d1, d2 := v[i], v[i+half]
			v[i] = d1*cos[i] + d2*sin[i+half]
			v[i+half] = d2*cos[i+half] - d1*sin[i]
		}
	}
}
