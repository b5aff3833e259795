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

// TestRoundKernels: every rounding kernel gives RoundBF16's bits, for
// lengths that exercise the vector body and the tail.
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
