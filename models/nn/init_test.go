package nn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// truncStdRatio is the standard deviation of a standard normal truncated to
// [−2, 2]: √(1 − 4·φ(2)/erf(√2)), computed once by hand in float64.
const truncStdRatio = 0.8796256610342398

func TestTruncNormalScale(t *testing.T) {
	for _, std := range []float64{1, 0.5, 1 / math.Sqrt(512)} {
		if got, want := TruncNormalScale(std), std/truncStdRatio; math.Abs(got-want) > 1e-15*want {
			t.Errorf("TruncNormalScale(%g) = %.17g, want %.17g", std, got, want)
		}
		if got, want := TruncNormalBound(std), float32(2*std/truncStdRatio); got != want {
			t.Errorf("TruncNormalBound(%g) = %g, want %g", std, got, want)
		}
	}
}

// truncNormalCDF is the CDF of N(0, s²) truncated to [−2s, 2s].
func truncNormalCDF(x, s float64) float64 {
	phi := func(z float64) float64 { return 0.5 * (1 + math.Erf(z/math.Sqrt2)) }
	x = min(max(x, -2*s), 2*s)
	return (phi(x/s) - phi(-2)) / (phi(2) - phi(-2))
}

// TestTruncNormalStatistics checks the official trunc_normal_init_'s
// properties on n samples: every value within ±2·comp_std, mean 0, standard
// deviation std itself (not comp_std, and not 0.88·std as PyTorch's
// trunc_normal_ gives), values reaching the bound, and the whole
// distribution (Kolmogorov–Smirnov against the truncated normal's CDF).
func TestTruncNormalStatistics(t *testing.T) {
	const n = 200_000
	for _, tc := range []struct {
		name string
		std  float64
	}{
		{"unit (H_init)", 1},
		{"LeCun 512", 1 / math.Sqrt(512)},
		{"LeCun 1536", 1 / math.Sqrt(1536)},
		{"0.3", 0.3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := make([]float32, n)
			TruncNormal(x, tc.std, rand.New(rand.NewPCG(7, 11)))
			comp := tc.std / truncStdRatio
			bound := float32(2 * comp)
			var sum, sumSq float64
			var maxAbs float32
			for i, v := range x {
				if v > bound || v < -bound || math.IsNaN(float64(v)) {
					t.Fatalf("x[%d] = %g outside ±2·comp_std = ±%g", i, v, bound)
				}
				maxAbs = max(maxAbs, float32(math.Abs(float64(v))))
				sum += float64(v)
				sumSq += float64(v) * float64(v)
			}
			mean := sum / n
			sd := math.Sqrt(sumSq/n - mean*mean)
			// Standard errors: mean σ/√n; sample sd about σ·√((κ−1)/4n)
			// with the truncated normal's kurtosis κ < 3, so < σ·√(1/2n).
			if se := tc.std / math.Sqrt(n); math.Abs(mean) > 5*se {
				t.Errorf("mean %g, want 0 ± %g", mean, 5*se)
			}
			if se := tc.std * math.Sqrt(1/(2.0*n)); math.Abs(sd-tc.std) > 5*se {
				t.Errorf("standard deviation %g, want %g ± %g", sd, tc.std, 5*se)
			}
			if maxAbs < 0.99*bound {
				t.Errorf("largest |value| %g, want close to the bound %g", maxAbs, bound)
			}
			s := slices.Clone(x)
			slices.Sort(s)
			var d float64
			for i, v := range s {
				f := truncNormalCDF(float64(v), comp)
				d = max(d, math.Abs(f-float64(i)/n), math.Abs(f-float64(i+1)/n))
			}
			if crit := 1.95 / math.Sqrt(n); d > crit { // α ≈ 0.001
				t.Errorf("Kolmogorov–Smirnov distance to the truncated normal %g > %g", d, crit)
			}
		})
	}
}

func TestTruncNormalZeroStd(t *testing.T) {
	x := []float32{1, -2, 3, float32(math.NaN())}
	r := rand.New(rand.NewPCG(1, 2))
	TruncNormal(x, 0, r)
	for i, v := range x {
		if v != 0 || math.Signbit(float64(v)) {
			t.Errorf("x[%d] = %g, want +0", i, v)
		}
	}
	if got, want := r.Uint64(), rand.New(rand.NewPCG(1, 2)).Uint64(); got != want {
		t.Error("std 0 drew from the generator")
	}
}

func TestTruncNormalDeterministic(t *testing.T) {
	draw := func(seed uint64) []float32 {
		x := make([]float32, 1000)
		TruncNormal(x, 0.1, rand.New(rand.NewPCG(seed, 3)))
		return x
	}
	if a, b := draw(5), draw(5); !slices.Equal(a, b) {
		t.Error("the same seed gave different values")
	}
	if a, b := draw(5), draw(6); slices.Equal(a, b) {
		t.Error("different seeds gave the same values")
	}
}

// roundBF16Oracle picks, in float64, the nearer of the two bfloat16 values
// around x (ties to the even mantissa); finite inputs only.
func roundBF16Oracle(x float32) float32 {
	bits := math.Float32bits(x)
	lo := math.Float32frombits(bits &^ 0xffff)
	if lo == x {
		return x
	}
	hiBits := bits&^0xffff + 0x10000
	hi := math.Float32frombits(hiBits)
	dl, dh := math.Abs(float64(x)-float64(lo)), math.Abs(float64(x)-float64(hi))
	switch {
	case dl < dh:
		return lo
	case dh < dl:
		return hi
	case (bits>>16)&1 == 0:
		return lo
	}
	return hi
}

func TestRoundBF16(t *testing.T) {
	u := float32(math.Ldexp(1, -8)) // half a bfloat16 ulp at 1
	for _, tc := range []struct {
		name    string
		in, out float32
	}{
		{"exact", 1.5, 1.5},
		{"zero", 0, 0},
		{"tie to even (down)", 1 + u, 1},
		{"tie to even (up)", 1 + 3*u, 1 + 4*u},
		{"above the tie", 1 + u + u/64, 1 + 2*u},
		{"below the tie", 1 + u - u/64, 1},
		{"negative tie", -(1 + 3*u), -(1 + 4*u)},
		{"pi", math.Pi, 3.140625},
		{"overflow", math.MaxFloat32, float32(math.Inf(1))},
		{"infinity", float32(math.Inf(-1)), float32(math.Inf(-1))},
		{"subnormal", math.Float32frombits(0x0000_8001), math.Float32frombits(0x0001_0000)},
	} {
		if got := RoundBF16(tc.in); got != tc.out {
			t.Errorf("%s: RoundBF16(%g) = %g, want %g", tc.name, tc.in, got, tc.out)
		}
	}
	nan := RoundBF16(math.Float32frombits(0x7f80_0001)) // signalling NaN with a low payload
	if !math.IsNaN(float64(nan)) || math.Float32bits(nan)&0xffff != 0 {
		t.Errorf("RoundBF16(NaN) = %#x, want a NaN with a zero low half", math.Float32bits(nan))
	}
	r := rand.New(rand.NewPCG(9, 9))
	for range 100_000 {
		x := math.Float32frombits(r.Uint32())
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) || math.Abs(float64(x)) > 3e38 {
			continue
		}
		if got, want := RoundBF16(x), roundBF16Oracle(x); got != want {
			t.Fatalf("RoundBF16(%#x) = %#x, want %#x", math.Float32bits(x), math.Float32bits(got), math.Float32bits(want))
		}
	}
}
