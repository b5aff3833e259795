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

// checkPastDepth checks StepOptions.MaxSteps beyond halt_max_steps (test-time
// compute): the first halt_max_steps steps are the bits of a run without it,
// and the carry goes on after them — where a run without it starts over
// (its next step repeats the first), the run with it does not.
func checkPastDepth(t *testing.T, m models.Model) {
	t.Helper()
	info := m.Info()
	h := info.MaxSteps
	b := batchFor(info, 2)
	steps := func(opt models.StepOptions) [][]float32 {
		run, out := m.NewRun(len(b.PuzzleIDs)), models.NewStepOutput(info, len(b.PuzzleIDs))
		var per [][]float32
		for range h + 1 {
			if err := run.Step(b, out, opt); err != nil {
				t.Fatal(err)
			}
			per = append(per, slices.Concat(out.Logits, out.QHalt, out.QContinue))
		}
		return per
	}
	plain, deep := steps(models.StepOptions{}), steps(models.StepOptions{MaxSteps: h + 2})
	for k := range h {
		if !slices.Equal(plain[k], deep[k]) {
			t.Errorf("step %d of %d: MaxSteps %d changed the outputs", k+1, h, h+2)
		}
	}
	if slices.Equal(plain[h], plain[0]) && slices.Equal(deep[h], deep[0]) {
		t.Errorf("step %d with MaxSteps %d repeats the first step: the carry did not go on", h+1, h+2)
	}
}
