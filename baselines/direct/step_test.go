package direct

import (
	"slices"
	"testing"

	"arceval/models"
	"arceval/models/nn"
)

// smallConfig is a quick random-weight baseline for tests and examples.
func smallConfig() Config {
	c := DefaultConfig()
	c.SeqLen, c.VocabSize, c.HiddenSize, c.NumHeads, c.Expansion = 6, 5, 24, 3, 2
	c.HCycles, c.HLayers, c.HaltMaxSteps, c.PosEncodings = 1, 2, 4, "rope"
	c.PuzzleEmbNdim, c.NumPuzzleIdentifiers = 24, 4
	return c
}

func smallBatch(c Config, B, seed int) models.Batch {
	b := models.Batch{Inputs: make([]int32, B*c.SeqLen), PuzzleIDs: make([]int32, B)}
	for i := range b.Inputs {
		b.Inputs[i] = int32((i*i + seed*i + seed) % c.VocabSize)
	}
	for i := range b.PuzzleIDs {
		b.PuzzleIDs[i] = int32((i + seed) % c.NumPuzzleIdentifiers)
	}
	return b
}

// With act_inference (or HaltOnQ) rows halt when q_halt > q_continue;
// otherwise every row runs halt_max_steps steps.
func TestActInference(t *testing.T) {
	cfg := smallConfig()
	w := InitTensors(cfg, 2)
	w["q_head.bias"].Data[0], w["q_head.bias"].Data[1] = 1, -1 // q_halt > q_continue everywhere
	for _, tc := range []struct {
		name    string
		actInf  bool
		haltOnQ bool
		done    bool
	}{
		{"evaluation", false, false, false},
		{"act_inference", true, false, true},
		{"HaltOnQ", false, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			c.ActInference = tc.actInf
			m, err := Load(c, w)
			if err != nil {
				t.Fatal(err)
			}
			s, out := m.NewState(2), m.NewStepOutput(2)
			if err := m.Step(s, smallBatch(c, 2, 1), out, models.StepOptions{HaltOnQ: tc.haltOnQ}, &nn.Arena{}); err != nil {
				t.Fatal(err)
			}
			if s.Done[0] != tc.done || s.Done[1] != tc.done || s.Halted[0] != tc.done {
				t.Errorf("done %v halted %v, want %v", s.Done, s.Halted, tc.done)
			}
		})
	}
}

// Direct pred: one supervision step per puzzle — every row halts after its
// step and the next Step starts afresh on the next batch.
func TestDirectPred(t *testing.T) {
	cfg := smallConfig().DirectPred()
	m, err := Load(cfg, InitTensors(cfg, 3))
	if err != nil {
		t.Fatal(err)
	}
	a, b := smallBatch(cfg, 3, 1), smallBatch(cfg, 3, 2)
	s, out, ar := m.NewState(3), m.NewStepOutput(3), &nn.Arena{}
	for _, batch := range []models.Batch{a, b} {
		if err := m.Step(s, batch, out, models.StepOptions{}, ar); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(s.Halted, []bool{true, true, true}) || !slices.Equal(s.Steps, []int{1, 1, 1}) {
			t.Fatalf("halted %v steps %v after one step", s.Halted, s.Steps)
		}
	}
	fresh, freshOut := m.NewState(3), m.NewStepOutput(3)
	if err := m.Step(fresh, b, freshOut, models.StepOptions{}, ar); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(out.Logits, freshOut.Logits) {
		t.Error("the second batch's outputs depend on the first")
	}
}
