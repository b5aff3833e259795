package harness

import (
	"fmt"
	"math/rand/v2"
)

// sampler fills global batches as the official loader does (TRM
// puzzle_dataset.py at e7b68717: _iter_train L201-L237, _sample_batch
// L16-L40; trm-spec §2.6):
//
//   - an iteration is epochsPerIter epochs; epoch e visits every group once,
//     in a random order that depends only on (seed, e), and the iteration's
//     group order is the concatenation of its epochs' orders (L209), so
//     batches run on across epochs inside an iteration;
//   - for each group in turn, one member puzzle is picked uniformly (L25)
//     and its examples are taken in random order; when they overflow the
//     batch, the puzzle is cut: the examples that fit are taken (a random
//     subset, as np.random.choice without replacement, L36) and the rest are
//     dropped, and the next batch starts with the next group;
//   - the incomplete last batch of an iteration is dropped (L225-L227).
//
// Officially an iteration is eval_interval epochs (pretrain.py L564-L569);
// our evaluation interval is in steps, so the iteration length is a recipe
// field of its own (TrainConfig.EpochsPerIter). The draws for the group at
// position i of epoch e come from a stream seeded by (seed, e, i), so a
// batch always starts at a group boundary and the position (Epoch, Offset)
// is all a checkpoint needs. Only the distribution matches the official
// loader, not its Philox stream.
type sampler struct {
	data          TrainData
	seed          uint64
	epochsPerIter int
	Epoch         int // current epoch
	Offset        int // groups of the current epoch's order already taken
	order         []int
	orderOf       int // epoch whose order is held (−1: none)
}

func newSampler(data TrainData, seed uint64, epochsPerIter int) *sampler {
	return &sampler{data: data, seed: seed, epochsPerIter: epochsPerIter, orderOf: -1}
}

// epochOrder returns the group order of epoch e.
func (s *sampler) epochOrder(e int) []int {
	if s.orderOf != e {
		rng := rand.New(rand.NewPCG(s.seed, 0x5a4d50_0000+uint64(e)))
		s.order, s.orderOf = rng.Perm(s.data.Groups()), e
	}
	return s.order
}

// groupRNG is the stream of the draws for the group at position i of epoch e:
// its member, then the order of that member's examples.
func (s *sampler) groupRNG(e, i int) *rand.Rand {
	return rand.New(rand.NewPCG(s.seed^0x6772_6f75_7000_0000, uint64(e)<<32|uint64(uint32(i))))
}

// next returns the next full batch of n examples.
func (s *sampler) next(n int) ([]Example, error) {
	out := make([]Example, 0, n)
	startEpoch, startOffset := s.Epoch, s.Offset
	groups := s.data.Groups()
	for len(out) < n {
		if s.Offset == groups {
			s.Epoch++
			s.Offset = 0
			if s.Epoch%s.epochsPerIter == 0 { // the iteration ends: drop its incomplete last batch
				if startOffset == 0 && startEpoch%s.epochsPerIter == 0 && startEpoch == s.Epoch-s.epochsPerIter {
					return nil, fmt.Errorf("train: an iteration (%d epochs of %d groups) holds fewer than %d examples; lower the batch or raise the epochs per iteration", s.epochsPerIter, groups, n)
				}
				out = out[:0]
				startEpoch, startOffset = s.Epoch, 0
			}
			continue
		}
		g := s.epochOrder(s.Epoch)[s.Offset]
		rng := s.groupRNG(s.Epoch, s.Offset)
		ex := s.data.Puzzle(g, rng.IntN(s.data.Members(g)))
		rng.Shuffle(len(ex), func(i, j int) { ex[i], ex[j] = ex[j], ex[i] })
		out = append(out, ex[:min(len(ex), n-len(out))]...)
		s.Offset++
	}
	return out, nil
}
