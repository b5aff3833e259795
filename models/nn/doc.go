// Package nn holds arceval's float32 kernels and layers: GEMM, RMSNorm
// without weight, rotate-half RoPE, non-causal multi-head attention with the
// official fused QKV layout, SwiGLU, the mlp_t token mixer, embeddings,
// softmax, SiLU, sigmoid and argmax, and the training losses (stablemax and
// softmax cross-entropy, BCE with logits).
//
// Tensors are plain row-major []float32 slices; every function states the
// shapes it expects, llm.c style ("x is (rows, in)"). Temporaries come from an
// Arena so that a forward pass allocates nothing once warmed up. Results are
// reduced in a fixed order, so they do not depend on GOMAXPROCS or on how
// many rows are processed together.
//
// Training, llm.c style: each layer has a Backward beside its Forward
// (linear_backward.go, rmsnorm_backward.go, …). Layers whose backward pass
// needs activations have a ForwardTrain twin that gives Forward's bits and
// keeps them in a caller-held state struct (SwiGLUState, AttentionState,
// BlockState) allocated from the Arena; Backward turns the gradient with
// respect to the output into the gradient with respect to the input and adds
// the weight gradients to Linear.Grad. Param and SparseParam are the
// parameters as optimisers see them.
//
// Kernels beside the float32 default path, for the model to opt into (none
// changes a bit of the default path):
//
//   - gemm_bf16.go: the bf16 GEMM (PackTBF16, MatMulPackedBF16): inputs
//     rounded to bfloat16 as torch does, float32 accumulation with
//     AVX512-BF16's VDPBF16PS, a pure-Go twin with the same bits, and on
//     CPUs with AMX-BF16 an AMX kernel (gemm_bf16_amx_amd64.go: TDPBF16PS,
//     its own last-place rounding, within the chain's error bound);
//     BF16Accelerated says whether the CPU runs it natively.
//   - attention_tiled.go: Attention.ForwardTiled, per-head tiles with an
//     online softmax, no T×T matrix (within 4e-6 of Forward).
//   - gemm_swiglu.go: MatMulSwiGLU, the SwiGLU gate fused into the gate_up
//     GEMM; epilogue.go: AddRMSNorm and SwiGLUGate (same bits as unfused).
//   - pool.go: the persistent helper pool that GEMMs and attention heads
//     share.
package nn
