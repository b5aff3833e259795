package harness

import (
	"cmp"
	"crypto/sha256"
	"slices"

	"arceval/tasks"
)

// gridKey identifies a predicted grid: sha256 over its shape and cells (the
// official evaluator's hash, kept binary).
type gridKey [32]byte

func keyOf(g tasks.Grid) gridKey {
	h := sha256.New()
	h.Write([]byte{byte(g.H), byte(g.W)})
	h.Write(g.Cells)
	var k gridKey
	h.Sum(k[:0])
	return k
}

// vote is one view's prediction: the inverse-transformed grid's key and the
// view's sigmoid(q_halt); bad marks a prediction from NaN outputs, which
// does not vote.
type vote struct {
	key gridKey
	q   float64
	bad bool
}

// candidate is one distinct answer with its vote count and summed q.
type candidate struct {
	key   gridKey
	count int
	sumQ  float64
	first int // index of the first view that proposed it (stable ties)
}

func (c candidate) meanQ() float64 { return c.sumQ / float64(c.count) }

// rank orders the distinct answers of a test input as the official ARC
// evaluator does: by vote count, then mean sigmoid(q_halt), both descending;
// remaining ties keep the order in which the views first proposed them.
// Predictions from NaN outputs are no candidates.
func rank(votes []vote) []candidate {
	index := map[gridKey]int{}
	var cands []candidate
	for i, v := range votes {
		if v.bad {
			continue
		}
		j, ok := index[v.key]
		if !ok {
			j = len(cands)
			index[v.key] = j
			cands = append(cands, candidate{key: v.key, first: i})
		}
		cands[j].count++
		cands[j].sumQ += v.q
	}
	slices.SortStableFunc(cands, func(a, b candidate) int {
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		if c := cmp.Compare(b.meanQ(), a.meanQ()); c != 0 {
			return c
		}
		return cmp.Compare(a.first, b.first)
	})
	return cands
}

// position returns the 1-based rank of key among the candidates, 0 if absent.
func position(cands []candidate, key gridKey) int {
	for i, c := range cands {
		if c.key == key {
			return i + 1
		}
	}
	return 0
}
