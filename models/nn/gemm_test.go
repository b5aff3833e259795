package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// The GEMM conformance suite (gonum testblas style): every implementation
// this build can run on this CPU — the reference loops and each kernel —
// against a float64 product, over shapes that hit every edge of the blocking.

// gemmImpl is one implementation under test; kern nil means the reference.
type gemmImpl struct {
	name string
	kern *gemmKernel
}

func gemmImpls() []gemmImpl {
	impls := []gemmImpl{{name: "reference"}}
	for _, kn := range gemmKernels {
		impls = append(impls, gemmImpl{name: kn.name, kern: kn})
	}
	return impls
}

// useKernel makes kn the active kernel until the test ends.
func useKernel(t testing.TB, kn *gemmKernel) {
	prev := activeKernel.Swap(kn)
	t.Cleanup(func() { activeKernel.Store(prev) })
}

// useThreads sets the GEMM threads until the test ends.
func useThreads(t testing.TB, n int) {
	prev := SetThreads(n)
	t.Cleanup(func() { SetThreads(prev) })
}

func randFloats(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// transpose returns the (cols, rows) transpose of x (rows, cols).
func transpose(x []float32, rows, cols int) []float32 {
	t := make([]float32, rows*cols)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			t[j*rows+i] = x[i*cols+j]
		}
	}
	return t
}

// checkGemm compares c (m, n) with c0 + A·B computed in float64, B given
// (k, n) row-major: |c - ref| ≤ 1e-5·(|c0| + Σ_p |a||b|) per element.
func checkGemm(t *testing.T, c, c0, a, b []float32, m, n, k int) {
	t.Helper()
	bad := 0
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, mag float64
			if c0 != nil {
				s, mag = float64(c0[i*n+j]), math.Abs(float64(c0[i*n+j]))
			}
			for p := 0; p < k; p++ {
				x := float64(a[i*k+p]) * float64(b[p*n+j])
				s += x
				mag += math.Abs(x)
			}
			got := float64(c[i*n+j])
			if err := math.Abs(got - s); !(err <= 1e-5*mag) {
				if bad++; bad <= 3 {
					t.Errorf("c[%d][%d] = %v, want %v (err %.3g, bound %.3g)", i, j, got, s, err, 1e-5*mag)
				}
			}
		}
	}
	if bad > 3 {
		t.Errorf("%d elements out of tolerance", bad)
	}
}

// guard is the number of sentinel values placed after C to catch writes
// past m·n.
const guard = 37

func withGuard(n int) []float32 {
	c := make([]float32, n+guard)
	for i := n; i < len(c); i++ {
		c[i] = -12345
	}
	return c
}

func checkGuard(t *testing.T, c []float32, n int) {
	t.Helper()
	for i := n; i < len(c); i++ {
		if c[i] != -12345 {
			t.Fatalf("wrote c[%d] past m·n = %d", i, n)
		}
	}
}

type gemmShape struct{ m, n, k int }

func gemmShapes() []gemmShape {
	shapes := []gemmShape{
		{1, 1, 1}, {1, 7, 3}, {3, 1, 5}, {2, 2, 1}, {12, 32, 1}, {13, 33, 1},
		{6, 16, 4}, {7, 17, 5}, {12, 32, 16}, {24, 64, 256}, {25, 65, 257},
		{13, 33, 17}, {11, 31, 1023}, {31, 100, 513}, {100, 17, 300},
		{97, 97, 64}, {97, 64, 97}, {7, 97, 512}, {1, 1536, 512},
		{5, 40, 2560}, {37, 3, 2560}, {130, 300, 70}, {48, 128, 600}, {61, 250, 1100},
		// The AVX-512 kernel's 6×64 tile and 6×48 last panel: exact, one
		// over, a last panel just within and just past 48 columns.
		{6, 64, 4}, {7, 65, 5}, {6, 48, 9}, {5, 49, 3}, {18, 112, 64}, {19, 113, 66},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 12 {
		shapes = append(shapes, gemmShape{1 + r.IntN(40), 1 + r.IntN(80), 1 + r.IntN(700)})
	}
	return shapes
}

// TestGemmConformance runs MatMulPacked (plain and accumulating), MatMulNT,
// MatMulNN, MatMulNNAcc and MatMulTN (plain and accumulating) of every
// implementation over gemmShapes.
func TestGemmConformance(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0 // split even the small products over threads
	r := rand.New(rand.NewPCG(3, 4))
	for _, impl := range gemmImpls() {
		t.Run(impl.name, func(t *testing.T) {
			if impl.kern != nil {
				useKernel(t, impl.kern)
			}
			for _, threads := range []int{1, 3} {
				useThreads(t, threads)
				for _, sh := range gemmShapes() {
					m, n, k := sh.m, sh.n, sh.k
					a := randFloats(r, m*k)
					b := randFloats(r, k*n) // (k, n)
					bt := transpose(b, k, n)
					c0 := randFloats(r, m*n)
					name := fmt.Sprintf("t%d/m%d_n%d_k%d", threads, m, n, k)
					t.Run(name+"/packed", func(t *testing.T) {
						c := withGuard(m * n)
						if impl.kern == nil {
							refMatMul(c, a, b, m, n, k, false)
						} else {
							MatMulPacked(c, a, m, PackT(bt, n, k), false)
						}
						checkGemm(t, c, nil, a, b, m, n, k)
						checkGuard(t, c, m*n)
					})
					t.Run(name+"/accumulate", func(t *testing.T) {
						c := withGuard(m * n)
						copy(c, c0)
						if impl.kern == nil {
							refMatMul(c, a, b, m, n, k, true)
						} else {
							MatMulPacked(c, a, m, PackT(bt, n, k), true)
						}
						checkGemm(t, c, c0, a, b, m, n, k)
						checkGuard(t, c, m*n)
					})
					t.Run(name+"/NT", func(t *testing.T) {
						c := withGuard(m * n)
						copy(c, c0) // must be overwritten
						if impl.kern == nil {
							refMatMulNT(c, a, bt, m, n, k)
						} else {
							MatMulNT(c, a, bt, m, n, k)
						}
						checkGemm(t, c, nil, a, b, m, n, k)
						checkGuard(t, c, m*n)
					})
					t.Run(name+"/NN", func(t *testing.T) {
						c := withGuard(m * n)
						copy(c, c0)
						if impl.kern == nil {
							refMatMul(c, a, b, m, n, k, false)
						} else {
							MatMulNN(c, a, b, m, n, k)
						}
						checkGemm(t, c, nil, a, b, m, n, k)
						checkGuard(t, c, m*n)
					})
					t.Run(name+"/NNacc", func(t *testing.T) {
						c := withGuard(m * n)
						copy(c, c0)
						if impl.kern == nil {
							refMatMul(c, a, b, m, n, k, true)
						} else {
							MatMulNNAcc(c, a, b, m, n, k)
						}
						checkGemm(t, c, c0, a, b, m, n, k)
						checkGuard(t, c, m*n)
					})
					at := transpose(a, m, k) // (k, m)
					for _, acc := range []bool{false, true} {
						t.Run(fmt.Sprintf("%s/TN_acc=%v", name, acc), func(t *testing.T) {
							c := withGuard(m * n)
							copy(c, c0)
							if impl.kern == nil {
								refMatMulTN(c, at, b, m, n, k, acc)
							} else {
								MatMulTN(c, at, b, m, n, k, acc)
							}
							want0 := c0
							if !acc {
								want0 = nil
							}
							checkGemm(t, c, want0, a, b, m, n, k)
							checkGuard(t, c, m*n)
						})
					}
				}
			}
		})
	}
}

// TestGemmZeroK: with k = 0 the product is zero, or C unchanged when
// accumulating.
func TestGemmZeroK(t *testing.T) {
	for _, kn := range gemmKernels {
		t.Run(kn.name, func(t *testing.T) {
			useKernel(t, kn)
			c := []float32{1, 2, 3, 4, 5, 6}
			b := PackT(nil, 3, 0)
			MatMulPacked(c, nil, 2, b, true)
			if c[5] != 6 {
				t.Errorf("accumulate with k=0 changed C: %v", c)
			}
			MatMulPacked(c, nil, 2, b, false)
			MatMulNN(c[:3], nil, nil, 1, 3, 0)
			for i, v := range c {
				if v != 0 {
					t.Errorf("c[%d] = %v after k=0 product, want 0", i, v)
				}
			}
		})
	}
}

// detCase is one product kind for the determinism tests: run computes rows
// [i0, i0+m) of the product into c (m, n).
type detCase struct {
	name string
	run  func(c []float32, i0, m int)
}

func detCases(r *rand.Rand, a []float32, n, k int) []detCase {
	w := randFloats(r, n*k) // (n, k): Wᵀ for packed, B for NT
	b := randFloats(r, k*n) // (k, n) for NN
	bias := randFloats(r, len(a)/k*n)
	var packed *Packed // packed lazily, for the active kernel
	pack := func() *Packed {
		if packed == nil || packed.kern != activeKernel.Load() {
			packed = PackT(w, n, k)
		}
		return packed
	}
	return []detCase{
		{"packed", func(c []float32, i0, m int) { MatMulPacked(c, a[i0*k:], m, pack(), false) }},
		{"accumulate", func(c []float32, i0, m int) {
			copy(c, bias[i0*n:(i0+m)*n])
			MatMulPacked(c, a[i0*k:], m, pack(), true)
		}},
		{"NT", func(c []float32, i0, m int) { MatMulNT(c, a[i0*k:], w, m, n, k) }},
		{"NN", func(c []float32, i0, m int) { MatMulNN(c, a[i0*k:], b, m, n, k) }},
		{"NNacc", func(c []float32, i0, m int) {
			copy(c, bias[i0*n:(i0+m)*n])
			MatMulNNAcc(c, a[i0*k:], b, m, n, k)
		}},
		{"TN", func(c []float32, i0, m int) {
			// Aᵀ's rows i0.. are columns of A (k, m): transpose the slice.
			MatMulTN(c, transpose(a[i0*k:(i0+m)*k], m, k), b, m, n, k, false)
		}},
	}
}

func sameBits(x, y []float32) int {
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return i
		}
	}
	return -1
}

// TestGemmDeterminism: for every kernel and product kind, the rows of C are
// bit-identical whatever the thread count (1, 2, 3) and the number of rows
// computed together (m = 1, 7, 97, 916), and row i computed alone (m = 1)
// equals row i of the big product.
func TestGemmDeterminism(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	const M, n, k = 916, 139, 1100 // k spans several K blocks; n ends in a partial panel; NN packs B for m ≥ 48 and reads it in place below
	r := rand.New(rand.NewPCG(5, 6))
	a := randFloats(r, M*k)
	cases := detCases(r, a, n, k)
	for _, kn := range gemmKernels {
		t.Run(kn.name, func(t *testing.T) {
			useKernel(t, kn)
			for _, dc := range cases {
				t.Run(dc.name, func(t *testing.T) {
					want := make([]float32, M*n)
					useThreads(t, 1)
					dc.run(want, 0, M)
					for _, threads := range []int{1, 2, 3} {
						useThreads(t, threads)
						for _, m := range []int{1, 7, 97, 916} {
							c := make([]float32, m*n)
							dc.run(c, 0, m)
							if i := sameBits(c, want[:m*n]); i >= 0 {
								t.Errorf("threads=%d m=%d: c[%d][%d] = %v, m=%d/1 thread gives %v",
									threads, m, i/n, i%n, c[i], M, want[i])
							}
						}
						for _, i := range []int{0, 5, 11, 12, 13, 500, 911, 915} {
							c := make([]float32, n)
							dc.run(c, i, 1)
							if j := sameBits(c, want[i*n:(i+1)*n]); j >= 0 {
								t.Errorf("threads=%d: row %d alone: c[%d] = %v, in the batch %v",
									threads, i, j, c[j], want[i*n+j])
							}
						}
					}
				})
			}
		})
	}
}

// TestGemmColumnInvariance: column j of C does not depend on n either,
// although a last narrow panel may be computed by a narrower kernel.
func TestGemmColumnInvariance(t *testing.T) {
	const m, n, k = 30, 75, 300
	r := rand.New(rand.NewPCG(11, 12))
	a, w := randFloats(r, m*k), randFloats(r, n*k)
	for _, kn := range gemmKernels {
		t.Run(kn.name, func(t *testing.T) {
			useKernel(t, kn)
			want := make([]float32, m*n)
			MatMulPacked(want, a, m, PackT(w, n, k), false)
			for _, nn := range []int{1, 8, 16, 17, 33, 40, 48, 64, 74} {
				c := make([]float32, m*nn)
				MatMulPacked(c, a, m, PackT(w[:nn*k], nn, k), false)
				for i := 0; i < m; i++ {
					if j := sameBits(c[i*nn:(i+1)*nn], want[i*n:i*n+nn]); j >= 0 {
						t.Fatalf("n=%d: c[%d][%d] = %v, with n=%d %v", nn, i, j, c[i*nn+j], n, want[i*n+j])
					}
				}
			}
		})
	}
}

// TestGemmBlockingInvariance: changing the K block and the task blocks of a
// kernel does not change a bit (each element is one FMA chain over p).
func TestGemmBlockingInvariance(t *testing.T) {
	const m, n, k = 50, 70, 1000
	r := rand.New(rand.NewPCG(7, 8))
	a, w := randFloats(r, m*k), randFloats(r, n*k)
	for _, kn := range gemmKernels {
		t.Run(kn.name, func(t *testing.T) {
			useKernel(t, kn)
			b := PackT(w, n, k)
			want := make([]float32, m*n)
			MatMulPacked(want, a, m, b, false)
			for _, kc := range []int{1, 7, 64, 333, 4096} {
				alt := *kn
				alt.kc, alt.mc, alt.nc = kc, kn.mr, kn.nr
				bAlt := &Packed{K: k, N: n, data: b.data, kern: &alt}
				c := make([]float32, m*n)
				MatMulPacked(c, a, m, bAlt, false)
				if i := sameBits(c, want); i >= 0 {
					t.Errorf("kc=%d: c[%d] = %v, want %v", kc, i, c[i], want[i])
				}
			}
		})
	}
}

// TestGemmConcurrentCallers: products issued from several goroutines at
// once (as attention heads may be) share the helpers, finish, and give the
// same bits as alone.
func TestGemmConcurrentCallers(t *testing.T) {
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	useThreads(t, 3)
	const m, n, k = 97, 97, 64
	r := rand.New(rand.NewPCG(13, 14))
	a, b := randFloats(r, m*k), randFloats(r, n*k)
	want := make([]float32, m*n)
	MatMulNT(want, a, b, m, n, k)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := make([]float32, m*n)
			for range 50 {
				MatMulNT(c, a, b, m, n, k)
				if i := sameBits(c, want); i >= 0 {
					errs <- fmt.Sprintf("goroutine %d: c[%d] = %v, want %v", g, i, c[i], want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestGemmNoAllocs: once warm, products allocate nothing, on one thread or
// several.
func TestGemmNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	const m, n, k = 200, 300, 300
	r := rand.New(rand.NewPCG(9, 10))
	a, w, b := randFloats(r, m*k), randFloats(r, n*k), randFloats(r, k*n)
	c := make([]float32, m*n)
	for _, kn := range gemmKernels {
		useKernel(t, kn)
		p := PackT(w, n, k)
		for _, threads := range []int{1, 2} {
			useThreads(t, threads)
			for _, tc := range []struct {
				name string
				f    func()
			}{
				{"packed", func() { MatMulPacked(c, a, m, p, false) }},
				{"NT", func() { MatMulNT(c, a, w, m, n, k) }},
				{"NN", func() { MatMulNN(c, a, b, m, n, k) }},
				{"NN-tail", func() { MatMulNN(c, a, b, m, n-5, k) }},
				{"NNAcc", func() { MatMulNNAcc(c, a, b, m, n, k) }},
				{"TN", func() { MatMulTN(c, a, b, m, n, k, true) }}, // a read as (k, m): same size
			} {
				if allocs := testing.AllocsPerRun(20, tc.f); allocs != 0 {
					t.Errorf("%s/threads=%d/%s: %v allocations per product", kn.name, threads, tc.name, allocs)
				}
			}
		}
	}
}

// TestSetThreads: the setter returns the previous setting; ≤ 0 means
// GOMAXPROCS.
func TestSetThreads(t *testing.T) {
	prev := SetThreads(3)
	defer SetThreads(prev)
	if got := Threads(); got != 3 {
		t.Errorf("Threads() = %d after SetThreads(3)", got)
	}
	if got := SetThreads(-1); got != 3 {
		t.Errorf("SetThreads returned %d, want 3", got)
	}
	if got := SetThreads(0); got != 0 {
		t.Errorf("SetThreads returned %d, want 0 (default)", got)
	}
}

func TestKernelName(t *testing.T) {
	names := map[string]bool{"avx512": true, "avx2": true, "go": true}
	if !names[Kernel()] {
		t.Errorf("Kernel() = %q", Kernel())
	}
	if last := gemmKernels[len(gemmKernels)-1]; last != kernelGo {
		t.Errorf("last kernel is %q, want the pure-Go one", last.name)
	}
	t.Logf("kernel %s; available: %d", Kernel(), len(gemmKernels))
}

func TestSetKernel(t *testing.T) {
	prev := Kernel()
	defer SetKernel(prev)
	for _, name := range Kernels() {
		if err := SetKernel(name); err != nil || Kernel() != name {
			t.Errorf("SetKernel(%q) = %v, Kernel() = %q", name, err, Kernel())
		}
		if p := PackT(make([]float32, 6), 2, 3); p.kern.name != name {
			t.Errorf("PackT under %q packed for %q", name, p.kern.name)
		}
	}
	if err := SetKernel("sse9"); err == nil {
		t.Error("SetKernel(sse9) succeeded")
	}
}
