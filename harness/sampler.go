package harness

import "math/rand/v2"

// sampler walks a training set as the official sampler does (trm-spec
// §2.6): epoch e visits every group once in a random order, taking one
// random member per group and that member's examples in random order. The
// order of epoch e depends only on (seed, e), so the position (Epoch,
// Offset) is all a checkpoint needs. Unlike the official sampler, batches run
// on across epoch boundaries instead of dropping an incomplete last batch.
type sampler struct {
	data   TrainData
	seed   uint64
	Epoch  int // current epoch
	Offset int // examples of the current epoch already taken
	list   []Example
	listOf int // epoch whose examples list holds (−1: none)
}

func newSampler(data TrainData, seed uint64) *sampler {
	return &sampler{data: data, seed: seed, listOf: -1}
}

// epochExamples lists the examples of epoch e in order.
func (s *sampler) epochExamples(e int) []Example {
	rng := rand.New(rand.NewPCG(s.seed, 0x5a4d50_0000+uint64(e)))
	var list []Example
	for _, g := range rng.Perm(s.data.Groups()) {
		ex := s.data.Draw(g, rng)
		rng.Shuffle(len(ex), func(i, j int) { ex[i], ex[j] = ex[j], ex[i] })
		list = append(list, ex...)
	}
	return list
}

// next returns the next n examples.
func (s *sampler) next(n int) []Example {
	out := make([]Example, 0, n)
	for len(out) < n {
		if s.listOf != s.Epoch {
			s.list, s.listOf = s.epochExamples(s.Epoch), s.Epoch
		}
		if s.Offset >= len(s.list) {
			s.Epoch++
			s.Offset = 0
			continue
		}
		k := min(n-len(out), len(s.list)-s.Offset)
		out = append(out, s.list[s.Offset:s.Offset+k]...)
		s.Offset += k
	}
	return out
}
