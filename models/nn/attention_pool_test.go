package nn

import (
	"math/rand/v2"
	"runtime/metrics"
	"testing"
)

// goroutinesCreated is the number of goroutines the program has started.
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// testAttention is an attention layer with random weights (hidden 32,
// 4 heads of 8, RoPE over T positions).
func testAttention(r *rand.Rand, T int) *Attention {
	const hidden, heads, hd = 32, 4, 8
	w := heads * hd
	return NewAttention(randSlice(r, 3*w*hidden, 1/float64(hidden)), randSlice(r, hidden*w, 1/float64(w)),
		hidden, heads, hd, NewRoPE(T, hd, 10000))
}

// TestAttentionHeadPool: once warm, the heads of Forward and Backward run
// on the persistent pool (no goroutine is started per call), and the
// output has the same bits on 1, 2 and 3 threads.
func TestAttentionHeadPool(t *testing.T) {
	const B, T = 3, 19
	r := rand.New(rand.NewPCG(21, 22))
	a := testAttention(r, T)
	a.QKV.AllocGrad()
	a.O.AllocGrad()
	n := B * T * a.Hidden
	x, dy := randSlice(r, n, 1), randSlice(r, n, 1)
	ar := &Arena{}
	run := func() ([]float32, []float32) {
		y, dx := make([]float32, n), make([]float32, n)
		var st AttentionState
		a.ForwardTrain(y, x, B, T, &st, ar)
		a.Backward(dx, dy, B, T, &st, false, ar)
		ar.Reset()
		return y, dx
	}
	useThreads(t, 1)
	y1, dx1 := run()
	for _, threads := range []int{2, 3} {
		useThreads(t, threads)
		run() // warm: the pool starts its helpers
		before := goroutinesCreated()
		for range 3 {
			y, dx := run()
			if i := sameBits(y, y1); i >= 0 {
				t.Fatalf("threads=%d: y[%d] = %v, one thread %v", threads, i, y[i], y1[i])
			}
			if i := sameBits(dx, dx1); i >= 0 {
				t.Fatalf("threads=%d: dx[%d] = %v, one thread %v", threads, i, dx[i], dx1[i])
			}
		}
		if d := goroutinesCreated() - before; d != 0 {
			t.Errorf("threads=%d: %d goroutines started by 3 warm forward+backward passes, want 0", threads, d)
		}
	}
}
