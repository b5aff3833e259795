package parity

import (
	"slices"
	"testing"

	"arceval/models"
)

// FixedBatch is a deterministic evaluation batch of B rows for a model of
// seqLen tokens from vocab and puzzles puzzle identifiers (0: none).
func FixedBatch(seqLen, vocab, puzzles, B int) models.Batch {
	b := models.Batch{Inputs: make([]int32, B*seqLen), PuzzleIDs: make([]int32, B)}
	for i := range b.Inputs {
		b.Inputs[i] = int32((i*i + 3*i) % vocab)
	}
	for i := range b.PuzzleIDs {
		b.PuzzleIDs[i] = int32(i % max(puzzles, 1))
	}
	return b
}

// RunOutputs runs b on a new run of m for n supervision steps and returns
// the last step's logits, q_halt and q_continue, one after the other.
func RunOutputs(t *testing.T, m models.Model, b models.Batch, n int) []float32 {
	t.Helper()
	run, out := m.NewRun(len(b.PuzzleIDs)), models.NewStepOutput(m.Info(), len(b.PuzzleIDs))
	for i := 0; i < n; i++ {
		if err := run.Step(b, out, models.StepOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return slices.Concat(out.Logits, out.QHalt, out.QContinue)
}

// CheckStepAllocs checks that a supervision step allocates nothing after
// the first: step runs one on a fixed carry and reset, called before each
// later step, clears the carry's halting so that every row keeps running.
// It skips the test under the race detector.
func CheckStepAllocs(t *testing.T, step func() error, reset func()) {
	t.Helper()
	if RaceEnabled {
		t.Skip("allocation counts are meaningless under the race detector")
	}
	if err := step(); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(5, func() {
		reset()
		if err := step(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 0 {
		t.Errorf("%.0f allocations per step", allocs)
	}
}
