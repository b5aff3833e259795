package nn

import (
	"fmt"
	"math"
)

// Attention is the official non-causal multi-head self-attention: a fused
// QKV projection whose output rows are [Q heads | K heads | V heads], each
// head HeadDim wide; RoPE on Q and K; softmax(Q·Kᵀ/√HeadDim)·V per head;
// heads concatenated (head-major) and projected by O.
type Attention struct {
	Hidden, Heads, HeadDim int
	QKV                    *Linear // hidden → 3·heads·headDim
	O                      *Linear // heads·headDim → hidden
	Rope                   *RoPE   // nil: no positional encoding
}

// NewAttention builds the layer from qkv_proj (3·heads·headDim, hidden) and
// o_proj (hidden, heads·headDim) weights.
func NewAttention(qkv, o []float32, hidden, heads, headDim int, rope *RoPE) *Attention {
	if rope != nil && rope.Dim != headDim {
		panic(fmt.Sprintf("nn.NewAttention: RoPE dim %d, head dim %d", rope.Dim, headDim))
	}
	w := heads * headDim
	return &Attention{Hidden: hidden, Heads: heads, HeadDim: headDim,
		QKV: NewLinear(qkv, 3*w, hidden, nil), O: NewLinear(o, hidden, w, nil), Rope: rope}
}

// Forward: x is (B, T, hidden), out is (B, T, hidden).
func (a *Attention) Forward(out, x []float32, B, T int, ar *Arena) {
	c, o, u := ar.Mark()
	w := a.Heads * a.HeadDim
	hd := a.HeadDim
	qkv := ar.Get(B * T * 3 * w) // (B, T, 3w)
	a.QKV.Forward(qkv, x, B*T)
	heads := ar.Get(B * T * w) // (B, T, w) concatenated head outputs
	q, k, v := ar.Get(T*hd), ar.Get(T*hd), ar.Get(T*hd)
	scores := ar.Get(T * T)
	ho := ar.Get(T * hd)
	scale := float32(1 / math.Sqrt(float64(hd)))
	for b := 0; b < B; b++ {
		base := qkv[b*T*3*w : (b+1)*T*3*w]
		for h := 0; h < a.Heads; h++ {
			for t := 0; t < T; t++ {
				row := base[t*3*w:]
				copy(q[t*hd:(t+1)*hd], row[h*hd:(h+1)*hd])
				copy(k[t*hd:(t+1)*hd], row[w+h*hd:w+(h+1)*hd])
				copy(v[t*hd:(t+1)*hd], row[2*w+h*hd:2*w+(h+1)*hd])
			}
			if a.Rope != nil {
				a.Rope.Apply(q, hd)
				a.Rope.Apply(k, hd)
			}
			MatMulNT(scores, q, k, T, T, hd)
			Scale(scores, scale)
			Softmax(scores, T, T)
			MatMulNN(ho, scores, v, T, hd, T)
			for t := 0; t < T; t++ {
				copy(heads[(b*T+t)*w+h*hd:(b*T+t)*w+(h+1)*hd], ho[t*hd:(t+1)*hd])
			}
		}
	}
	a.O.Forward(out, heads, B*T)
	ar.Release(c, o, u)
}
