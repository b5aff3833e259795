package nn

import "sync"

// Rounding kernels of the bf16 forward pass: the activations of a bf16 model
// are bf16 values kept in float32 storage, and these passes round a float32
// result to bf16 where PyTorch's bfloat16 forward stores a bf16 tensor. The
// assembly (round_bf16_amd64.s, AVX-512F) and the pure-Go twins below do the
// same integer rounding as ToBF16 and the same float32 multiply, so they give
// the same bits.

// bf16Round is one implementation of the rounding kernels; slices have equal
// lengths (in-place use allowed).
type bf16Round struct {
	name string
	// round: x[i] = RoundBF16(x[i]).
	round func(x []float32)
	// mulRound: dst[i] = RoundBF16(RoundBF16(a[i])·b[i]), the bf16 product
	// of a bf16-rounded a and a bf16 b (SwiGLU's silu(g)·u).
	mulRound func(dst, a, b []float32)
	// gate: dst[i] = RoundBF16(RoundBF16(silu(g[i]))·u[i]), silu(g) =
	// g/(1+e^−g) with the vector kernels' exp (the bits of SiLUMul(·, g, 1)).
	gate func(dst, g, u []float32)
	// gateRound: gate on round(g) and round(u), for the unrounded g and u
	// of a GEMM's SwiGLU epilogue (round, round, gate in one pass).
	gateRound func(dst, g, u []float32)
}

// roundGo is the pure-Go rounding kernel.
var roundGo = &bf16Round{name: "go", round: RoundBF16All, mulRound: mulRoundBF16Go, gate: gateBF16Go, gateRound: gateRoundBF16Go}

// roundKernels lists the rounding kernels for this CPU, fastest first;
// roundImpl is the one in use (tests switch it).
var (
	roundKernels = append(asmRoundKernels(), roundGo)
	roundImpl    = roundKernels[0]
)

// roundBF16 rounds x to bf16 values: RoundBF16 of each.
func roundBF16(x []float32) {
	if len(x) > 0 {
		roundImpl.round(x)
	}
}

// mulRoundBF16Go is mulRound in Go.
func mulRoundBF16Go(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = RoundBF16(RoundBF16(a[i]) * b[i])
	}
}

// siluBF16Table returns the table of round(silu(g)) for every bf16 value g
// (index: its 16 bits), computed once with the Go twin: gateRound rounds g
// first, so its assembly looks silu up instead of computing an exp and a
// divide per value (same bits by construction).
var siluBF16Table = sync.OnceValue(func() *[1 << 16]float32 {
	t := new([1 << 16]float32)
	for h := range t {
		t[h] = RoundBF16(siluMul32(FromBF16(uint16(h)), 1))
	}
	return t
})

// gateRoundBF16Go is gateRound in Go.
func gateRoundBF16Go(dst, g, u []float32) {
	g, u = g[:len(dst)], u[:len(dst)]
	for i := range dst {
		dst[i] = RoundBF16(RoundBF16(siluMul32(RoundBF16(g[i]), 1)) * RoundBF16(u[i]))
	}
}

// gateBF16Go is gate in Go.
func gateBF16Go(dst, g, u []float32) {
	g, u = g[:len(dst)], u[:len(dst)]
	for i := range dst {
		dst[i] = RoundBF16(RoundBF16(siluMul32(g[i], 1)) * u[i])
	}
}
