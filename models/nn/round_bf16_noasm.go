//go:build !amd64 || purego

package nn

// asmRoundKernels: no assembly rounding kernels in this build.
func asmRoundKernels() []*bf16Round { return nil }
