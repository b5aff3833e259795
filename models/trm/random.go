package trm

import (
	"math"
	"math/rand/v2"

	"arceval/models/nn"
)

// RandomTensors returns weights of the right shapes for c, drawn from a
// seeded normal distribution with LeCun scale (std 1/√fan_in), H_init/L_init
// with std 1, the Q head as officially initialised (weight 0, bias −5) and a
// puzzle table of c.NumPuzzleIdentifiers rows. For benchmarks and tests:
// the numbers are meaningless, the shapes and the work are real.
func RandomTensors(c Config, seed uint64) TensorMap {
	rng := rand.New(rand.NewPCG(seed, 0x7452_4d))
	m := TensorMap{}
	for _, s := range expectedWeights(c) {
		n := 1
		for _, d := range s.shape {
			n *= d
		}
		data := make([]float32, n)
		std := 1.0
		if len(s.shape) == 2 {
			std = 1 / math.Sqrt(float64(s.shape[1]))
		}
		switch s.name {
		case "q_head.weight":
			std = 0
		case "q_head.bias":
			for i := range data {
				data[i] = -5
			}
			std = 0
		case "puzzle_emb.weights":
			std = 0.02
		}
		if std > 0 {
			for i := range data {
				data[i] = float32(rng.NormFloat64() * std)
			}
		}
		m[s.name] = MapTensor{Shape: s.shape, Data: data}
	}
	return m
}

// FLOPsPerStep counts the floating-point operations (multiply-add = 2) of
// one supervision step for one puzzle, the way the PyTorch speed anchor
// (shared/tools/torch_trm_bench.py) counts them: 2·T·(block parameters) per
// block application, plus 4·T²·D per attention layer, over H_cycles·(L_cycles+1)
// applications of the L_layers blocks; the heads are left out.
func (c Config) FLOPsPerStep() float64 {
	T, D := float64(c.Positions()), float64(c.HiddenSize)
	inter := float64(nn.SwiGLUInter(c.HiddenSize, c.Expansion))
	perBlock := 2 * T * (3 * D * inter) // SwiGLU: gate_up (2·inter·D) + down (inter·D)
	if c.MLPT {
		it := float64(nn.SwiGLUInter(c.Positions(), c.Expansion))
		perBlock += 2 * D * (3 * T * it)
	} else {
		perBlock += 2*T*(4*D*D) + 4*T*T*D
	}
	return float64(c.HCycles*(c.LCycles+1)*c.LLayers) * perBlock
}
