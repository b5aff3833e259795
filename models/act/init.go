package act

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"

	"arceval/models/nn"
	"arceval/models/tensors"
)

// InitTensors returns freshly initialised tensors of a layout, as the
// official constructors make them (InitTensor, tensor by tensor; the
// initial states in their Spec's dtype): the weights `arceval train` starts
// from and `arceval init` writes. The same seed gives the same tensors.
func InitTensors(specs []tensors.Spec, seed uint64) tensors.Map {
	m := tensors.Map{}
	for _, s := range specs {
		m[s.Name] = InitTensor(s.Name, s.Shape, seed, s.Dtype)
	}
	return m
}

// InitTensor initialises one tensor of an official TRM, HRM or transformer
// baseline (they share layers.py and the constructor's special cases), by its
// state-dict name without prefix:
//
//   - "puzzle_emb.weights": zeros (CastedSparseEmbedding with init_std=0:
//     TRM trm.py L134-137, transformers_baseline.py L140-147, HRM
//     hrm_act_v1.py L117-120).
//   - "q_head.weight": zeros and "q_head.bias": −5, so that sigmoid(q_halt)
//     starts near 0.0067 (trm.py L156-160, hrm_act_v1.py L140-144).
//   - "H_init", "L_init" (any 1-D "…_init" state): TruncNormal σ=1 in the
//     buffer's dtype, which is the config's forward_dtype (torch.empty(…,
//     dtype=self.forward_dtype): trm.py L152-154, transformers_baseline.py
//     L172-175, hrm_act_v1.py L137-138): rounded to bfloat16 when it is
//     bfloat16 (or unset: the official default, trm.py L58), kept float32
//     otherwise. (A float16 buffer would hold float16 values; no official
//     config uses float16, and the values stay float32 here.)
//   - "….embedding_weight" (embed_tokens, embed_pos) of shape (rows, hidden):
//     TruncNormal σ = embed_init_std = 1/√hidden (trm.py L126-129 and L145,
//     layers.py CastedEmbedding L63-75).
//   - other "….weight" of shape (out, in) (CastedLinear: attention, SwiGLU,
//     the mlp_t token mixer, lm_head): TruncNormal σ = 1/√in, LeCun
//     (layers.py L44-53); "….bias": zeros (layers.py L54-57).
//
// Each tensor draws from its own stream, seeded by (seed, name): its values
// do not depend on which other tensors exist or how large they are (a bigger
// puzzle table or an extra layer leaves the rest unchanged). The official code
// draws from torch's global generator, so the numbers differ from a PyTorch
// run's; their distribution is the same. A name outside these rules is a
// programming error (the specs come from this module) and panics.
func InitTensor(name string, shape []int, seed uint64, forwardDtype string) tensors.Tensor {
	n := 1
	for _, d := range shape {
		n *= d
	}
	data := make([]float32, n)
	t := tensors.Tensor{Shape: shape, Data: data}
	base := name[strings.LastIndexByte(name, '.')+1:]
	switch {
	case name == "puzzle_emb.weights", name == "q_head.weight", base == "bias" && name != "q_head.bias":
		// zeros
	case name == "q_head.bias":
		for i := range data {
			data[i] = -5
		}
	case strings.HasSuffix(name, "_init") && len(shape) == 1:
		nn.TruncNormal(data, 1, tensorRNG(seed, name))
		if BFloat16Buffers(forwardDtype) {
			for i, v := range data {
				data[i] = nn.RoundBF16(v)
			}
		}
	case (base == "embedding_weight" || base == "weight") && len(shape) == 2:
		nn.TruncNormal(data, 1/math.Sqrt(float64(shape[1])), tensorRNG(seed, name))
	default:
		panic(fmt.Sprintf("act.InitTensor: no official initialisation for tensor %q of shape %v", name, shape))
	}
	return t
}

// BFloat16Buffers reports whether a model of this forward_dtype creates its
// initial-state buffers (H_init, L_init) in bfloat16: "bfloat16", or "" for
// a config that leaves the official default.
func BFloat16Buffers(forwardDtype string) bool {
	return forwardDtype == "" || forwardDtype == "bfloat16"
}

// tensorRNG is the random stream of one tensor: PCG seeded by the root seed
// and the FNV-1a hash of the tensor's name.
func tensorRNG(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}
