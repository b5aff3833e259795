package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestRoPEBackward(t *testing.T) {
	cases := []struct{ T, dim, stride int }{{1, 2, 2}, {6, 8, 8}, {20, 16, 40}, {97, 64, 64}}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("T%d_dim%d_stride%d", tc.T, tc.dim, tc.stride), func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, uint64(tc.T)))
			rope := NewRoPE(tc.T, tc.dim, 10000)
			n := (tc.T-1)*tc.stride + tc.dim
			x := randSlice(r, n, 1)
			R := randSlice(r, n, 1)
			for t0 := 0; t0 < tc.T; t0++ { // entries between vectors are not rotated: no gradient
				for i := t0*tc.stride + tc.dim; i < min((t0+1)*tc.stride, n); i++ {
					R[i] = 0
				}
			}
			loss := func() float64 {
				y := f64(x)
				rope64(y, rope, tc.stride)
				return dot64(y, R)
			}
			dx := append([]float32(nil), R...)
			rope.ApplyBackward(dx, tc.stride)
			checkGrads(t, loss, []fdTensor{{"x", x, dx}}, 60, r)
		})
	}
}
