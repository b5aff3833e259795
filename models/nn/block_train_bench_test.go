package nn

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkBlockTrain times one training forward and backward of a Sudoku
// TRM-MLP block (B = 16, T = 97, hidden 512, mlp_t inner 512, MLP inner
// 1536) with weight gradients, as a training step runs it 14 times, and
// reports the arena's peak (MB) and GFLOP/s over the real work (forward,
// recomputed mixer gate_up, backward).
func BenchmarkBlockTrain(b *testing.B) {
	const B, T, D, it, inter = 16, 97, 512, 512, 1536
	r := rand.New(rand.NewPCG(1, 2))
	k := &Block{Eps: 1e-5,
		MixT: NewSwiGLU(randSlice(r, 2*it*T, 0.1), randSlice(r, T*it, 0.05), T, it),
		MLP:  NewSwiGLU(randSlice(r, 2*inter*D, 0.05), randSlice(r, D*inter, 0.03), D, inter)}
	lins := []*Linear{k.MixT.GateUp, k.MixT.Down, k.MLP.GateUp, k.MLP.Down}
	for _, l := range lins {
		l.AllocGrad()
	}
	h0 := randSlice(r, B*T*D, 1)
	h, dh := make([]float32, len(h0)), make([]float32, len(h0))
	ar := &Arena{}
	var st BlockState
	step := func() {
		ar.Reset()
		copy(h, h0)
		for _, l := range lins {
			l.BeginGradT()
		}
		k.ForwardTrain(h, B, T, &st, ar)
		for i := range dh {
			dh[i] = 1e-3 * float32(i%7-3)
		}
		k.Backward(dh, B, T, &st, ar)
		for _, l := range lins {
			l.EndGradT()
		}
	}
	step()
	b.ResetTimer()
	for range b.N {
		step()
	}
	// Products: forward 2·rows·in·out each; backward twice that; the
	// mixer's gate_up once more (recomputed).
	mix := 2.0 * B * D * (T*2*it + it*T)
	mlp := 2.0 * B * T * (D*2*inter + inter*D)
	flops := 3*(mix+mlp) + 2.0*B*D*T*2*it
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(float64(ar.Peak())*4/1e6, "arenaMB")
}
