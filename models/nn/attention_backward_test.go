package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestAttentionBackward(t *testing.T) {
	cases := []struct {
		B, T, hidden, heads, hd int
		rope                    bool
	}{
		{1, 1, 4, 1, 4, true}, {2, 5, 16, 2, 8, true}, {2, 5, 16, 2, 8, false},
		{3, 7, 12, 3, 6, true}, {1, 20, 32, 2, 16, true},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("B%d_T%d_hidden%d_heads%d_hd%d_rope%v", tc.B, tc.T, tc.hidden, tc.heads, tc.hd, tc.rope), func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, uint64(tc.B*100+tc.T)))
			w := tc.heads * tc.hd
			qkv := randSlice(r, 3*w*tc.hidden, 1/float64(tc.hidden))
			o := randSlice(r, tc.hidden*w, 1/float64(w))
			var rope *RoPE
			if tc.rope {
				rope = NewRoPE(tc.T, tc.hd, 10000)
			}
			a := NewAttention(qkv, o, tc.hidden, tc.heads, tc.hd, rope)
			a.QKV.AllocGrad()
			a.O.AllocGrad()
			n := tc.B * tc.T * tc.hidden
			x := randSlice(r, n, 1.5)
			R := randSlice(r, n, 1)
			ar := &Arena{}
			y := make([]float32, n)
			var st AttentionState
			loss := func() float64 { return dot64(attention64(f64(x), a, tc.B, tc.T), R) }
			a.ForwardTrain(y, x, tc.B, tc.T, &st, ar)
			want := make([]float32, n)
			a.Forward(want, x, tc.B, tc.T, &Arena{})
			if i := sameBits(y, want); i >= 0 {
				t.Fatalf("ForwardTrain y[%d] = %v, Forward %v", i, y[i], want[i])
			}
			dx := make([]float32, n)
			a.Backward(dx, R, tc.B, tc.T, &st, false, ar)
			checkGrads(t, loss, []fdTensor{{"x", x, dx}, {"qkv_proj", qkv, a.QKV.Grad}, {"o_proj", o, a.O.Grad}}, 60, r)
		})
	}
}
