package act

import (
	"math"
	"math/rand/v2"
	"strings"

	"arceval/models/trm"
)

// RandomTensors returns tensors of the shapes of specs, drawn from a seeded
// normal distribution: LeCun scale (std 1/√fan_in) for matrices, std 1 for
// the initial states, the Q head as officially initialised (weight 0, bias
// −5) and std 0.02 for the puzzle table. For tests and benchmarks: the
// numbers are meaningless, the shapes and the work are real.
func RandomTensors(specs []Spec, seed uint64) trm.TensorMap {
	rng := rand.New(rand.NewPCG(seed, 0x6872_6d))
	m := trm.TensorMap{}
	for _, s := range specs {
		data := make([]float32, s.Elements())
		std := 1.0
		if len(s.Shape) == 2 {
			std = 1 / math.Sqrt(float64(s.Shape[1]))
		}
		switch {
		case s.Name == "q_head.weight":
			std = 0
		case s.Name == "q_head.bias":
			for i := range data {
				data[i] = -5
			}
			std = 0
		case s.Name == "puzzle_emb.weights":
			std = 0.02
		case strings.HasSuffix(s.Name, "_init"):
			std = 1
		}
		if std > 0 {
			for i := range data {
				data[i] = float32(rng.NormFloat64() * std)
			}
		}
		m[s.Name] = trm.MapTensor{Shape: s.Shape, Data: data}
	}
	return m
}
