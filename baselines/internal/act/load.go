package act

import "arceval/models/nn"

// Open starts loading a model of a family (model names it in errors): it
// finds the key prefix of src, checks every tensor of specs against it at
// once and reads the embedding and head tensors of d. With own the
// resolver hands out copies (a trainable model owns its weights).
func Open(src Tensors, model string, specs []Spec, d Dims, own bool) (*Resolver, *IO, error) {
	r, err := NewResolver(src, model)
	if err != nil {
		return nil, nil, err
	}
	r.Own = own
	if err := r.Check(specs); err != nil {
		return nil, nil, err
	}
	io, err := LoadIO(r, d)
	if err != nil {
		return nil, nil, err
	}
	return r, io, nil
}

// RoPE returns the rotary table the blocks' attention uses with
// pos_encodings "rope" (theta its base), or nil: other encodings and
// token-mixing (mlp_t) blocks have none.
func (b BlockDims) RoPE(posEncodings string, theta float64) *nn.RoPE {
	if posEncodings != "rope" || b.MLPT {
		return nil
	}
	return nn.NewRoPE(b.T, b.HeadDim(), theta)
}
