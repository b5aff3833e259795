//go:build !amd64 || purego

package nn

// asmVecKernels: no assembly vector kernels in this build.
func asmVecKernels() []*vecKernel { return nil }
