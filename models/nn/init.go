package nn

import (
	"math"
	"math/rand/v2"
)

// truncSigmas is where the official truncated normal cuts, in standard-normal
// units: ±2 (the defaults lower=-2, upper=2 of trunc_normal_init_).
const truncSigmas = 2

// TruncNormalScale is the standard deviation comp_std of the untruncated
// normal that TruncNormal cuts at ±2·comp_std so that the result has standard
// deviation std. With φ the standard normal density and Z = erf(2/√2) the mass
// inside ±2:
//
//	comp_std = std / √(1 − (2·φ(2) − (−2)·φ(−2))/Z − ((φ(2) − φ(−2))/Z)²)
//	         = std / √(1 − 4·φ(2)/Z) ≈ std / 0.879626
//
// (TRM models/common.py L17-25, a port of JAX's truncated-normal initializer;
// the variance of a standard normal truncated to [−2, 2] is the expression
// under the root.)
func TruncNormalScale(std float64) float64 {
	const lo, hi = -truncSigmas, truncSigmas
	z := (math.Erf(hi/math.Sqrt2) - math.Erf(lo/math.Sqrt2)) / 2
	c := 1 / math.Sqrt(2*math.Pi)
	pdfU, pdfL := c*math.Exp(-0.5*lo*lo), c*math.Exp(-0.5*hi*hi)
	return std / math.Sqrt(1-(hi*pdfU-lo*pdfL)/z-((pdfU-pdfL)/z)*((pdfU-pdfL)/z))
}

// TruncNormalBound is the largest magnitude TruncNormal(std) can produce:
// 2·comp_std (TruncNormalScale) rounded to float32.
func TruncNormalBound(std float64) float32 {
	return float32(truncSigmas * TruncNormalScale(std))
}

// TruncNormal fills dst with the official initialisation trunc_normal_init_
// (TRM models/common.py L7-32, identical in HRM models/common.py): a normal
// of standard deviation comp_std = TruncNormalScale(std) truncated to
// ±2·comp_std, so that the values' standard deviation is std itself (PyTorch's
// nn.init.trunc_normal_ truncates N(0, std²) instead and undershoots std by
// 12 %). Each value is drawn by inverting the CDF, as officially:
//
//	u ~ U(erf(−2/√2), erf(2/√2)),  v = erfinv(u)·√2·comp_std,  clipped to ±2·comp_std
//
// computed in float64 and rounded to float32. std = 0 gives zeros without
// drawing from r. The official code draws with torch's generator, so the
// values differ; the distribution is the same.
func TruncNormal(dst []float32, std float64, r *rand.Rand) {
	if std == 0 {
		clear(dst)
		return
	}
	a, b := math.Erf(-truncSigmas/math.Sqrt2), math.Erf(truncSigmas/math.Sqrt2)
	scale := TruncNormalScale(std)
	limit := truncSigmas * scale
	for i := range dst {
		u := a + (b-a)*r.Float64()
		v := math.Erfinv(u) * math.Sqrt2 * scale
		dst[i] = float32(min(max(v, -limit), limit))
	}
}

// RoundBF16 rounds x to the nearest bfloat16 value (ties to even), returned
// as the float32 it widens to exactly: what PyTorch's .to(torch.bfloat16)
// does. NaN stays NaN; values beyond bfloat16's range become ±Inf.
func RoundBF16(x float32) float32 {
	bits := math.Float32bits(x)
	if math.IsNaN(float64(x)) {
		return math.Float32frombits((bits | 0x0040_0000) &^ 0xffff) // quiet NaN: stays NaN once cut
	}
	bits += 0x7fff + (bits>>16)&1
	return math.Float32frombits(bits &^ 0xffff)
}
