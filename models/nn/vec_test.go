package nn

import (
	"flag"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

var vecExhaustive = flag.Bool("vec.exhaustive", false, "check exp32 and every vector kernel's exp on all float32 in [−104, 89] (slow)")

// Tolerances against float64 references (relative).
const (
	expTol     = 3e-7 // Exp: the bound asked for (measured: 8.2e-8, 0.99 ulp; TestExpExhaustive)
	siluTol    = 5e-7 // exp, 1+e, division, product
	softmaxTol = 1e-6 // exp, canonical sum, 1/sum, product
	rmsTol     = 1e-6 // canonical float32 sum of squares, factor, product
)

// forEachVecKernel runs f with vecImpl set to each implementation available
// on this CPU (assembly ones first, "go" last).
func forEachVecKernel(t *testing.T, f func(t *testing.T, k *vecKernel)) {
	t.Helper()
	saved := vecImpl
	defer func() { vecImpl = saved }()
	for _, k := range vecKernels {
		vecImpl = k
		t.Run(k.name, func(t *testing.T) { f(t, k) })
	}
}

func TestVecKernelsAvailable(t *testing.T) {
	names := make([]string, len(vecKernels))
	for i, k := range vecKernels {
		names[i] = k.name
	}
	t.Logf("vector kernels on this machine: %v (in use: %s)", names, vecImpl.name)
	if vecKernels[len(vecKernels)-1] != vecGo {
		t.Fatal(`"go" must be the last kernel`)
	}
	if err := setVecKernel("nope"); err == nil {
		t.Fatal("setVecKernel accepted an unknown name")
	}
	defer func(k *vecKernel) { vecImpl = k }(vecImpl)
	for _, n := range names {
		if err := setVecKernel(n); err != nil || vecImpl.name != n {
			t.Fatalf("setVecKernel(%q): %v", n, err)
		}
	}
}

// expErrOK reports whether got is within expTol of e^x (plus half the
// smallest subnormal for results that underflow), with exact special cases.
func expErrOK(x, got float32) bool {
	ref := math.Exp(float64(x))
	switch {
	case math.IsNaN(float64(x)):
		return math.IsNaN(float64(got))
	case ref > math.MaxFloat32*(1+0x1p-25): // rounds to +Inf
		return math.IsInf(float64(got), 1)
	}
	return math.Abs(float64(got)-ref) <= expTol*ref+0x1p-150
}

// expEdges are values exp must get right: zeros, tiny, the overflow and
// underflow thresholds, huge, NaN and infinities.
var expEdges = []float32{
	0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 0x1p-149, -0x1p-149, 1e-7, -1e-7,
	1, -1, 0.3465736, -0.3465736, 0.3465737, -0.3465737, // ≈ ±ln2/2
	10, -10, 20.5, -20.5, 50, -50, 87.3, -87.3, -87.33655, -87.33654,
	88.7, -88.7, 88.72, 88.7228, 88.72283, 88.72284, 88.7229, 88.73, 89, 89.5,
	-88.72, -88.73, -89, -90, -100, -103.27, -103.97, -103.972, -103.973, -104, -104.5,
	100, -100, 1e10, -1e10, math.MaxFloat32, -math.MaxFloat32,
	float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
}

func TestExpEdges(t *testing.T) {
	for _, x := range expEdges {
		if got := exp32(x); !expErrOK(x, got) {
			t.Errorf("exp32(%g) = %g, want %g", x, got, math.Exp(float64(x)))
		}
	}
	if got := exp32(float32(math.Inf(-1))); got != 0 || math.Signbit(float64(got)) {
		t.Errorf("exp32(−Inf) = %g, want +0", got)
	}
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		// Every edge value at every position of a 70-element vector (all
		// loop and tail paths), in place and out of place.
		n := 70
		for _, x := range expEdges {
			for pos := 0; pos < n; pos++ {
				src := make([]float32, n)
				for i := range src {
					src[i] = float32(i%7) - 3
				}
				src[pos] = x
				dst := make([]float32, n)
				Exp(dst, src)
				if !expErrOK(x, dst[pos]) {
					t.Fatalf("Exp at %d of %d: e^%g = %g, want %g", pos, n, x, dst[pos], math.Exp(float64(x)))
				}
				for i := range dst {
					if w := exp32(src[i]); math.Float32bits(dst[i]) != math.Float32bits(w) && !(isNaN32(w) && isNaN32(dst[i])) {
						t.Fatalf("Exp differs from exp32 at %d: e^%g = %g, want %g", i, src[i], dst[i], w)
					}
				}
				Exp(src, src)
				if !vecSameBits(src, dst) {
					t.Fatalf("in-place Exp differs")
				}
			}
		}
	})
}

func isNaN32(x float32) bool { return x != x }

// sameBits reports whether a and b hold the same bits (any NaN matches any
// NaN: payloads are not part of the contract).
func vecSameBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(isNaN32(a[i]) && isNaN32(b[i])) {
			return false
		}
	}
	return true
}

// guarded returns a slice of n floats starting at a random offset inside a
// larger buffer whose other values are a sentinel, and a check that the
// sentinel values are intact (kernels must not write outside the slice).
func guarded(rng *rand.Rand, n int) ([]float32, func(t *testing.T)) {
	const pad, sentinel = 40, float32(-12345.678)
	off := rng.IntN(16)
	buf := make([]float32, off+n+pad)
	for i := range buf {
		buf[i] = sentinel
	}
	s := buf[off : off+n : off+n]
	clear(s)
	return s, func(t *testing.T) {
		t.Helper()
		for i, v := range buf {
			if (i < off || i >= off+n) && v != sentinel {
				t.Fatalf("write outside the slice: buf[%d] = %g (slice is [%d, %d))", i, v, off, off+n)
			}
		}
	}
}

// randLen returns a length in 0…4099, biased to small values and to values
// next to multiples of 8, 16 and 64.
func randLen(rng *rand.Rand) int {
	switch rng.IntN(4) {
	case 0:
		return rng.IntN(130)
	case 1:
		return max(0, min(4099, 64*rng.IntN(65)+rng.IntN(5)-2))
	default:
		return rng.IntN(4100)
	}
}

func TestExpRandom(t *testing.T) {
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		rng := rand.New(rand.NewPCG(1, 2))
		worst := 0.0
		for iter := 0; iter < 300; iter++ {
			n := randLen(rng)
			x, checkX := guarded(rng, n)
			scale := []float32{1, 10, 90, 110}[rng.IntN(4)]
			for i := range x {
				x[i] = (2*rng.Float32() - 1) * scale
			}
			dst, checkD := guarded(rng, n)
			Exp(dst, x)
			checkX(t)
			checkD(t)
			for i := range dst {
				if !expErrOK(x[i], dst[i]) {
					t.Fatalf("n=%d: e^%g = %g, want %g", n, x[i], dst[i], math.Exp(float64(x[i])))
				}
				if ref := math.Exp(float64(x[i])); ref >= 0x1p-126 && ref <= math.MaxFloat32 {
					worst = max(worst, math.Abs(float64(dst[i])-ref)/ref)
				}
				if w := exp32(x[i]); math.Float32bits(dst[i]) != math.Float32bits(w) {
					t.Fatalf("n=%d: Exp(%g) = %g, exp32 = %g", n, x[i], dst[i], w)
				}
			}
		}
		t.Logf("max relative error %.3g", worst)
	})
}

// TestExpExhaustive checks every float32 in [−104, 89] against math.Exp,
// for exp32 and each kernel's Exp (with -vec.exhaustive: a few minutes).
func TestExpExhaustive(t *testing.T) {
	if !*vecExhaustive {
		t.Skip("use -vec.exhaustive")
	}
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		type worst struct {
			rel, ulp float64
			atRel    float32
		}
		var (
			mu  sync.Mutex
			all worst
			wg  sync.WaitGroup
		)
		// Split the bit patterns of [−104, 89] into chunks per goroutine.
		ranges := [][2]uint32{{0, math.Float32bits(89)}, {0x80000000, math.Float32bits(-104)}}
		for _, r := range ranges {
			for w := uint32(0); w < 64; w++ {
				lo := r[0] + (r[1]-r[0])/64*w
				hi := r[0] + (r[1]-r[0])/64*(w+1)
				if w == 63 {
					hi = r[1] + 1
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					const chunk = 4096
					x := make([]float32, chunk)
					y := make([]float32, chunk)
					var my worst
					for b := lo; b < hi; b += chunk {
						n := int(min(chunk, hi-b))
						for i := range n {
							x[i] = math.Float32frombits(b + uint32(i))
						}
						k.exp(y[:n], x[:n])
						for i := range n {
							got, ref := float64(y[i]), math.Exp(float64(x[i]))
							if !expErrOK(x[i], y[i]) {
								t.Errorf("e^%g = %g, want %g", x[i], got, ref)
								return
							}
							if ref >= 0x1p-126 && ref <= math.MaxFloat32 {
								e := math.Abs(got - ref)
								if r := e / ref; r > my.rel {
									my.rel, my.atRel = r, x[i]
								}
								r32 := float32(ref)
								ulp := float64(math.Nextafter32(r32, float32(math.Inf(1))) - r32)
								my.ulp = max(my.ulp, e/ulp)
							}
						}
					}
					mu.Lock()
					if my.rel > all.rel {
						all.rel, all.atRel = my.rel, my.atRel
					}
					all.ulp = max(all.ulp, my.ulp)
					mu.Unlock()
				}()
				if w%uint32(runtime.GOMAXPROCS(0)) == uint32(runtime.GOMAXPROCS(0))-1 {
					wg.Wait()
				}
			}
		}
		wg.Wait()
		t.Logf("normal results: max relative error %.3g (at x = %g), max %.3f ulp", all.rel, all.atRel, all.ulp)
	})
}

func TestSiLUMul(t *testing.T) {
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		rng := rand.New(rand.NewPCG(3, 4))
		worst := 0.0
		for iter := 0; iter < 300; iter++ {
			n := randLen(rng)
			g, checkG := guarded(rng, n)
			u, checkU := guarded(rng, n)
			dst, checkD := guarded(rng, n)
			scale := []float64{1, 4, 20, 100}[rng.IntN(4)]
			for i := range g {
				g[i] = float32(rng.NormFloat64() * scale)
				u[i] = float32(rng.NormFloat64())
			}
			SiLUMul(dst, g, u)
			checkG(t)
			checkU(t)
			checkD(t)
			for i := range dst {
				gi, ui := float64(g[i]), float64(u[i])
				ref := gi / (1 + math.Exp(-gi)) * ui
				err := math.Abs(float64(dst[i]) - ref)
				if err > siluTol*math.Abs(ref)+1e-30*math.Abs(ui) {
					t.Fatalf("n=%d: silu(%g)·%g = %g, want %g", n, g[i], u[i], dst[i], ref)
				}
				if math.Abs(ref) > 1e-30 {
					worst = max(worst, err/math.Abs(ref))
				}
				if w := siluMul32(g[i], u[i]); math.Float32bits(dst[i]) != math.Float32bits(w) {
					t.Fatalf("n=%d: SiLUMul(%g, %g) = %g, twin %g", n, g[i], u[i], dst[i], w)
				}
			}
			// In place, over g and over u.
			want := append([]float32(nil), dst...)
			g2, u2 := append([]float32(nil), g...), append([]float32(nil), u...)
			SiLUMul(g2, g2, u)
			SiLUMul(u2, g, u2)
			if !vecSameBits(g2, want) || !vecSameBits(u2, want) {
				t.Fatal("in-place SiLUMul differs")
			}
		}
		t.Logf("max relative error %.3g", worst)
		// Special values, repeated so that the 64-wide body sees them too.
		specials := []float32{0, float32(math.Copysign(0, -1)), 100, -100, 1e30, -1e30, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 88.8, -88.8}
		wants := []float64{0, 0, 200, 0, 2e30, 0, math.Inf(1), math.NaN(), math.NaN(), 177.6, 0} // −Inf/(1+Inf) is NaN, as in the original and PyTorch
		var g []float32
		var want []float64
		for range 7 {
			g, want = append(g, specials...), append(want, wants...)
		}
		u := make([]float32, len(g))
		for i := range u {
			u[i] = 2
		}
		dst := make([]float32, len(g))
		SiLUMul(dst, g, u)
		for i := range dst {
			w, got := want[i], float64(dst[i])
			if math.IsNaN(w) != math.IsNaN(got) || (!math.IsNaN(w) && math.Abs(got-w) > 1e-6*math.Abs(w)+1e-30) {
				t.Errorf("silu(%g)·2 = %g, want %g", g[i], got, w)
			}
			if s := SiLU(g[i]) * 2; math.Float32bits(s) != math.Float32bits(dst[i]) && !(isNaN32(s) && isNaN32(dst[i])) {
				t.Errorf("SiLU(%g)·2 = %g, SiLUMul %g", g[i], s, dst[i])
			}
		}
	})
}

func TestSoftmax(t *testing.T) {
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		rng := rand.New(rand.NewPCG(5, 6))
		worst := 0.0
		for iter := 0; iter < 200; iter++ {
			rows, n := 1+rng.IntN(3), randLen(rng)
			if n == 0 {
				n = 1
			}
			x, checkX := guarded(rng, rows*n)
			scale := []float64{0.1, 1, 5, 30}[rng.IntN(4)]
			for i := range x {
				x[i] = float32(rng.NormFloat64() * scale)
			}
			in := append([]float32(nil), x...)
			Softmax(x, rows, n)
			checkX(t)
			for r := 0; r < rows; r++ {
				row, got := in[r*n:(r+1)*n], x[r*n:(r+1)*n]
				m := row[0]
				for _, v := range row {
					m = max(m, v)
				}
				// Reference: float64 exp of the float32 differences (the
				// subtraction x − m is part of the definition, as in PyTorch).
				ref := make([]float64, n)
				var sum float64
				for i, v := range row {
					ref[i] = math.Exp(float64(v - m))
					sum += ref[i]
				}
				for i := range ref {
					ref[i] /= sum
					err := math.Abs(float64(got[i]) - ref[i])
					if err > softmaxTol*ref[i]+1e-40 {
						t.Fatalf("rows=%d n=%d: p[%d][%d] = %g, want %g (rel %.3g)", rows, n, r, i, got[i], ref[i], err/ref[i])
					}
					if ref[i] > 1e-30 {
						worst = max(worst, err/ref[i])
					}
				}
			}
			// Same bits as the twin.
			want := append([]float32(nil), in...)
			for r := 0; r < rows; r++ {
				row := want[r*n : (r+1)*n]
				s := expSubSumGo(row, maxGo(row))
				scaleGo(row, 1/s) // softmaxGo, spelled out
			}
			if !vecSameBits(x, want) {
				t.Fatalf("rows=%d n=%d: Softmax differs from the Go twin", rows, n)
			}
		}
		t.Logf("max relative error %.3g", worst)
		// A NaN or +Inf makes the row NaN; other rows are unaffected.
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1))} {
			for _, n := range []int{1, 5, 17, 64, 97} {
				for pos := 0; pos < n; pos += 3 {
					x := make([]float32, 2*n)
					for i := range x {
						x[i] = float32(i % 5)
					}
					x[pos] = bad
					Softmax(x, 2, n)
					for i := 0; i < n; i++ {
						if !isNaN32(x[i]) {
							t.Fatalf("n=%d: %g at %d: p[%d] = %g, want NaN", n, bad, pos, i, x[i])
						}
						if isNaN32(x[n+i]) {
							t.Fatalf("n=%d: NaN leaked into the next row", n)
						}
					}
				}
			}
		}
	})
}

func TestRMSNorm(t *testing.T) {
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		rng := rand.New(rand.NewPCG(7, 8))
		worst := 0.0
		for iter := 0; iter < 200; iter++ {
			rows, dim := 1+rng.IntN(3), randLen(rng)
			if dim == 0 {
				dim = 1
			}
			x, checkX := guarded(rng, rows*dim)
			scale := []float64{1e-3, 1, 30, 1e4}[rng.IntN(4)]
			for i := range x {
				x[i] = float32(rng.NormFloat64() * scale)
			}
			in := append([]float32(nil), x...)
			const eps = 1e-5
			RMSNorm(x, rows, dim, eps)
			checkX(t)
			for r := 0; r < rows; r++ {
				row := in[r*dim : (r+1)*dim]
				var ss float64
				for _, v := range row {
					ss += float64(v) * float64(v)
				}
				inv := 1 / math.Sqrt(ss/float64(dim)+eps)
				for i, v := range row {
					ref := float64(v) * inv
					got := float64(x[r*dim+i])
					err := math.Abs(got - ref)
					if err > rmsTol*math.Abs(ref) {
						t.Fatalf("rows=%d dim=%d: [%d][%d] = %g, want %g (rel %.3g)", rows, dim, r, i, got, ref, err/math.Abs(ref))
					}
					if ref != 0 {
						worst = max(worst, err/math.Abs(ref))
					}
				}
			}
			want := append([]float32(nil), in...)
			for r := 0; r < rows; r++ {
				row := want[r*dim : (r+1)*dim]
				ss := sumSqGo(row)
				scaleGo(row, float32(1/math.Sqrt(float64(ss)/float64(dim)+float64(float32(eps)))))
			}
			if !vecSameBits(x, want) {
				t.Fatalf("rows=%d dim=%d: RMSNorm differs from the Go twin", rows, dim)
			}
		}
		t.Logf("max relative error %.3g", worst)
	})
}

// TestVecSumOrder checks the canonical reduction order of RMSNorm exactly:
// with values whose float32 sums depend on the order, every kernel must give
// the factor computed from fold64 of the 64 lane sums.
func TestVecSumOrder(t *testing.T) {
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		rng := rand.New(rand.NewPCG(9, 10))
		for iter := 0; iter < 300; iter++ {
			n := 1 + rng.IntN(700)
			x := make([]float32, n)
			for i := range x {
				x[i] = float32(math.Ldexp(1+rng.Float64(), rng.IntN(40)-20))
			}
			var acc [lanes]float32
			for i, v := range x {
				acc[i%lanes] += float32(v * v)
			}
			ss := fold64(&acc)
			inv := float32(1 / math.Sqrt(float64(ss)/float64(n)+float64(float32(1e-5))))
			want := make([]float32, n)
			for i, v := range x {
				want[i] = v * inv
			}
			RMSNorm(x, 1, n, 1e-5)
			if !vecSameBits(x, want) {
				t.Fatalf("n=%d: RMSNorm does not sum in the canonical order", n)
			}
		}
	})
}

func TestAddScale(t *testing.T) {
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		rng := rand.New(rand.NewPCG(11, 12))
		for iter := 0; iter < 300; iter++ {
			n := randLen(rng)
			a, checkA := guarded(rng, n)
			b, checkB := guarded(rng, n)
			dst, checkD := guarded(rng, n)
			for i := range a {
				a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64()*1e3)
			}
			s := float32(rng.NormFloat64())
			Add(dst, a, b)
			for i := range dst {
				if dst[i] != a[i]+b[i] {
					t.Fatalf("Add n=%d: [%d] = %g, want %g", n, i, dst[i], a[i]+b[i])
				}
			}
			a0 := append([]float32(nil), a...)
			AddInto(a, b)
			for i := range a {
				if a[i] != a0[i]+b[i] {
					t.Fatalf("AddInto n=%d: [%d] = %g, want %g", n, i, a[i], a0[i]+b[i])
				}
			}
			b0 := append([]float32(nil), b...)
			Scale(b, s)
			for i := range b {
				if b[i] != b0[i]*s {
					t.Fatalf("Scale n=%d: [%d] = %g, want %g", n, i, b[i], b0[i]*s)
				}
			}
			checkA(t)
			checkB(t)
			checkD(t)
		}
	})
}

func TestTranspose(t *testing.T) {
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		rng := rand.New(rand.NewPCG(13, 14))
		shapes := [][2]int{{1, 1}, {1, 9}, {9, 1}, {8, 8}, {16, 8}, {7, 15}, {97, 512}, {512, 97}, {64, 64}, {33, 130}, {200, 72}}
		for range 60 {
			shapes = append(shapes, [2]int{1 + rng.IntN(150), 1 + rng.IntN(150)})
		}
		for _, sh := range shapes {
			rows, cols := sh[0], sh[1]
			src, checkS := guarded(rng, rows*cols)
			dst, checkD := guarded(rng, rows*cols)
			for i := range src {
				src[i] = float32(i)
			}
			Transpose(dst, src, rows, cols)
			checkS(t)
			checkD(t)
			for r := 0; r < rows; r++ {
				for c := 0; c < cols; c++ {
					if dst[c*rows+r] != src[r*cols+c] {
						t.Fatalf("%d×%d: dst[%d][%d] = %g, want %g", rows, cols, c, r, dst[c*rows+r], src[r*cols+c])
					}
				}
			}
		}
	})
}

func TestArgmax(t *testing.T) {
	ref := func(dst []int32, x []float32, rows, n int) { // the original loop
		for r := 0; r < rows; r++ {
			row := x[r*n : (r+1)*n]
			best := 0
			for i, v := range row {
				if v > row[best] {
					best = i
				}
			}
			dst[r] = int32(best)
		}
	}
	rng := rand.New(rand.NewPCG(15, 16))
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	vals := []float32{0, float32(math.Copysign(0, -1)), 1, 1, 2, -1, nan, inf, -inf}
	for iter := 0; iter < 2000; iter++ {
		rows, n := 1+rng.IntN(4), 1+rng.IntN(20)
		x := make([]float32, rows*n)
		for i := range x {
			x[i] = vals[rng.IntN(len(vals))]
		}
		got, want := make([]int32, rows), make([]int32, rows)
		Argmax(got, x, rows, n)
		ref(want, x, rows, n)
		for r := range got {
			if got[r] != want[r] {
				t.Fatalf("row %v: Argmax = %d, want %d", x[r*n:(r+1)*n], got[r], want[r])
			}
		}
	}
}

func TestVecEmpty(t *testing.T) {
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		var e []float32
		Exp(e, e)
		SiLUMul(e, e, e)
		Add(e, e, e)
		AddInto(e, e)
		Scale(e, 2)
		Softmax(e, 0, 5)
		Softmax(e, 3, 0)
		RMSNorm(e, 0, 4, 1e-5)
		Transpose(e, e, 0, 3)
		Argmax(nil, e, 0, 3)
	})
}

// TestRoPEKernel: every vector kernel's rope has ropeGo's bits, for head
// dims the assembly takes (multiples of 32) and ones it hands to Go, in
// place and into another buffer, with row strides.
func TestRoPEKernel(t *testing.T) {
	forEachVecKernel(t, func(t *testing.T, k *vecKernel) {
		r := rand.New(rand.NewPCG(81, 82))
		for _, dim := range []int{2, 8, 16, 32, 48, 64, 128} {
			for _, n := range []int{1, 3, 16} {
				lds, ldd := dim+5, dim+3
				cos, sin := make([]float32, dim), make([]float32, dim)
				for i := range cos {
					a := r.Float64() * 100
					cos[i], sin[i] = float32(math.Cos(a)), float32(math.Sin(a))
				}
				src := make([]float32, n*lds)
				for i := range src {
					src[i] = float32(r.NormFloat64() * 3)
				}
				want := make([]float32, n*ldd)
				ropeGo(want, src, n, ldd, lds, cos, sin)
				got := make([]float32, n*ldd)
				k.rope(got, src, n, ldd, lds, cos, sin)
				if !vecSameBits(got, want) {
					t.Fatalf("dim=%d n=%d: rope differs from ropeGo", dim, n)
				}
				in := append([]float32(nil), src...) // in place, stride lds
				wantIn := append([]float32(nil), src...)
				ropeGo(wantIn, wantIn, n, lds, lds, cos, sin)
				k.rope(in, in, n, lds, lds, cos, sin)
				if !vecSameBits(in, wantIn) {
					t.Fatalf("dim=%d n=%d: in-place rope differs from ropeGo", dim, n)
				}
				for j := 0; j < n; j++ { // a vector by hand
					x, v := src[j*lds:], want[j*ldd:]
					for i := 0; i < dim/2; i++ {
						h := dim / 2
						if v[i] != float32(x[i]*cos[i])-float32(x[i+h]*sin[i]) || v[i+h] != float32(x[i+h]*cos[i+h])+float32(x[i]*sin[i+h]) {
							t.Fatalf("dim=%d: ropeGo is not the rotate-half formula at %d", dim, i)
						}
					}
				}
			}
		}
	})
}
