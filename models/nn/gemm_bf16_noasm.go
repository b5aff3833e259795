//go:build !amd64 || purego

package nn

// asmBF16Kernels: no assembly bf16 kernels in this build.
func asmBF16Kernels() []*bf16Kernel { return nil }

// bf16Why says why there is no assembly bf16 kernel.
func bf16Why() string { return "a purego build or a non-amd64 architecture" }
