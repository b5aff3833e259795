package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// bf16Specials are inputs where rounding is delicate: ties, carries into
// the exponent, denormals, the largest finite values, infinities and NaNs.
var bf16Specials = []float32{0, float32(math.Copysign(0, -1)), 1, -1, 1.00390625, 1.01171875, 1.0078125,
	math.Float32frombits(0x3F80_8000), math.Float32frombits(0x3F81_8000), math.Float32frombits(0x3F7F_FFFF),
	math.Float32frombits(0x0000_0001), math.Float32frombits(0x8040_0000), math.MaxFloat32, -math.MaxFloat32,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.Float32frombits(0xFF80_0001)}

// bf16TestInputs are n values: the specials, then random floats of every
// exponent.
func bf16TestInputs(r *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		if i < len(bf16Specials) {
			x[i] = bf16Specials[i]
		} else {
			x[i] = math.Float32frombits(r.Uint32())
		}
	}
	return x
}

// TestRoundKernels: every rounding kernel gives the bits of its formula in
// RoundBF16 (round, gate, gateRound, mulRound), for lengths that exercise
// the vector body and the tail.
func TestRoundKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, k := range roundKernels {
		for _, n := range []int{1, 15, 16, 17, 100, 1031} {
			t.Run(fmt.Sprintf("%s/n%d", k.name, n), func(t *testing.T) {
				x, b := bf16TestInputs(r, n), bf16TestInputs(r, n)
				got := append([]float32(nil), x...)
				k.round(got)
				for i, v := range x {
					if want := RoundBF16(v); math.Float32bits(got[i]) != math.Float32bits(want) {
						t.Fatalf("round(%#x) = %#x, want %#x", math.Float32bits(v), math.Float32bits(got[i]), math.Float32bits(want))
					}
				}
				k.gate(got, x, b)
				for i := range x {
					if want := RoundBF16(RoundBF16(siluMul32(x[i], 1)) * b[i]); math.Float32bits(got[i]) != math.Float32bits(want) &&
						!(want != want && got[i] != got[i]) {
						t.Fatalf("gate(%#x, %#x) = %#x, want %#x", math.Float32bits(x[i]), math.Float32bits(b[i]), math.Float32bits(got[i]), math.Float32bits(want))
					}
				}
				k.gateRound(got, x, b)
				for i := range x {
					if want := RoundBF16(RoundBF16(siluMul32(RoundBF16(x[i]), 1)) * RoundBF16(b[i])); math.Float32bits(got[i]) != math.Float32bits(want) &&
						!(want != want && got[i] != got[i]) {
						t.Fatalf("gateRound(%#x, %#x) = %#x, want %#x", math.Float32bits(x[i]), math.Float32bits(b[i]), math.Float32bits(got[i]), math.Float32bits(want))
					}
				}
				k.mulRound(got, x, b)
				for i := range x {
					if want := RoundBF16(RoundBF16(x[i]) * b[i]); math.Float32bits(got[i]) != math.Float32bits(want) {
						t.Fatalf("mulRound[%d] = %#x, want %#x", i, math.Float32bits(got[i]), math.Float32bits(want))
					}
				}
			})
		}
	}
}

// TestGateAllBF16: gate and gateRound of every rounding kernel for every
// bf16 value of g (the assembly gateRound looks round(silu(g)) up in
// siluBF16Table) against their Go formulas, with u of every kind (specials,
// random floats and random bf16 values).
func TestGateAllBF16(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const n = 1 << 16
	g, u := make([]float32, n), bf16TestInputs(r, n)
	for h := range g {
		g[h] = FromBF16(uint16(h))
	}
	for i := len(bf16Specials); i < n; i += 2 {
		u[i] = FromBF16(uint16(r.Uint32())) // half of them bf16 values, as in a model
	}
	for _, k := range roundKernels {
		for _, v := range []struct {
			name string
			f    func(dst, g, u []float32)
			ru   func(float32) float32 // how the formula takes u
		}{{"gate", k.gate, func(x float32) float32 { return x }}, {"gateRound", k.gateRound, RoundBF16}} {
			got := make([]float32, n)
			v.f(got, g, u)
			for i := range g {
				want := RoundBF16(RoundBF16(siluMul32(g[i], 1)) * v.ru(u[i]))
				if math.Float32bits(got[i]) != math.Float32bits(want) && !(want != want && got[i] != got[i]) {
					t.Fatalf("%s %s(%#x, %#x) = %#x, want %#x", k.name, v.name, math.Float32bits(g[i]), math.Float32bits(u[i]), math.Float32bits(got[i]), math.Float32bits(want))
				}
			}
		}
	}
}

// TestSwiGLUGateBF16: the gate is bf16(bf16(silu(g))·u), row by row.
func TestSwiGLUGateBF16(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const rows, inter = 5, 1500 // inter past len(onesBF16)
	gu := randSlice(r, rows*2*inter, 3)
	RoundBF16All(gu)
	h := make([]float32, rows*inter)
	SwiGLUGateBF16(h, gu, rows, inter)
	for i := 0; i < rows; i++ {
		for j := 0; j < inter; j++ {
			g, u := gu[2*i*inter+j], gu[(2*i+1)*inter+j]
			want := RoundBF16(RoundBF16(siluMul32(g, 1)) * u)
			if got := h[i*inter+j]; math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("h[%d][%d] = %v, want %v", i, j, got, want)
			}
		}
	}
}

// BenchmarkRoundBF16: the rounding pass over a Sudoku gate_up output
// (776 × 3072), per kernel.
//
//	go test -run '^$' -bench RoundBF16 ./models/nn
func BenchmarkRoundBF16(b *testing.B) {
	x := randSlice(rand.New(rand.NewPCG(1, 2)), 776*3072, 1)
	for _, k := range roundKernels {
		b.Run(k.name, func(b *testing.B) {
			b.SetBytes(int64(4 * len(x)))
			for b.Loop() {
				k.round(x)
			}
		})
	}
}

// BenchmarkSwiGLUGateBF16: the bf16 gate at the Sudoku shape (776 rows,
// inter 1536), threads as set.
func BenchmarkSwiGLUGateBF16(b *testing.B) {
	const rows, inter = 776, 1536
	gu := randSlice(rand.New(rand.NewPCG(1, 2)), rows*2*inter, 1)
	h := make([]float32, rows*inter)
	b.SetBytes(int64(4 * 3 * rows * inter))
	for b.Loop() {
		SwiGLUGateBF16(h, gu, rows, inter)
	}
}

// TestMatMulPackedBF16Round: the product rounded in its tasks has the bits
// of the product rounded afterwards, for edge shapes and 1 or 2 threads.
func TestMatMulPackedBF16Round(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, sh := range [][3]int{{1, 1, 1}, {13, 33, 7}, {97, 97, 64}, {200, 300, 97}, {776, 512, 96}} {
		m, n, k := sh[0], sh[1], sh[2]
		a, w := randSlice(r, m*k, 1), randSlice(r, n*k, 1)
		p := PackTBF16(w, n, k)
		want := make([]float32, m*n)
		MatMulPackedBF16(want, a, m, p, false)
		RoundBF16All(want)
		for _, threads := range []int{1, 2} {
			func() {
				defer SetThreads(SetThreads(threads))
				got := make([]float32, m*n)
				MatMulPackedBF16Round(got, a, m, p)
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("m%d n%d k%d t%d: c[%d] = %v, want %v", m, n, k, threads, i, got[i], want[i])
					}
				}
			}()
		}
	}
}

// BenchmarkMatMulPackedBF16Round: the product with its rounding fused into
// the tasks against the product and a rounding pass, alternately (x_unfused
// = unfused time / fused time), at the Sudoku gate_up shape.
//
//	go test -run '^$' -bench MatMulPackedBF16Round ./models/nn
func BenchmarkMatMulPackedBF16Round(b *testing.B) {
	const m, n, k = 776, 3072, 512
	r := rand.New(rand.NewPCG(1, 2))
	a, p := randSlice(r, m*k, 1), PackTBF16(randSlice(r, n*k, 1), n, k)
	c := make([]float32, m*n)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("t%d", threads), func(b *testing.B) {
			defer SetThreads(SetThreads(threads))
			var s side2
			for b.Loop() {
				s.run(threads,
					func() { MatMulPackedBF16(c, a, m, p, false); RoundBF16Rows(c, m, n) },
					func() { MatMulPackedBF16Round(c, a, m, p) })
			}
			s.report(b, "x_unfused")
		})
	}
}

// TestMatMulSwiGLUBF16: the fused bf16 gate has the bits of the rounded
// gate_up product followed by SwiGLUGateBF16, for inter not a multiple of
// the group, odd hidden, row counts around the tile sizes, 1 or 2 threads,
// on every bf16 kernel.
func TestMatMulSwiGLUBF16(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	prev := BF16Kernel()
	defer SetBF16Kernel(prev)
	for _, kn := range bf16Kernels {
		if err := SetBF16Kernel(kn.name); err != nil {
			t.Fatal(err)
		}
		for _, sh := range [][3]int{{1, 1, 1}, {13, 100, 7}, {97, 512, 97}, {200, 300, 64}, {776, 1536, 96}} {
			rows, inter, hidden := sh[0], sh[1], sh[2]
			x, w := randSlice(r, rows*hidden, 1), randSlice(r, 2*inter*hidden, 1)
			RoundBF16All(x)
			gu := make([]float32, rows*2*inter)
			MatMulPackedBF16Round(gu, x, rows, PackTBF16(w, 2*inter, hidden))
			want := make([]float32, rows*inter)
			SwiGLUGateBF16(want, gu, rows, inter)
			p := PackSwiGLUBF16(w, inter, hidden)
			for _, threads := range []int{1, 2} {
				func() {
					defer SetThreads(SetThreads(threads))
					got := make([]float32, rows*inter)
					MatMulSwiGLUBF16(got, x, rows, p)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s rows%d inter%d hidden%d t%d: h[%d] = %v, want %v", kn.name, rows, inter, hidden, threads, i, got[i], want[i])
						}
					}
				}()
			}
		}
	}
}

// BenchmarkMatMulSwiGLUBF16: the fused bf16 gate against the rounded
// gate_up product and the gate pass, alternately (x_unfused = unfused time
// / fused time), at the Sudoku shape.
//
//	go test -run '^$' -bench MatMulSwiGLUBF16 ./models/nn
func BenchmarkMatMulSwiGLUBF16(b *testing.B) {
	const rows, inter, hidden = 776, 1536, 512
	r := rand.New(rand.NewPCG(1, 2))
	x, w := randSlice(r, rows*hidden, 1), randSlice(r, 2*inter*hidden, 1)
	pp, ps := PackTBF16(w, 2*inter, hidden), PackSwiGLUBF16(w, inter, hidden)
	gu, h := make([]float32, rows*2*inter), make([]float32, rows*inter)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("t%d", threads), func(b *testing.B) {
			defer SetThreads(SetThreads(threads))
			var s side2
			for b.Loop() {
				s.run(threads,
					func() { MatMulPackedBF16Round(gu, x, rows, pp); SwiGLUGateBF16(h, gu, rows, inter) },
					func() { MatMulSwiGLUBF16(h, x, rows, ps) })
			}
			s.report(b, "x_unfused")
		})
	}
}

// TestMatMulAddRMSNormBF16: the fused residual has the bits of the rounded
// product followed by AddRMSNormBF16, on every bf16 kernel and 1 or 2
// threads.
func TestMatMulAddRMSNormBF16(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	prev := BF16Kernel()
	defer SetBF16Kernel(prev)
	for _, kn := range bf16Kernels {
		if err := SetBF16Kernel(kn.name); err != nil {
			t.Fatal(err)
		}
		for _, sh := range [][3]int{{1, 1, 1}, {13, 33, 7}, {512, 97, 512}, {200, 64, 300}, {776, 512, 96}} {
			rows, n, k := sh[0], sh[1], sh[2]
			a, w, h0 := randSlice(r, rows*k, 1), randSlice(r, n*k, 1), randSlice(r, rows*n, 1)
			RoundBF16All(h0)
			p := PackTBF16(w, n, k)
			tmp := make([]float32, rows*n)
			MatMulPackedBF16Round(tmp, a, rows, p)
			want := append([]float32(nil), h0...)
			AddRMSNormBF16(want, tmp, rows, n, 1e-5)
			for _, threads := range []int{1, 2} {
				func() {
					defer SetThreads(SetThreads(threads))
					got := append([]float32(nil), h0...)
					MatMulAddRMSNormBF16(got, a, rows, p, 1e-5)
					for i := range got {
						if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
							t.Fatalf("%s rows%d n%d k%d t%d: h[%d] = %v, want %v", kn.name, rows, n, k, threads, i, got[i], want[i])
						}
					}
				}()
			}
		}
	}
}
