package parity

import (
	"testing"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/tensors"
)

// Variant is a small configuration of a family for the conformance suite:
// a few positions, a small vocabulary and hidden size, a puzzle table of a
// few rows, several supervision steps.
type Variant struct {
	Name   string
	Config models.Config
}

// Conformance is the one suite every model family passes, as gonum's
// testblas runs against every BLAS implementation: for each variant, the
// official initialisation (InitProperties), the evaluation step
// (EvalProperties: the per-row reference, independence of batch and
// threads, allocations, validate-before-mutate, lazy puzzle rows,
// non-finite weights, native files) and the training step
// (TrainProperties), and the bf16 evaluation precision (BF16Properties). A family's test is one line:
//
//	func TestConformance(t *testing.T) { parity.Conformance(t, Family, variants()...) }
//
// The parity fixtures are checked by FixtureParity.
func Conformance(t *testing.T, f models.Family, variants ...Variant) {
	t.Helper()
	if len(variants) == 0 {
		t.Fatal("no variants")
	}
	for _, v := range variants {
		t.Run(v.Name, func(t *testing.T) {
			if err := v.Config.Validate(); err != nil {
				t.Fatal(err)
			}
			if v.Config.Kind() == "" {
				t.Fatal("the config has no kind")
			}
			t.Run("init", func(t *testing.T) { InitProperties(t, v.Config) })
			t.Run("evaluation", func(t *testing.T) { EvalProperties(t, f, v.Config) })
			t.Run("training", func(t *testing.T) { TrainProperties(t, f, v.Config) })
			t.Run("bfloat16", func(t *testing.T) { BF16Properties(t, f, v.Config) })
		})
	}
}

// core is a model's ACT core (act.Model), which every family's model
// embeds.
func core(t *testing.T, m models.Model) *act.Model {
	t.Helper()
	c, ok := m.(interface{ Core() *act.Model })
	if !ok {
		t.Fatalf("%T is not built on the ACT core (no Core method)", m)
	}
	return c.Core()
}

// RandomWeights are a config's official initial tensors from seed
// (act.InitTensors) with the Q head and the puzzle table randomized
// (RandomizeHeads), so that every path carries gradient and rows differ in
// their Q values.
func RandomWeights(c models.Config, seed uint64) tensors.Map {
	w := act.InitTensors(c.Specs(), seed)
	RandomizeHeads(w, seed)
	return w
}

// hidden is the hidden size of a layout (the token embedding's width).
func hidden(specs []tensors.Spec) int {
	for _, s := range specs {
		if s.Name == "embed_tokens.embedding_weight" {
			return s.Shape[1]
		}
	}
	return 0
}

// batchFor is a deterministic batch of B rows for a model (FixedBatch).
func batchFor(info models.Info, B int) models.Batch {
	return FixedBatch(info.SeqLen, info.Vocab, info.PuzzleIDs, B)
}
