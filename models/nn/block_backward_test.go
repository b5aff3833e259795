package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestBlockBackward(t *testing.T) {
	cases := []struct {
		mixer      string // "attn", "attn-rope" or "mlp_t"
		B, T, D, H int
	}{
		{"attn-rope", 2, 6, 8, 2}, {"attn", 1, 5, 12, 3}, {"mlp_t", 2, 6, 8, 0}, {"mlp_t", 3, 9, 5, 0},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s_B%d_T%d_D%d", tc.mixer, tc.B, tc.T, tc.D), func(t *testing.T) {
			r := rand.New(rand.NewPCG(8, uint64(tc.B*100+tc.T)))
			k, lins, ts := randBlock(r, tc.mixer, tc.T, tc.D, tc.H)
			for i, l := range lins {
				l.AllocGrad()
				ts[i].g = l.Grad
			}
			n := tc.B * tc.T * tc.D
			x := randSlice(r, n, 1)
			R := randSlice(r, n, 1)
			ar := &Arena{}
			h := make([]float32, n)
			var st BlockState
			loss := func() float64 {
				h := f64(x)
				block64(h, k, tc.B, tc.T)
				return dot64(h, R)
			}
			copy(h, x)
			k.ForwardTrain(h, tc.B, tc.T, &st, ar)
			want := append([]float32(nil), x...)
			k.Forward(want, tc.B, tc.T, &Arena{})
			if i := sameBits(h, want); i >= 0 {
				t.Fatalf("ForwardTrain h[%d] = %v, Forward %v", i, h[i], want[i])
			}
			dh := append([]float32(nil), R...)
			k.Backward(dh, tc.B, tc.T, &st, ar)
			checkGrads(t, loss, append([]fdTensor{{"x", x, dh}}, ts...), 50, r)
		})
	}
}

// randBlock is a block of random weights with the given token mixer
// ("attn", "attn-rope" or "mlp_t"), T positions, hidden D and H heads; lins
// are its linear layers and ts their weights (gradients unset), in the same
// order.
func randBlock(r *rand.Rand, mixer string, T, D, H int) (k *Block, lins []*Linear, ts []fdTensor) {
	inter := 2 * D
	mgu := randSlice(r, 2*inter*D, 1/float64(D))
	mdn := randSlice(r, D*inter, 1/float64(inter))
	k = &Block{MLP: NewSwiGLU(mgu, mdn, D, inter), Eps: 1e-5}
	if mixer == "mlp_t" {
		it := 3 * T
		gu := randSlice(r, 2*it*T, 1/float64(T))
		dn := randSlice(r, T*it, 1/float64(it))
		k.MixT = NewSwiGLU(gu, dn, T, it)
		lins = append(lins, k.MixT.GateUp, k.MixT.Down)
		ts = append(ts, fdTensor{"mlp_t.gate_up", gu, nil}, fdTensor{"mlp_t.down", dn, nil})
	} else {
		hd := D / H
		qkv := randSlice(r, 3*D*D, 1/float64(D))
		o := randSlice(r, D*D, 1/float64(D))
		var rope *RoPE
		if mixer == "attn-rope" {
			rope = NewRoPE(T, hd, 10000)
		}
		k.Attn = NewAttention(qkv, o, D, H, hd, rope)
		lins = append(lins, k.Attn.QKV, k.Attn.O)
		ts = append(ts, fdTensor{"qkv_proj", qkv, nil}, fdTensor{"o_proj", o, nil})
	}
	lins = append(lins, k.MLP.GateUp, k.MLP.Down)
	ts = append(ts, fdTensor{"mlp.gate_up", mgu, nil}, fdTensor{"mlp.down", mdn, nil})
	return k, lins, ts
}
