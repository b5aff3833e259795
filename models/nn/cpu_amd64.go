//go:build amd64 && !purego

package nn

// fmaPeakZMM runs n iterations of 16 independent 16-lane FMAs (gemm_amd64.s).
//
//go:noescape
func fmaPeakZMM(n int)

// fmaPeakYMM runs n iterations of 14 independent 8-lane FMAs (gemm_amd64.s).
//
//go:noescape
func fmaPeakYMM(n int)

// fmaPeakLoop returns the peak loop for the kernel in use and the float32
// operations one iteration does.
func fmaPeakLoop() (loop func(n int), flopsPerIter float64) {
	switch activeKernel.Load() {
	case kernelAVX512:
		return fmaPeakZMM, 16 * 16 * 2
	case kernelAVX2:
		return fmaPeakYMM, 14 * 8 * 2
	}
	return fmaPeakGo, fmaPeakGoFlops
}
