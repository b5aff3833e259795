package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// relL2 is ‖x − y‖ / ‖y‖ (0 for two zero vectors).
func relL2(x, y []float32) float64 {
	var d, n float64
	for i := range y {
		e := float64(x[i]) - float64(y[i])
		d += e * e
		n += float64(y[i]) * float64(y[i])
	}
	if n == 0 {
		return math.Sqrt(d)
	}
	return math.Sqrt(d / n)
}

// TestBlockBF16Train: with its layers in bf16 mode, a block's bf16
// ForwardTrain gives the bits of BlockBF16.Forward, and Block.Backward on
// its state gives gradients (input and every weight) close to the float32
// pass's on the same bf16 input: within a relative L2 error of 2 % (measured:
// at most 0.55 %, from the bf16 rounding of the products' operands), on every
// bf16 kernel of this CPU.
func TestBlockBF16Train(t *testing.T) {
	cases := []struct {
		mixer      string
		B, T, D, H int
	}{
		{"attn-rope", 2, 20, 64, 4}, {"attn", 1, 17, 48, 3}, {"mlp_t", 2, 24, 64, 0}, {"mlp_t", 3, 9, 40, 0},
	}
	for _, kn := range bf16Kernels {
		t.Run(kn.name, func(t *testing.T) {
			useBF16Kernel(t, kn)
			for _, tc := range cases {
				t.Run(fmt.Sprintf("%s_B%d_T%d_D%d", tc.mixer, tc.B, tc.T, tc.D), func(t *testing.T) {
					seed := uint64(tc.B*100 + tc.T)
					kb, linsB, _ := randBlock(rand.New(rand.NewPCG(9, seed)), tc.mixer, tc.T, tc.D, tc.H)
					kf, linsF, _ := randBlock(rand.New(rand.NewPCG(9, seed)), tc.mixer, tc.T, tc.D, tc.H)
					for i := range linsB {
						linsB[i].AllocGrad()
						linsF[i].AllocGrad()
						linsB[i].SetTrainBF16(true)
					}
					r := rand.New(rand.NewPCG(10, seed))
					n := tc.B * tc.T * tc.D
					x := randSlice(r, n, 1)
					RoundBF16All(x)
					R := randSlice(r, n, 1)

					hb := append([]float32(nil), x...)
					var st BlockState
					ar := &Arena{}
					pb := NewBlockBF16(kb)
					pb.ForwardTrain(hb, tc.B, tc.T, &st, ar)
					want := append([]float32(nil), x...)
					NewBlockBF16(kf).Forward(want, tc.B, tc.T, &Arena{})
					if i := sameBits(hb, want); i >= 0 {
						t.Fatalf("ForwardTrain h[%d] = %v, BlockBF16.Forward %v", i, hb[i], want[i])
					}
					dhb := append([]float32(nil), R...)
					kb.Backward(dhb, tc.B, tc.T, &st, ar)

					hf := append([]float32(nil), x...)
					var sf BlockState
					kf.ForwardTrain(hf, tc.B, tc.T, &sf, &Arena{})
					dhf := append([]float32(nil), R...)
					kf.Backward(dhf, tc.B, tc.T, &sf, &Arena{})

					check := func(name string, got, ref []float32) {
						e := relL2(got, ref)
						t.Logf("%s: relative L2 error %.4f", name, e)
						if !(e <= 0.02) {
							t.Errorf("%s: bf16 gradient is %.4f away from float32's (relative L2), want ≤ 0.02", name, e)
						}
					}
					check("h", hb, hf)
					check("dx", dhb, dhf)
					for i := range linsB {
						check(fmt.Sprintf("dW[%d]", i), linsB[i].Grad, linsF[i].Grad)
					}
				})
			}
		})
	}
}

// TestLinearTrainBF16Mode: switching bf16 mode off on a float32 layer
// leaves it in float32; in bf16 mode BackwardInput is MatMulBF16NN of the
// weight, also after the weight changes and Repack; switching back gives
// the float32 product of the changed weight.
func TestLinearTrainBF16Mode(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	const rows, in, out = 37, 70, 45
	w := randSlice(r, out*in, 1)
	l := NewLinear(w, out, in, nil)
	l.SetTrainBF16(false)
	if l.BF16() != nil {
		t.Fatal("SetTrainBF16(false) put a float32 layer in bf16 mode")
	}
	dy := randSlice(r, rows*out, 1)
	check := func(when string) {
		t.Helper()
		got, want := make([]float32, rows*in), make([]float32, rows*in)
		l.BackwardInput(got, dy, rows, false)
		MatMulBF16NN(want, dy, l.Weight, rows, in, out, false)
		if i := sameBits(got, want); i >= 0 {
			t.Fatalf("%s: dx[%d] = %v, MatMulBF16NN %v", when, i, got[i], want[i])
		}
	}
	l.SetTrainBF16(true)
	check("bf16 mode")
	for i := range w {
		w[i] *= -1.5
	}
	l.Repack()
	check("after Repack")
	l.SetTrainBF16(false)
	got, want := make([]float32, rows*in), make([]float32, rows*in)
	l.BackwardInput(got, dy, rows, false)
	MatMulNN(want, dy, w, rows, in, out)
	if i := sameBits(got, want); i >= 0 {
		t.Fatalf("back in float32: dx[%d] = %v, MatMulNN %v", i, got[i], want[i])
	}
	y, wantY := make([]float32, rows*out), make([]float32, rows*out)
	x := randSlice(r, rows*in, 1)
	l.Forward(y, x, rows)
	MatMulPacked(wantY, x, rows, PackT(w, out, in), false)
	if i := sameBits(y, wantY); i >= 0 {
		t.Fatalf("back in float32: y[%d] = %v, the float32 product of the changed weight %v", i, y[i], wantY[i])
	}
}
