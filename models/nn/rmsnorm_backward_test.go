package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestRMSNormBackward(t *testing.T) {
	cases := []struct {
		rows, dim int
		scale     float64
	}{
		{1, 2, 1}, {4, 13, 1}, {3, 64, 5}, {7, 97, 0.01}, {2, 200, 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("rows%d_dim%d_scale%g", tc.rows, tc.dim, tc.scale), func(t *testing.T) {
			r := rand.New(rand.NewPCG(2, uint64(tc.rows*1000+tc.dim)))
			const eps = 1e-5
			x := randSlice(r, tc.rows*tc.dim, tc.scale)
			R := randSlice(r, len(x), 1)
			y, f := make([]float32, len(x)), make([]float32, tc.rows)
			loss := func() float64 {
				y := f64(x)
				rmsnorm64(y, tc.rows, tc.dim, eps)
				return dot64(y, R)
			}
			copy(y, x)
			RMSNormTrain(y, f, tc.rows, tc.dim, eps)
			dx := make([]float32, len(x))
			RMSNormBackward(dx, R, y, f, tc.rows, tc.dim)
			checkGrads(t, loss, []fdTensor{{"x", x, dx}}, 60, r)

			// In place (dx = dy) gives the same result.
			d2 := append([]float32(nil), R...)
			RMSNormBackward(d2, d2, y, f, tc.rows, tc.dim)
			if i := sameBits(d2, dx); i >= 0 {
				t.Errorf("in place: dx[%d] = %v, want %v", i, d2[i], dx[i])
			}
		})
	}
}

// RMSNormTrain gives RMSNorm's bits with every vector kernel.
func TestRMSNormTrainBits(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	for _, vk := range vecKernels {
		t.Run(vk.name, func(t *testing.T) {
			prev := vecImpl
			vecImpl = vk
			defer func() { vecImpl = prev }()
			for _, dim := range []int{1, 7, 64, 97, 512, 1000} {
				x := randSlice(r, 3*dim, 2)
				a, b := append([]float32(nil), x...), append([]float32(nil), x...)
				RMSNorm(a, 3, dim, 1e-5)
				RMSNormTrain(b, make([]float32, 3), 3, dim, 1e-5)
				if i := sameBits(a, b); i >= 0 {
					t.Errorf("dim %d: RMSNormTrain y[%d] = %v, RMSNorm %v", dim, i, b[i], a[i])
				}
			}
		})
	}
}
