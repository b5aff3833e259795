package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestSwiGLUBackward(t *testing.T) {
	cases := []struct{ rows, hidden, inter int }{{1, 1, 1}, {5, 8, 16}, {12, 16, 40}, {3, 97, 256}}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("rows%d_hidden%d_inter%d", tc.rows, tc.hidden, tc.inter), func(t *testing.T) {
			r := rand.New(rand.NewPCG(6, uint64(tc.rows*1000+tc.hidden)))
			gu := randSlice(r, 2*tc.inter*tc.hidden, 1/float64(tc.hidden))
			dn := randSlice(r, tc.hidden*tc.inter, 1/float64(tc.inter))
			s := NewSwiGLU(gu, dn, tc.hidden, tc.inter)
			s.GateUp.AllocGrad()
			s.Down.AllocGrad()
			x := randSlice(r, tc.rows*tc.hidden, 2)
			R := randSlice(r, tc.rows*tc.hidden, 1)
			ar := &Arena{}
			y := make([]float32, len(R))
			var st SwiGLUState
			loss := func() float64 { return dot64(swiglu64(f64(x), s, tc.rows), R) }
			s.ForwardTrain(y, x, tc.rows, &st, ar)
			// ForwardTrain gives Forward's bits.
			want := make([]float32, len(y))
			s.Forward(want, x, tc.rows, &Arena{})
			if i := sameBits(y, want); i >= 0 {
				t.Fatalf("ForwardTrain y[%d] = %v, Forward %v", i, y[i], want[i])
			}
			dx := make([]float32, len(x))
			s.Backward(dx, R, tc.rows, &st, false, ar)
			checkGrads(t, loss, []fdTensor{{"x", x, dx}, {"gate_up", gu, s.GateUp.Grad}, {"down", dn, s.Down.Grad}}, 60, r)
		})
	}
}

// TestGateBackwardKernels: the gate's backward pass (assembly where the
// vector kernels have it) gives gateBackwardGo's bits, and its h the bits
// of SiLUMul, on every length (tails) and on large |g|.
func TestGateBackwardKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for n := 0; n <= 70; n++ {
		g, u, dy := randSlice(r, n, 4), randSlice(r, n, 1), randSlice(r, n, 1)
		if n > 3 {
			g[0], g[1], g[2] = 95, -120, 0
		}
		e := make([]float32, n)
		for i, v := range g {
			e[i] = -v
		}
		Exp(e, e)
		h, dg, du := make([]float32, n), append([]float32(nil), e...), make([]float32, n)
		hw, dgw, duw := make([]float32, n), append([]float32(nil), e...), make([]float32, n)
		gateBackward(h, dg, du, g, u, dy)
		gateBackwardGo(hw, dgw, duw, g, u, dy)
		silu := make([]float32, n)
		SiLUMul(silu, g, u)
		for _, c := range []struct {
			name      string
			got, want []float32
		}{{"h", h, hw}, {"dg", dg, dgw}, {"du", du, duw}, {"h vs SiLUMul", h, silu}} {
			if i := sameBits(c.got, c.want); i >= 0 {
				t.Fatalf("n=%d: %s[%d] = %v, want %v", n, c.name, i, c.got[i], c.want[i])
			}
		}
	}
}
