package parity

import (
	"math/rand/v2"

	"arceval/models"
	"arceval/models/nn"
)

// RandomizeHeads fills the Q head's weight and the puzzle table of src (a
// model's random tensors, when it has them) with N(0, 0.3²) values from
// seed: the official initialisation (InitTensors) zeros them, and a
// training test wants every path to carry gradient.
func RandomizeHeads(src map[string]models.Tensor, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 1))
	for _, name := range []string{"q_head.weight", "puzzle_emb.weights"} {
		if w, ok := src[name]; ok {
			for i := range w.Data {
				w.Data[i] = float32(r.NormFloat64() * 0.3)
			}
		}
	}
}

// RandomTrainBatch is a random training batch of B rows for a model of
// seqLen tokens from vocab and puzzles puzzle identifiers (0: none), with
// about a quarter of the labels ignored; the same seed gives the same batch.
func RandomTrainBatch(seqLen, vocab, puzzles, B int, seed uint64) models.TrainBatch {
	r := rand.New(rand.NewPCG(seed, 2))
	b := models.TrainBatch{Inputs: make([]int32, B*seqLen), Labels: make([]int32, B*seqLen), PuzzleIDs: make([]int32, B)}
	for i := range b.Inputs {
		b.Inputs[i] = int32(r.IntN(vocab))
		b.Labels[i] = int32(r.IntN(vocab))
		if r.IntN(4) == 0 {
			b.Labels[i] = nn.IgnoreLabel
		}
	}
	for i := range b.PuzzleIDs {
		b.PuzzleIDs[i] = int32(r.IntN(max(puzzles, 1)))
	}
	return b
}
