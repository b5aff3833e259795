//go:build !linux

package nn

// threadCPUSeconds falls back to the wall clock where there is no
// per-thread CPU clock.
func threadCPUSeconds() float64 { return nowSeconds() }
