package nn

import "math"

// bfloat16 values: the top 16 bits of a float32 (sign, 8 exponent bits, 7
// mantissa bits). They are stored as uint16 and rounded from float32 as
// RoundBF16 does (PyTorch's round to nearest even: add 0x7FFF plus the
// lowest kept bit and truncate, so ties go to even and values past the
// largest bf16 round to ±Inf); a NaN keeps its sign and top payload bits and
// is made quiet.

// ToBF16 rounds x to the nearest bfloat16 (ties to even): the top half of
// RoundBF16(x).
func ToBF16(x float32) uint16 {
	u := math.Float32bits(x)
	if x != x {
		return uint16((u | 0x0040_0000) >> 16)
	}
	return uint16((u + 0x7FFF + (u>>16)&1) >> 16)
}

// FromBF16 widens a bfloat16 to the float32 with the same value.
func FromBF16(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// RoundBF16All rounds every value of x to the nearest bfloat16 in place
// (RoundBF16 of each): the activations of a model run in bf16, kept in
// float32 storage. Rounding twice changes nothing.
func RoundBF16All(x []float32) {
	for i, v := range x {
		x[i] = FromBF16(ToBF16(v))
	}
}

// toBF16Go is the pure-Go twin of the assembly conversion: dst[i] =
// ToBF16(src[i]) for len(dst) values.
func toBF16Go(dst []uint16, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] = ToBF16(v)
	}
}

// pairBF16Go is the pure-Go twin of the assembly pairing: dst[2j] =
// ToBF16(r0[j]), dst[2j+1] = ToBF16(r1[j]) for len(r0) pairs.
func pairBF16Go(dst []uint16, r0, r1 []float32) {
	dst, r1 = dst[:2*len(r0)], r1[:len(r0)]
	for j, v := range r0 {
		dst[2*j], dst[2*j+1] = ToBF16(v), ToBF16(r1[j])
	}
}

// widenBF16Go is the pure-Go twin of the assembly widening: dst[i] =
// FromBF16(src[i]) for len(src) values.
func widenBF16Go(dst []float32, src []uint16) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = FromBF16(v)
	}
}

// bf16DAZ widens h to float32 as VDPBF16PS reads its inputs: a denormal
// (zero exponent, non-zero mantissa) counts as a zero of the same sign
// ("denormals are zero").
func bf16DAZ(h uint16) float32 {
	if h&0x7F80 == 0 {
		h &= 0x8000
	}
	return FromBF16(h)
}

// fltMin is the smallest normal float32, 2^-126.
const fltMin = 0x1p-126

// dpStep is one half of a VDPBF16PS lane: the float32 fused multiply-add
// acc + a·b with round to nearest even, the result flushed to a zero of its
// sign when it is smaller than 2^-126 in magnitude ("flush to zero"). acc,
// a and b are zero or normal (inputs pass through bf16DAZ; acc is a
// previous result or went through dazF32). The product of two bf16 values is
// exact in float64, and rounding the float64 sum to float32 gives the
// correctly rounded fused result (53 ≥ 2·24+2 bits, so the double rounding
// is innocuous).
func dpStep(acc, a, b float32) float32 {
	s := float32(float64(acc) + float64(a)*float64(b))
	if s < fltMin && s > -fltMin {
		return float32(math.Copysign(0, float64(s)))
	}
	return s
}

// dazF32 maps a denormal float32 to a zero of its sign, as VDPBF16PS reads
// its accumulator.
func dazF32(x float32) float32 {
	if x < fltMin && x > -fltMin {
		return float32(math.Copysign(0, float64(x)))
	}
	return x
}
