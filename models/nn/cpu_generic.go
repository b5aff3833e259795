//go:build !amd64 || purego

package nn

// fmaPeakLoop returns the peak loop for the pure-Go kernel and the float32
// operations one iteration does.
func fmaPeakLoop() (loop func(n int), flopsPerIter float64) {
	return fmaPeakGo, fmaPeakGoFlops
}
