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
package nn
