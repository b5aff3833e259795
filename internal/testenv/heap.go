package testenv

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// heapMetric is the Go heap's bytes in objects, live or dead but not yet
// swept: a large allocation stays counted until a collection frees it, so
// sampling sees it even when it is short-lived.
const heapMetric = "/memory/classes/heap/objects:bytes"

func heapBytes(s []metrics.Sample) uint64 {
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// HeapPeak runs f and returns how far the Go heap grew above its level
// before f (after a collection), sampled every 100 µs from another
// goroutine while f runs and once after it. It measures what a reader
// holds, to check that hostile input is refused in bounded memory.
func HeapPeak(f func()) uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: heapMetric}}
	base := heapBytes(s)
	var (
		mu   sync.Mutex
		peak = base
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	note := func(v uint64) {
		mu.Lock()
		peak = max(peak, v)
		mu.Unlock()
	}
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: heapMetric}}
		tick := time.NewTicker(100 * time.Microsecond)
		defer tick.Stop()
		for {
			note(heapBytes(s))
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	note(heapBytes(s))
	close(stop)
	<-done
	return peak - base
}

// MaxHeap runs f and fails t when the heap grew by more than limit bytes
// while it ran; what names the input in the message.
func MaxHeap(t testing.TB, limit uint64, what string, f func()) {
	t.Helper()
	if peak := HeapPeak(f); peak > limit {
		t.Errorf("%s: the heap grew by %d MB, more than the %d MB allowed", what, peak>>20, limit>>20)
	} else {
		t.Logf("%s: peak heap growth %.1f MB", what, float64(peak)/(1<<20))
	}
}
