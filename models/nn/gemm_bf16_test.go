package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The bf16 GEMM conformance suite: every bf16 kernel this build can run on
// this CPU against refMatMulBF16, over shapes that hit every edge of the
// blocking (odd k, partial tiles and panels, K blocks): bit for bit for the
// chain kernels, within the chain's error bound for the AMX one.

// bf16Mismatch returns the first element of c (m, n), the product of kn,
// that disagrees with want, refMatMulBF16's (−1: none). A chain kernel must
// give want's bits. Another must be within the error bound of a float32
// chain of k+1 roundings, (k+2)·2^-24·Σ|term| (+ k·2^-126 for flushes),
// around the exact sum of the same terms: c0 if accumulating, and the
// products of the bf16-rounded, denormals-as-zero inputs; NaN where want is.
func bf16Mismatch(kn *bf16Kernel, c, want, c0, a []float32, m int, w []float32, n, k int, acc bool) int {
	if kn.chain {
		return sameBitsNaN(c, want)
	}
	in := func(x float32) float64 { return float64(bf16DAZ(ToBF16(x))) }
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, mag float64
			if acc {
				s = float64(dazF32(c0[i*n+j]))
				mag = math.Abs(s)
			}
			for p := 0; p < k; p++ {
				x := in(a[i*k+p]) * in(w[j*k+p])
				s, mag = s+x, mag+math.Abs(x)
			}
			got, ref := c[i*n+j], want[i*n+j]
			switch {
			case ref != ref || got != got:
				if ref == ref || got == got {
					return i*n + j
				}
			case math.IsInf(float64(ref), 0) || math.IsInf(float64(got), 0):
				if got != ref {
					return i*n + j
				}
			case !(math.Abs(float64(got)-s) <= float64(k+2)*0x1p-24*mag+float64(k)*0x1p-126):
				return i*n + j
			}
		}
	}
	return -1
}

// useBF16Kernel makes kn the active bf16 kernel until the test ends.
func useBF16Kernel(t testing.TB, kn *bf16Kernel) {
	prev := activeBF16.Swap(kn)
	t.Cleanup(func() { activeBF16.Store(prev) })
}

// sameBitsNaN is sameBits, with any two NaNs counting as equal.
func sameBitsNaN(x, y []float32) int {
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) && !(x[i] != x[i] && y[i] != y[i]) {
			return i
		}
	}
	return -1
}

// wideFloats returns n floats of random sign and magnitudes spread over
// e^±(3·N(0,1)), so that sums cancel and the order of additions shows.
func wideFloats(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64() * math.Exp(3*r.NormFloat64()))
	}
	return s
}

func bf16Shapes() []gemmShape {
	shapes := []gemmShape{
		{1, 1, 1}, {1, 1, 2}, {1, 7, 3}, {3, 1, 5}, {12, 32, 2}, {13, 33, 1},
		{12, 16, 4}, {12, 17, 7}, {11, 48, 9}, {25, 65, 257}, {13, 33, 17},
		{7, 97, 512}, {24, 64, 513}, {5, 40, 1027}, {37, 3, 600}, {100, 130, 64},
		{97, 97, 64}, {1, 1536, 512},
	}
	r := rand.New(rand.NewPCG(5, 6))
	for range 8 {
		shapes = append(shapes, gemmShape{1 + r.IntN(40), 1 + r.IntN(80), 1 + r.IntN(700)})
	}
	return shapes
}

// TestGemmBF16Conformance: MatMulPackedBF16 of every kernel, plain and
// accumulating, on 1 and 3 threads, agrees with refMatMulBF16 (bf16Mismatch).
func TestGemmBF16Conformance(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	r := rand.New(rand.NewPCG(7, 8))
	for _, kn := range bf16Kernels {
		t.Run(kn.name, func(t *testing.T) {
			useBF16Kernel(t, kn)
			for _, threads := range []int{1, 3} {
				useThreads(t, threads)
				for _, sh := range bf16Shapes() {
					m, n, k := sh.m, sh.n, sh.k
					a, w, c0 := wideFloats(r, m*k), wideFloats(r, n*k), wideFloats(r, m*n)
					p := PackTBF16(w, n, k)
					for _, acc := range []bool{false, true} {
						name := fmt.Sprintf("t%d/m%d_n%d_k%d/acc=%v", threads, m, n, k, acc)
						t.Run(name, func(t *testing.T) {
							want := make([]float32, m*n)
							copy(want, c0)
							refMatMulBF16(want, a, m, w, n, k, acc)
							c := withGuard(m * n)
							copy(c, c0)
							MatMulPackedBF16(c, a, m, p, acc)
							if i := bf16Mismatch(kn, c[:m*n], want, c0, a, m, w, n, k, acc); i >= 0 {
								t.Fatalf("c[%d][%d] = %v, reference %v", i/n, i%n, c[i], want[i])
							}
							checkGuard(t, c, m*n)
						})
					}
				}
			}
		})
	}
}

// TestBF16BlockKernel: a kernel's block entry point gives the bits of its
// micro-kernel run tile by tile (the same products with the block hook
// removed), with partial row tiles, partial last panels, K remainders and
// several K blocks, plain and accumulating, on 1 and 3 threads.
func TestBF16BlockKernel(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	r := rand.New(rand.NewPCG(19, 20))
	tested := false
	for _, kn := range bf16Kernels {
		if kn.block == nil {
			continue
		}
		tested = true
		tiles := *kn
		tiles.block = nil
		useBF16Kernel(t, kn)
		for _, sh := range []gemmShape{{64, 64, 64}, {100, 97, 97}, {200, 300, 513}, {33, 160, 1030}, {250, 64, 256}} {
			m, n, k := sh.m, sh.n, sh.k
			a, w, c0 := wideFloats(r, m*k), wideFloats(r, n*k), wideFloats(r, m*n)
			p := PackTBF16(w, n, k)
			for _, threads := range []int{1, 3} {
				useThreads(t, threads)
				for _, acc := range []bool{false, true} {
					want, got := append([]float32(nil), c0...), append([]float32(nil), c0...)
					matMulBF16(want, a, m, n, k, p.data, kn.nr*p.kp, 0, acc, &tiles)
					matMulBF16(got, a, m, n, k, p.data, kn.nr*p.kp, 0, acc, kn)
					if i := sameBitsNaN(got, want); i >= 0 {
						t.Fatalf("%s m%d n%d k%d t%d acc=%v: c[%d] = %v block, %v tile by tile", kn.name, m, n, k, threads, acc, i, got[i], want[i])
					}
				}
			}
		}
	}
	if !tested {
		t.Skip("no bf16 kernel with a block entry point on this machine")
	}
}

// TestGemmBF16Concurrent: products of several shapes (K remainders that need
// different AMX tile configurations among them) run from 8 goroutines at
// once, with the peak loop (which releases the tiles) in between, give the
// bits each gives alone: a kernel that keeps per-thread state (AMX's tile
// configuration) must not leak it between goroutines or threads.
func TestGemmBF16Concurrent(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	shapes := []gemmShape{{70, 64, 64}, {70, 96, 97}, {40, 33, 10}, {100, 64, 300}}
	for _, kn := range bf16Kernels {
		if kn == bf16KernelGo {
			continue
		}
		useBF16Kernel(t, kn)
		type product struct {
			a    []float32
			p    *PackedBF16
			m    int
			want []float32
		}
		var ps []product
		for _, sh := range shapes {
			a, w := wideFloats(r, sh.m*sh.k), wideFloats(r, sh.n*sh.k)
			p := PackTBF16(w, sh.n, sh.k)
			want := make([]float32, sh.m*sh.n)
			MatMulPackedBF16(want, a, sh.m, p, false)
			ps = append(ps, product{a, p, sh.m, want})
		}
		errs := make(chan string, 8)
		for g := range 8 {
			go func() {
				for it := range 20 {
					pr := ps[(g+it)%len(ps)]
					c := make([]float32, len(pr.want))
					MatMulPackedBF16(c, pr.a, pr.m, pr.p, false)
					if i := sameBitsNaN(c, pr.want); i >= 0 {
						errs <- fmt.Sprintf("%s goroutine %d, product %d: c[%d] = %v, alone %v", kn.name, g, (g+it)%len(ps), i, c[i], pr.want[i])
						return
					}
					if it%5 == 0 {
						kn.peak(10)
					}
				}
				errs <- ""
			}()
		}
		for range 8 {
			if e := <-errs; e != "" {
				t.Error(e)
			}
		}
	}
}

// TestGemmBF16Accuracy: the reference is a GEMM of the bf16-rounded inputs
// with float32 accumulation: within 1e-5 of their float64 product, relative
// to Σ|a||b| (it also checks that bf16 rounding of A and W happened).
func TestGemmBF16Accuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const m, n, k = 9, 21, 301
	a, w := randFloats(r, m*k), randFloats(r, n*k)
	c := make([]float32, m*n)
	refMatMulBF16(c, a, m, w, n, k, false)
	ar, wr := append([]float32(nil), a...), append([]float32(nil), w...)
	RoundBF16All(ar)
	RoundBF16All(wr)
	checkGemm(t, c, nil, ar, transpose(wr, n, k), m, n, k)
	// Against the unrounded inputs the error is bf16's (2^-8 relative per
	// product at worst), far above float32's.
	worst := 0.0
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, mag float64
			for p := 0; p < k; p++ {
				x := float64(a[i*k+p]) * float64(w[j*k+p])
				s, mag = s+x, mag+math.Abs(x)
			}
			worst = max(worst, math.Abs(float64(c[i*n+j])-s)/mag)
		}
	}
	if worst > 1.0/128 || worst < 1e-5 {
		t.Errorf("worst error vs the float32 inputs %.3g of Σ|a||b|, want bf16-sized (1e-5 … 2^-7)", worst)
	}
}

// TestGemmBF16Special: the VDPBF16PS corner cases — bf16 denormals read as
// zero, tiny products and sums flushed to zero with their sign, a denormal
// accumulator read as zero, signed zeros, Inf and NaN — give the same bits
// in every chain kernel as in the reference, and agree with it in the others
// (bf16Mismatch; one pair per case, k = 2, and k = 1 for the zero partner).
func TestGemmBF16Special(t *testing.T) {
	den := math.Float32frombits(0x00010000) // a bf16 denormal
	cases := []struct {
		name   string
		c0     float32
		a0, a1 float32
		b0, b1 float32
	}{
		{"denormal input", 0, den, 1, 1e30, 0},
		{"tiny product", 0, 1e-20, 0, 1e-20, 0},
		{"tiny sum", 2e-38, -3e-38, 0, 1, 0},
		{"denormal acc", math.Float32frombits(1), 1, 0, 0, 0},
		{"negative zero acc", float32(math.Copysign(0, -1)), 1, 0, 0, 0},
		{"negative zero product", float32(math.Copysign(0, -1)), -1, 0, 0, 0},
		{"odd first", 1 << 24, 1, 1 << 12, 1, -(1 << 12)},
		{"cancel", 1 << 24, 1, 1, -(1 << 24), 1},
		{"inf", 0, float32(math.Inf(1)), 1, 1, 1},
		{"inf-inf", 0, float32(math.Inf(1)), float32(math.Inf(1)), 1, -1},
		{"nan", 0, float32(math.NaN()), 1, 1, 1},
		{"rounding tie", 0, 1.00390625, 1, 1, 0}, // 1 + 2^-8: a bf16 tie, rounds to 1
	}
	for _, kn := range bf16Kernels {
		useBF16Kernel(t, kn)
		for _, tc := range cases {
			for _, k := range []int{1, 2} {
				a := []float32{tc.a0, tc.a1}[:k]
				w := []float32{tc.b0, tc.b1}[:k]
				want := []float32{tc.c0}
				refMatMulBF16(want, a, 1, w, 1, k, true)
				c := []float32{tc.c0}
				MatMulPackedBF16(c, a, 1, PackTBF16(w, 1, k), true)
				if bf16Mismatch(kn, c, want, []float32{tc.c0}, a, 1, w, 1, k, true) >= 0 {
					t.Errorf("%s/%s/k=%d: got %v (%#x), reference %v (%#x)", kn.name, tc.name, k, c[0], math.Float32bits(c[0]), want[0], math.Float32bits(want[0]))
				}
			}
		}
	}
	// The reference's own answers for the cases whose value is known.
	for _, tc := range []struct {
		name string
		c0   float32
		a, w []float32
		want uint32
	}{
		{"denormal input is zero", 0, []float32{den, 0}, []float32{1e30, 0}, 0},
		{"tiny product flushed", 0, []float32{1e-20, 0}, []float32{1e-20, 0}, 0},
		{"tiny sum keeps sign", 2e-38, []float32{-3e-38, 0}, []float32{1, 0}, 0x80000000},
		{"odd product first", 1 << 24, []float32{1, 1 << 12}, []float32{1, -(1 << 12)}, math.Float32bits(1)}, // even first would give 0
	} {
		c := []float32{tc.c0}
		refMatMulBF16(c, tc.a, 1, tc.w, 1, 2, true)
		if math.Float32bits(c[0]) != tc.want {
			t.Errorf("reference %s: got %v (%#x), want %#x", tc.name, c[0], math.Float32bits(c[0]), tc.want)
		}
	}
}

// TestToBF16: the activation rounding (pairing, and widening back) of every kernel equals
// ToBF16, which equals the top half of RoundBF16, on special values and
// random bits.
func TestToBF16(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	src := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 1.00390625, 1.01171875, 3.4e38, -3.4e38,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.Float32frombits(0x7f800001),
		math.Float32frombits(0xffc12345), math.Float32frombits(1), math.Float32frombits(0x807fffff)}
	for range 4000 {
		src = append(src, math.Float32frombits(r.Uint32()))
	}
	for i, v := range src {
		if got, want := ToBF16(v), uint16(math.Float32bits(RoundBF16(v))>>16); got != want {
			t.Fatalf("ToBF16(%#x) = %#x, RoundBF16 gives %#x", math.Float32bits(v), got, want)
		}
		_ = i
	}
	for _, kn := range bf16Kernels {
		for _, n := range []int{len(src), 16, 17, 5} {
			dst := make([]uint16, n+3)
			kn.toBF16(dst[:n], src)
			for i := 0; i < n; i++ {
				if want := ToBF16(src[i]); dst[i] != want {
					t.Fatalf("%s: n=%d: [%d] %#x → %#x, want %#x", kn.name, n, i, math.Float32bits(src[i]), dst[i], want)
				}
			}
			if dst[n] != 0 || dst[n+1] != 0 || dst[n+2] != 0 {
				t.Fatalf("%s: n=%d: wrote past the end", kn.name, n)
			}
			// The pairing of packBF16N: r0 = src, r1 = src reversed.
			r1 := slices.Clone(src[:n])
			slices.Reverse(r1)
			pairs := make([]uint16, 2*n+3)
			kn.pairBF16(pairs[:2*n], src[:n], r1)
			for i := 0; i < n; i++ {
				if pairs[2*i] != ToBF16(src[i]) || pairs[2*i+1] != ToBF16(r1[i]) {
					t.Fatalf("%s: n=%d: pair %d = %#x %#x, want %#x %#x", kn.name, n, i, pairs[2*i], pairs[2*i+1], ToBF16(src[i]), ToBF16(r1[i]))
				}
			}
			if pairs[2*n] != 0 || pairs[2*n+1] != 0 || pairs[2*n+2] != 0 {
				t.Fatalf("%s: n=%d: pairing wrote past the end", kn.name, n)
			}
			wide := make([]float32, n+3)
			kn.widenBF16(wide[:n], dst[:n])
			for i := 0; i < n; i++ {
				if math.Float32bits(wide[i]) != uint32(dst[i])<<16 {
					t.Fatalf("%s: n=%d: widened [%d] %#x → %#x", kn.name, n, i, dst[i], math.Float32bits(wide[i]))
				}
			}
			if wide[n] != 0 || wide[n+1] != 0 || wide[n+2] != 0 {
				t.Fatalf("%s: n=%d: widening wrote past the end", kn.name, n)
			}
		}
	}
	x := append([]float32(nil), src...)
	RoundBF16All(x)
	for i, v := range src {
		if math.Float32bits(x[i]) != math.Float32bits(RoundBF16(v)) {
			t.Fatalf("RoundBF16All[%d] = %#x, RoundBF16 %#x", i, math.Float32bits(x[i]), math.Float32bits(RoundBF16(v)))
		}
	}
}

// TestGemmBF16Determinism: row i of C is bit-identical whatever the thread
// count and however many rows are computed together.
func TestGemmBF16Determinism(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	const n, k = 100, 300
	r := rand.New(rand.NewPCG(13, 14))
	a, w := wideFloats(r, 200*k), wideFloats(r, n*k)
	for _, kn := range bf16Kernels {
		useBF16Kernel(t, kn)
		p := PackTBF16(w, n, k)
		useThreads(t, 1)
		full := make([]float32, 200*n)
		MatMulPackedBF16(full, a, 200, p, false)
		for _, threads := range []int{1, 2, 3} {
			useThreads(t, threads)
			for _, rows := range [][2]int{{0, 200}, {5, 6}, {13, 110}, {199, 200}} {
				m := rows[1] - rows[0]
				c := make([]float32, m*n)
				MatMulPackedBF16(c, a[rows[0]*k:], m, p, false)
				if i := sameBits(c, full[rows[0]*n:rows[1]*n]); i >= 0 {
					t.Errorf("%s/t%d/rows %v: c[%d] differs from the full product", kn.name, threads, rows, i)
				}
			}
		}
	}
}

// TestGemmBF16NoAllocs: once warm, bf16 products allocate nothing.
func TestGemmBF16NoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	const m, n, k = 200, 300, 301
	r := rand.New(rand.NewPCG(15, 16))
	a, w := randFloats(r, m*k), randFloats(r, n*k)
	c := make([]float32, m*n)
	for _, kn := range bf16Kernels {
		useBF16Kernel(t, kn)
		p := PackTBF16(w, n, k)
		for _, threads := range []int{1, 2} {
			useThreads(t, threads)
			if allocs := testing.AllocsPerRun(10, func() { MatMulPackedBF16(c, a, m, p, false) }); allocs != 0 {
				t.Errorf("%s/threads=%d: %v allocations per product", kn.name, threads, allocs)
			}
		}
	}
}

// TestBF16KernelSelection: names, the error for an unknown one, and
// BF16Accelerated's verdict for each.
func TestBF16KernelSelection(t *testing.T) {
	prev := activeBF16.Load()
	defer activeBF16.Store(prev)
	if err := SetBF16Kernel("no-such"); err == nil || !strings.Contains(err.Error(), "no-such") {
		t.Errorf("SetBF16Kernel(no-such) = %v, want an error naming it", err)
	}
	for _, kn := range bf16Kernels {
		if err := SetBF16Kernel(kn.name); err != nil {
			t.Fatal(err)
		}
		if BF16Kernel() != kn.name {
			t.Errorf("BF16Kernel() = %q after selecting %q", BF16Kernel(), kn.name)
		}
		err := BF16Accelerated()
		if (kn == bf16KernelGo) != (err != nil) {
			t.Errorf("%s: BF16Accelerated() = %v", kn.name, err)
		}
	}
	if bf16Kernels[len(bf16Kernels)-1] != bf16KernelGo {
		t.Error("the pure-Go bf16 kernel is not last")
	}
}

// TestBF16PackN: B (k, n) packed untransposed (packBF16N) multiplies like
// the reference, also over a K range that starts inside the packed B
// (pair0 > 0), as the bf16 attention reads V by key blocks.
func TestBF16PackN(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	for _, kn := range bf16Kernels {
		for _, sh := range []gemmShape{{1, 1, 1}, {13, 64, 148}, {30, 33, 97}, {5, 17, 256}} {
			m, n, k := sh.m, sh.n, sh.k
			a, b := wideFloats(r, m*k), wideFloats(r, k*n)
			buf := make([]uint16, kn.panelSize(n, k))
			packBF16N(buf, b, k, n, kn)
			kp := k + k&1
			for _, p0 := range []int{0, k / 4} { // pairs skipped
				k0 := 2 * p0
				if k0 >= k {
					continue
				}
				ar := make([]float32, m*(k-k0)) // A's columns k0…
				for i := 0; i < m; i++ {
					copy(ar[i*(k-k0):(i+1)*(k-k0)], a[i*k+k0:(i+1)*k])
				}
				want := make([]float32, m*n)
				refMatMulBF16(want, ar, m, transpose(b[k0*n:], k-k0, n), n, k-k0, false)
				c := make([]float32, m*n)
				matMulBF16(c, ar, m, n, k-k0, buf, kn.nr*kp, p0, false, kn)
				if i := bf16Mismatch(kn, c, want, nil, ar, m, transpose(b[k0*n:], k-k0, n), n, k-k0, false); i >= 0 {
					t.Fatalf("%s m=%d n=%d k=%d pair0=%d: c[%d] = %v, reference %v", kn.name, m, n, k, p0, i, c[i], want[i])
				}
			}
		}
	}
}

// TestMatMulBF16NNTN: the bf16 products of two activations (training's
// backward pass), plain and accumulating, on 1 and 3 threads, agree with
// refMatMulBF16 of the same operands (bf16Mismatch) on every kernel.
func TestMatMulBF16NNTN(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	r := rand.New(rand.NewPCG(11, 12))
	for _, kn := range bf16Kernels {
		t.Run(kn.name, func(t *testing.T) {
			useBF16Kernel(t, kn)
			for _, threads := range []int{1, 3} {
				useThreads(t, threads)
				for _, sh := range append(bf16Shapes(), gemmShape{200, 33, 300}) { // wide enough to spread Aᵀ over threads
					m, n, k := sh.m, sh.n, sh.k
					a, b, c0 := wideFloats(r, m*k), wideFloats(r, k*n), wideFloats(r, m*n)
					w, at := transpose(b, k, n), transpose(a, m, k) // w (n, k) = Bᵀ, at (k, m) = Aᵀ
					for _, acc := range []bool{false, true} {
						want := append([]float32(nil), c0...)
						refMatMulBF16(want, a, m, w, n, k, acc)
						for _, tn := range []bool{false, true} {
							t.Run(fmt.Sprintf("t%d/m%d_n%d_k%d/acc=%v/tn=%v", threads, m, n, k, acc, tn), func(t *testing.T) {
								c := withGuard(m * n)
								copy(c, c0)
								if tn {
									MatMulBF16TN(c, at, b, m, n, k, acc)
								} else {
									MatMulBF16NN(c, a, b, m, n, k, acc)
								}
								if i := bf16Mismatch(kn, c[:m*n], want, c0, a, m, w, n, k, acc); i >= 0 {
									t.Fatalf("c[%d][%d] = %v, reference %v", i/n, i%n, c[i], want[i])
								}
								checkGuard(t, c, m*n)
							})
						}
					}
				}
			}
		})
	}
}
