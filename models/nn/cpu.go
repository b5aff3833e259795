package nn

import (
	"sync"
	"time"
)

// PeakGFLOPS measures the machine's float32 multiply-add peak in GFLOP/s for
// the instruction set of the kernel in use (Kernel): threads goroutines
// (≤ 0: Threads()) each run a loop of independent multiply-adds with no
// memory traffic (FMAs on ZMM or YMM registers, or scalar Go multiply-adds
// for the "go" kernel). It takes about 0.1 s: eight runs of about 10 ms, of
// which the fastest counts, since on a shared machine the others include the
// neighbours' share. GEMM benchmarks and `arceval bench` report speed as a
// share of it.
func PeakGFLOPS(threads int) float64 {
	if threads <= 0 {
		threads = Threads()
	}
	loop, flops := fmaPeakLoop()
	return measurePeak(loop, flops, threads)
}

// measurePeak times loop (flops float32 operations an iteration) on threads
// goroutines (≤ 0: Threads()) as PeakGFLOPS describes, in GFLOP/s.
func measurePeak(loop func(n int), flops float64, threads int) float64 {
	if threads <= 0 {
		threads = Threads()
	}
	// Size one run to about 10 ms per goroutine from a short probe.
	n := 1 << 12
	for {
		t := time.Now()
		loop(n)
		if d := time.Since(t); d > time.Millisecond {
			n = int(float64(n) * float64(10*time.Millisecond) / float64(d))
			break
		}
		n *= 4
	}
	best := 0.0
	for range 8 {
		var wg sync.WaitGroup
		t := time.Now()
		for range threads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				loop(n)
			}()
		}
		wg.Wait()
		best = max(best, float64(threads)*float64(n)*flops/time.Since(t).Seconds()/1e9)
	}
	return best
}

// fmaPeakGoFlops is the float32 operations of one fmaPeakGo iteration.
const fmaPeakGoFlops = 8 * 2

// fmaPeakGo runs n iterations of 8 independent scalar multiply-adds.
func fmaPeakGo(n int) {
	s0, s1, s2, s3, s4, s5, s6, s7 := float32(0), float32(1), float32(2), float32(3), float32(4), float32(5), float32(6), float32(7)
	x, y := float32(0.999), float32(1e-3)
	for range n {
		s0 = s0*x + y
		s1 = s1*x + y
		s2 = s2*x + y
		s3 = s3*x + y
		s4 = s4*x + y
		s5 = s5*x + y
		s6 = s6*x + y
		s7 = s7*x + y
	}
	peakSink = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7
}

// peakSink keeps fmaPeakGo's result alive.
var peakSink float32
