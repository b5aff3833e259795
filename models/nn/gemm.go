package nn

import (
	"fmt"
	"runtime"
	"sync/atomic"
)

// Packed is a weight matrix B (k × n) prepared once for repeated products
// C = A·B. Linear layers keep their PyTorch weight W (out × in) packed as
// B = Wᵀ (k = in, n = out). The layout is private to the GEMM kernels: the
// kernel in use when it was packed (see Kernel) splits B into column panels
// as wide as its register tile, each stored K-major and zero padded.
type Packed struct {
	K, N int
	data []float32   // kernel-specific layout of B
	kern *gemmKernel // the kernel whose layout data has
	// derived are other packings of the same weight (a fused SwiGLU's
	// regrouped gate_up): Repack refreshes them too, so an optimiser that
	// repacks a Linear keeps every copy current.
	derived []repacker
}

// repacker is a packing that Repack refreshes from the row-major weight.
type repacker interface{ Repack(w []float32) }

// PackT packs B = Wᵀ from a row-major W of shape (n, k), the PyTorch Linear
// layout (out, in).
func PackT(w []float32, n, k int) *Packed {
	if len(w) != n*k {
		panic(fmt.Sprintf("nn.PackT: len(w) = %d, want %d×%d", len(w), n, k))
	}
	return packT(w, n, k)
}

// Repack refreshes p in place from w (n, k), the same layout PackT took,
// keeping the kernel p was packed for; for weights an optimiser changed.
// The panels are split over the GEMM threads (repack.go).
func (p *Packed) Repack(w []float32) {
	if len(w) != p.N*p.K {
		panic(fmt.Sprintf("nn.Packed.Repack: len(w) = %d, want %d×%d", len(w), p.N, p.K))
	}
	k := p.K
	packRowsParallel(p.data, p.N, k, p.kern, func(j int) []float32 { return w[j*k : (j+1)*k] })
	for _, d := range p.derived {
		d.Repack(w)
	}
}

// MatMulPacked computes C = A·B for A (m, k) row-major and packed B (k, n),
// writing C (m, n) row-major; with accumulate, C += A·B.
func MatMulPacked(c, a []float32, m int, b *Packed, accumulate bool) {
	if len(a) < m*b.K || len(c) < m*b.N {
		panic(fmt.Sprintf("nn.MatMulPacked: a %d / c %d values for m=%d, k=%d, n=%d", len(a), len(c), m, b.K, b.N))
	}
	if b.kern == nil {
		panic("nn.MatMulPacked: B was not made by PackT")
	}
	matMulPacked(c, a, m, b, accumulate)
}

// MatMulNT computes C (m, n) = A (m, k) · Bᵀ for row-major A and B (n, k):
// c[i][j] = Σ_p a[i][p]·b[j][p]. Attention scores use it (Q·Kᵀ).
func MatMulNT(c, a, b []float32, m, n, k int) {
	if len(a) < m*k || len(b) < n*k || len(c) < m*n {
		panic(fmt.Sprintf("nn.MatMulNT: a %d, b %d, c %d values for m=%d n=%d k=%d", len(a), len(b), len(c), m, n, k))
	}
	matMulNT(c, a, b, m, n, k)
}

// MatMulNN computes C (m, n) = A (m, k) · B (k, n), all row-major:
// c[i][j] = Σ_p a[i][p]·b[p][j]. Attention's weighted values use it (P·V).
func MatMulNN(c, a, b []float32, m, n, k int) {
	if len(a) < m*k || len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("nn.MatMulNN: a %d, b %d, c %d values for m=%d n=%d k=%d", len(a), len(b), len(c), m, n, k))
	}
	matMulNN(c, a, b, m, n, k, false)
}

// MatMulNNAcc computes C (m, n) += A (m, k) · B (k, n), all row-major.
// Backward passes use it to add an input gradient dY·W into a residual's
// gradient.
func MatMulNNAcc(c, a, b []float32, m, n, k int) {
	if len(a) < m*k || len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("nn.MatMulNNAcc: a %d, b %d, c %d values for m=%d n=%d k=%d", len(a), len(b), len(c), m, n, k))
	}
	matMulNN(c, a, b, m, n, k, true)
}

// MatMulTN computes C (m, n) = Aᵀ · B for row-major A (k, m) and B (k, n):
// c[i][j] = Σ_p a[p][i]·b[p][j]; with accumulate, C += Aᵀ·B. Weight
// gradients use it: dW (out, in) += dYᵀ·X for dY (rows, out), X (rows, in).
// A is transposed into a scratch buffer first, then multiplied like
// MatMulNN, so each element is one multiply-add chain in increasing p.
func MatMulTN(c, a, b []float32, m, n, k int, accumulate bool) {
	if len(a) < k*m || len(b) < k*n || len(c) < m*n {
		panic(fmt.Sprintf("nn.MatMulTN: a %d, b %d, c %d values for m=%d n=%d k=%d", len(a), len(b), len(c), m, n, k))
	}
	matMulTN(c, a, b, m, n, k, accumulate)
}

// Kernel names the GEMM micro-kernel in use: "avx512" (6×64 tile, AVX-512F),
// "avx2" (6×16 tile, AVX2+FMA) or "go" (pure Go, 4×8 tile; purego builds,
// other architectures and older x86). Run records carry it as provenance:
// products are bit-identical for a given kernel, whatever the threads or
// batch size; different kernels round differently.
func Kernel() string { return activeKernel.Load().name }

// Kernels lists the kernels this build can run on this CPU, fastest first
// (the default); "go" is always last.
func Kernels() []string {
	names := make([]string, len(gemmKernels))
	for i, kn := range gemmKernels {
		names[i] = kn.name
	}
	return names
}

// SetKernel selects a kernel from Kernels, e.g. to reproduce on an AVX-512
// machine the bits of a run made with "avx2", or to compare kernels. Weights
// keep the kernel they were packed for (MatMulPacked uses it), so select
// before packing; MatMulNT and MatMulNN use the kernel selected when called.
func SetKernel(name string) error {
	for _, kn := range gemmKernels {
		if kn.name == name {
			activeKernel.Store(kn)
			return nil
		}
	}
	return fmt.Errorf("nn.SetKernel: no kernel %q on this machine (have %v)", name, Kernels())
}

var gemmThreads atomic.Int64 // 0: GOMAXPROCS

// SetThreads sets how many goroutines one product may use (the caller and
// up to n-1 helpers); n ≤ 0 restores the default, GOMAXPROCS. It returns the
// previous setting (0 for the default), so
//
//	defer nn.SetThreads(nn.SetThreads(1))
//
// runs a section single-threaded. Results do not depend on it. When other
// processes keep the cores busy, fewer threads can be faster: a helper that
// the OS deschedules holds up the whole product.
func SetThreads(n int) int {
	return int(gemmThreads.Swap(int64(max(n, 0))))
}

// Threads returns how many goroutines a product may use now.
func Threads() int {
	if n := gemmThreads.Load(); n > 0 {
		return int(n)
	}
	return runtime.GOMAXPROCS(0)
}
