package optim

import (
	"runtime"
	"sync"
)

// minSplit is the fewest elements worth giving another goroutine.
const minSplit = 1 << 15

// forRanges calls f on consecutive ranges [lo, hi) covering [0, n), on up
// to GOMAXPROCS goroutines when n is large. The updates are element-wise,
// so the split changes no result.
func forRanges(n int, f func(lo, hi int)) {
	parts := min(runtime.GOMAXPROCS(0), n/minSplit)
	if parts <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(p*n/parts, (p+1)*n/parts)
		}()
	}
	f(0, n/parts)
	wg.Wait()
}
