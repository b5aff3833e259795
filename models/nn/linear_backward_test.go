package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestLinearBackward(t *testing.T) {
	cases := []struct {
		rows, in, out int
		bias          bool
	}{
		{1, 1, 1, false}, {5, 7, 9, true}, {13, 32, 6, false}, {40, 17, 50, true},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("rows%d_in%d_out%d_bias%v", tc.rows, tc.in, tc.out, tc.bias), func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(tc.rows*1000+tc.in)))
			w := randSlice(r, tc.out*tc.in, 0.5)
			var b []float32
			if tc.bias {
				b = randSlice(r, tc.out, 0.5)
			}
			l := NewLinear(w, tc.out, tc.in, b)
			l.AllocGrad()
			x := randSlice(r, tc.rows*tc.in, 1)
			R := randSlice(r, tc.rows*tc.out, 1)
			loss := func() float64 { return dot64(linear64(f64(x), l, tc.rows), R) }
			dx := make([]float32, tc.rows*tc.in)
			l.Backward(dx, R, x, tc.rows, false)
			ts := []fdTensor{{"x", x, dx}, {"W", w, l.Grad}}
			if tc.bias {
				ts = append(ts, fdTensor{"b", b, l.BiasGrad})
			}
			checkGrads(t, loss, ts, 40, r)

			// accumulate adds to dx; gradients add up over calls.
			dx2 := make([]float32, len(dx))
			copy(dx2, dx)
			g1 := append([]float32(nil), l.Grad...)
			l.Backward(dx2, R, x, tc.rows, true)
			for i := range dx {
				if d := dx2[i] - 2*dx[i]; d > 1e-5 || d < -1e-5 {
					t.Fatalf("accumulate: dx[%d] = %v, want %v", i, dx2[i], 2*dx[i])
				}
			}
			for i := range g1 {
				if d := l.Grad[i] - 2*g1[i]; d > 1e-4 || d < -1e-4 {
					t.Fatalf("second Backward: Grad[%d] = %v, want %v", i, l.Grad[i], 2*g1[i])
				}
			}
		})
	}
}

func TestRepack(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	w := randSlice(r, 37*19, 1)
	l := NewLinear(w, 37, 19, nil)
	x := randSlice(r, 5*19, 1)
	for i := range w {
		w[i] *= -2
	}
	l.Repack()
	got, want := make([]float32, 5*37), make([]float32, 5*37)
	l.Forward(got, x, 5)
	NewLinear(w, 37, 19, nil).Forward(want, x, 5)
	if i := sameBits(got, want); i >= 0 {
		t.Fatalf("after Repack y[%d] = %v, freshly packed %v", i, got[i], want[i])
	}
}

// TestLinearGradT: weight gradients accumulated as Gradᵀ between BeginGradT
// and EndGradT have the bits of Grad accumulated directly, over several
// Backward calls and on top of an earlier gradient.
func TestLinearGradT(t *testing.T) {
	for _, tc := range []struct{ rows, in, out int }{{1, 1, 2}, {13, 7, 50}, {97, 33, 130}, {40, 50, 17}} {
		t.Run(fmt.Sprintf("rows%d_in%d_out%d", tc.rows, tc.in, tc.out), func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, uint64(tc.rows)))
			w := randSlice(r, tc.out*tc.in, 0.5)
			want, got := NewLinear(w, tc.out, tc.in, nil), NewLinear(w, tc.out, tc.in, nil)
			want.AllocGrad()
			got.AllocGrad()
			for pass := 0; pass < 2; pass++ {
				got.BeginGradT()
				for call := 0; call < 3; call++ {
					x, dy := randSlice(r, tc.rows*tc.in, 1), randSlice(r, tc.rows*tc.out, 1)
					want.BackwardWeights(dy, x, tc.rows)
					got.BackwardWeights(dy, x, tc.rows)
				}
				got.EndGradT()
				if i := sameBits(got.Grad, want.Grad); i >= 0 {
					t.Fatalf("pass %d: Grad[%d] = %v, want %v", pass, i, got.Grad[i], want.Grad[i])
				}
			}
		})
	}
}
