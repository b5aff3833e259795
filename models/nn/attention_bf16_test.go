package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// bf16AttnTol bounds |ForwardTiledBF16 − Forward| relative to the largest
// |Forward| output. bf16 keeps 8 significant bits (relative rounding 2^-9)
// and Q, K, P and V are each rounded once; a score s moves by about
// |s|·2^-8, so peaked softmaxes (large scores) move most. Measured worst:
// 2.1e-2 over the small shapes of TestAttentionTiledBF16 (inputs ×3, wide
// scores), 3.1e-3 at T = 916 with 8 heads of 64 and unit inputs
// (TestAttentionTiledBF16ARC); both tests log it.
const bf16AttnTol = 4e-2

// TestAttentionTiledBF16: every chain bf16 kernel gives the same bits; the output
// is within bf16AttnTol of the float32 attention, at lengths below, at and
// across the tiles, odd ones included.
func TestAttentionTiledBF16(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	worst := 0.0
	defer func() { t.Logf("worst relative difference from Forward %.3g", worst) }()
	for _, T := range []int{1, 5, 97, 256, 300, 531} {
		a := attentionPreset(r, T, 32, 2, 16)
		const B = 2
		x := randSlice(r, B*T*a.Hidden, 3)
		want := make([]float32, len(x))
		a.Forward(want, x, B, T, &Arena{})
		var first []float32
		for _, kn := range bf16Kernels {
			useBF16Kernel(t, kn)
			got := make([]float32, len(x))
			a.ForwardTiledBF16(got, x, B, T, &Arena{})
			if !kn.chain {
				// its own bits; held below to the float32 output like the others
			} else if first == nil {
				first = got
			} else if i := sameBitsNaN(got, first); i >= 0 {
				t.Fatalf("T=%d: %s out[%d] = %v, the first chain kernel %v", T, kn.name, i, got[i], first[i])
			}
			n := T * a.Hidden
			for b := 0; b < B; b++ {
				d := maxRelDiff(got[b*n:(b+1)*n], want[b*n:(b+1)*n])
				worst = max(worst, d)
				if !(d <= bf16AttnTol) {
					t.Errorf("%s/T=%d/b=%d: relative difference %.3g > %.3g", kn.name, T, b, d, bf16AttnTol)
				}
			}
		}
	}
}

// TestAttentionTiledBF16ARC: the Maze/ARC shape (T = 916, hidden 512,
// 8 heads of 64); logs the measured difference from Forward.
func TestAttentionTiledBF16ARC(t *testing.T) {
	checkTiledARC(t, "bf16 tiled", (*Attention).ForwardTiledBF16, 63, bf16AttnTol)
}

// TestAttentionTiledBF16Determinism: same bits on 1, 2 and 3 threads and
// whatever the batch a sequence is computed in.
func TestAttentionTiledBF16Determinism(t *testing.T) {
	checkTiledDeterminism(t, (*Attention).ForwardTiledBF16, 65, 2)
}

// BenchmarkAttentionTiledBF16: the head stage of Forward (float32) against
// the bf16 tiled kernel at the Maze/ARC shape, batch 1 and 4, 1 and 2
// threads, alternately in one loop; x_forward is Forward's time over the
// bf16 one's.
//
//	go test -run '^$' -bench AttentionTiledBF16 -benchtime 10x ./models/nn
func BenchmarkAttentionTiledBF16(b *testing.B) {
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
				a.HeadsTiledBF16(out, qkv, B, T, ar)
				var s side2
				for b.Loop() {
					s.run(threads,
						func() { a.eachHead(headsForward, out, qkv, nil, B, T, ar) },
						func() { a.HeadsTiledBF16(out, qkv, B, T, ar) })
				}
				flops := float64(B*heads) * 4 * T * T * hd
				b.ReportMetric(flops*float64(b.N)/s.wall[1]/1e9, "bf16_GFLOP/s")
				b.ReportMetric(flops*float64(b.N)/s.wall[0]/1e9, "forward_GFLOP/s")
				s.report(b, "x_forward")
			})
		}
	}
}
