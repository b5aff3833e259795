// Package nn holds arceval's float32 kernels and layers: GEMM, RMSNorm
// without weight, rotate-half RoPE, non-causal multi-head attention with the
// official fused QKV layout, SwiGLU, the mlp_t token mixer, softmax, SiLU,
// sigmoid and argmax.
//
// Tensors are plain row-major []float32 slices; every function states the
// shapes it expects, llm.c style ("x is (rows, in)"). Temporaries come from an
// Arena so that a forward pass allocates nothing once warmed up. Results are
// reduced in a fixed order, so they do not depend on GOMAXPROCS or on how
// many rows are processed together.
package nn
