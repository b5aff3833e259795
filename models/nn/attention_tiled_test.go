package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// tiledTol bounds |ForwardTiled − Forward| per output element, relative to
// the largest |Forward| output of the sequence. Measured worst: 5.2e-7 over
// the small shapes of TestAttentionTiledConformance, 1.3e-6 at T = 916 with
// 8 heads of 64 (TestAttentionTiledARC); both tests log it. That is a few
// float32 ulps of the output scale.
const tiledTol = 4e-6

// attentionPreset builds attention with the Maze/ARC shapes (hidden 512,
// 8 heads of 64, RoPE) or a small one, with random weights.
func attentionPreset(r *rand.Rand, T, hidden, heads, hd int) *Attention {
	w := heads * hd
	return NewAttention(randSlice(r, 3*w*hidden, 1/math.Sqrt(float64(hidden))), randSlice(r, hidden*w, 1/math.Sqrt(float64(w))),
		hidden, heads, hd, NewRoPE(T, hd, 10000))
}

// maxRelDiff is max |x−y| over max |y|.
func maxRelDiff(x, y []float32) float64 {
	var d, mag float64
	for i := range y {
		d = max(d, math.Abs(float64(x[i])-float64(y[i])))
		mag = max(mag, math.Abs(float64(y[i])))
	}
	return d / mag
}

// TestAttentionTiledConformance: the tiled kernel agrees with Forward within
// tiledTol, for every GEMM and vector kernel, at lengths that are below,
// at and across the tile sizes (96 queries, 256 keys), with scores spread
// wide enough (×3) that the running maxima change between key blocks.
func TestAttentionTiledConformance(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	worst := 0.0
	defer func() { t.Logf("worst relative difference %.3g", worst) }()
	for _, kn := range gemmKernels {
		forEachVecKernel(t, func(t *testing.T, vk *vecKernel) {
			useKernel(t, kn)
			for _, T := range []int{1, 5, 96, 97, 256, 300, 530} {
				a := attentionPreset(r, T, 32, 2, 16)
				const B = 2
				x := randSlice(r, B*T*a.Hidden, 3)
				want, got := make([]float32, len(x)), make([]float32, len(x))
				a.Forward(want, x, B, T, &Arena{})
				a.ForwardTiled(got, x, B, T, &Arena{})
				for b := 0; b < B; b++ {
					n := T * a.Hidden
					d := maxRelDiff(got[b*n:(b+1)*n], want[b*n:(b+1)*n])
					worst = max(worst, d)
					if !(d <= tiledTol) {
						t.Errorf("%s/%s/T=%d/b=%d: relative difference %.3g > %.3g", kn.name, vk.name, T, b, d, tiledTol)
					}
				}
			}
		})
	}
}

// TestAttentionTiledARC: the Maze/ARC shape (T = 916, hidden 512, 8 heads
// of 64), default kernels; logs the measured difference from Forward.
func TestAttentionTiledARC(t *testing.T) {
	checkTiledARC(t, "tiled", (*Attention).ForwardTiled, 43, tiledTol)
}

// TestAttentionTiledDeterminism: the tiled output of a sequence has the same
// bits on 1, 2 and 3 threads and whatever the batch it is computed in.
func TestAttentionTiledDeterminism(t *testing.T) {
	checkTiledDeterminism(t, (*Attention).ForwardTiled, 45, 1)
}

// attnForward is a whole-attention forward: ForwardTiled or ForwardTiledBF16.
type attnForward func(a *Attention, out, x []float32, B, T int, ar *Arena)

// checkTiledARC compares fwd with Forward at the Maze/ARC shape (T = 916,
// hidden 512, 8 heads of 64), seeded by (seed, seed+1); it logs the
// difference and fails above tol.
func checkTiledARC(t *testing.T, name string, fwd attnForward, seed uint64, tol float64) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the T = 916 attention takes about a second")
	}
	const T = 916
	r := rand.New(rand.NewPCG(seed, seed+1))
	a := attentionPreset(r, T, 512, 8, 64)
	x := randSlice(r, T*512, 1)
	want, got := make([]float32, len(x)), make([]float32, len(x))
	a.Forward(want, x, 1, T, &Arena{})
	fwd(a, got, x, 1, T, &Arena{})
	d := maxRelDiff(got, want)
	t.Logf("T=916 hidden 512 8×64: max |%s − Forward| = %.3g of max |Forward|", name, d)
	if !(d <= tol) {
		t.Errorf("relative difference %.3g > %.3g", d, tol)
	}
}

// checkTiledDeterminism: fwd gives sequence seq of a batch of 3 (T = 300)
// the same bits on 1, 2 and 3 threads as it gives it alone on 1 thread.
func checkTiledDeterminism(t *testing.T, fwd attnForward, seed uint64, seq int) {
	t.Helper()
	defer func(v float64) { minParallelFlops = v }(minParallelFlops)
	minParallelFlops = 0
	const T = 300
	r := rand.New(rand.NewPCG(seed, seed+1))
	a := attentionPreset(r, T, 32, 2, 16)
	n := T * a.Hidden
	x := randSlice(r, 3*n, 2)
	useThreads(t, 1)
	alone := make([]float32, n)
	fwd(a, alone, x[seq*n:(seq+1)*n], 1, T, &Arena{})
	for _, threads := range []int{1, 2, 3} {
		useThreads(t, threads)
		out := make([]float32, 3*n)
		fwd(a, out, x, 3, T, &Arena{})
		if i := sameBits(out[seq*n:(seq+1)*n], alone); i >= 0 {
			t.Errorf("threads=%d: sequence %d of 3, out[%d] = %v, alone %v", threads, seq, i, out[seq*n+i], alone[i])
		}
	}
}

// TestOnlineSoftmax: every vector kernel's online-softmax tile gives the Go
// twin's bits, and the twin the right values.
func TestOnlineSoftmax(t *testing.T) {
	r := rand.New(rand.NewPCG(47, 48))
	const scale = 0.125
	for _, n := range []int{1, 15, 16, 17, 63, 64, 65, 148, 256} {
		const rows = 5
		x0 := randSlice(r, rows*n, 5)
		mprev := []float32{float32(math.Inf(-1)), -3, 0, 20, 1}
		want := append([]float32(nil), x0...)
		wm, ws := make([]float32, rows), make([]float32, rows)
		onlineSoftmaxGo(want, rows, n, scale, mprev, wm, ws)
		for i := 0; i < rows; i++ {
			mx := float64(mprev[i])
			for _, v := range x0[i*n : (i+1)*n] {
				mx = max(mx, float64(v*scale))
			}
			var s float64
			for j, v := range x0[i*n : (i+1)*n] {
				arg := float64(v*scale) - mx
				e := math.Exp(arg)
				s += e
				// exp32 is within 1 ulp; the float32 subtraction adds up to
				// 2^-24·|arg| to the argument.
				if d := math.Abs(float64(want[i*n+j]) - e); d > (1.2e-7+6e-8*math.Abs(arg))*e {
					t.Fatalf("n=%d row %d: e[%d] = %v, want %v", n, i, j, want[i*n+j], e)
				}
			}
			if float64(wm[i]) != mx || math.Abs(float64(ws[i])-s) > 1e-5*s {
				t.Fatalf("n=%d row %d: Go twin m=%v sum=%v, want %v %v", n, i, wm[i], ws[i], mx, s)
			}
		}
		forEachVecKernel(t, func(t *testing.T, vk *vecKernel) {
			got := append([]float32(nil), x0...)
			gm, gs := make([]float32, rows), make([]float32, rows)
			vk.onlineSoftmax(got, rows, n, scale, mprev, gm, gs)
			if sameBits(gm, wm) >= 0 || sameBits(gs, ws) >= 0 || sameBits(got, want) >= 0 {
				t.Fatalf("n=%d: m=%v sum=%v, Go twin %v %v", n, gm, gs, wm, ws)
			}
		})
	}
}

// BenchmarkAttentionTiled: the head stage (everything between the QKV and
// O projections, which both paths share) of Forward against the tiled
// kernel, at the Maze/ARC shape (T = 916, 8 heads of 64) for batch 1 and 4,
// on 1 and 2 threads, run alternately in one loop so that both see the same
// machine load; x_forward is Forward's time over the tiled one's
// (x_forward_cpu: CPU times, one thread).
//
//	go test -run '^$' -bench AttentionTiled -benchtime 10x ./models/nn
func BenchmarkAttentionTiled(b *testing.B) {
	const T, hidden, heads, hd = 916, 512, 8, 64
	r := rand.New(rand.NewPCG(1, 1))
	a := attentionPreset(r, T, hidden, heads, hd)
	for _, B := range []int{1, 4} {
		qkv := randSlice(r, B*T*3*heads*hd, 1)
		out := make([]float32, B*T*heads*hd)
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("T%d/B%d/t%d", T, B, threads), func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				ar := &Arena{}
				a.eachHead(headsForward, out, qkv, nil, B, T, ar)
				a.eachHead(headsTiled, out, qkv, nil, B, T, ar)
				var s side2
				for b.Loop() {
					s.run(threads,
						func() { a.eachHead(headsForward, out, qkv, nil, B, T, ar) },
						func() { a.eachHead(headsTiled, out, qkv, nil, B, T, ar) })
				}
				flops := float64(B*heads) * 4 * T * T * hd // QKᵀ and PV
				b.ReportMetric(flops*float64(b.N)/s.wall[1]/1e9, "tiled_GFLOP/s")
				b.ReportMetric(flops*float64(b.N)/s.wall[0]/1e9, "forward_GFLOP/s")
				s.report(b, "x_forward")
			})
		}
	}
}
