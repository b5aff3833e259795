//go:build !amd64 || purego

package nn

// asmKernels: no assembly kernels in this build; the pure-Go kernel is used.
func asmKernels() []*gemmKernel { return nil }
