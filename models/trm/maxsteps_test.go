package trm

import (
	"slices"
	"testing"

	"arceval/internal/parity"
	"arceval/models/nn"
)

// StepOptions.MaxSteps beyond halt_max_steps continues the recursion: a model
// trained for 2 steps run for 5 gives, step by step, the bits of the same
// weights configured with halt_max_steps 5 (the carry goes on); without it
// the third step starts over from the initial carry (the first step's
// outputs). MaxSteps at or below the depth changes nothing.
func TestMaxStepsContinuesTheCarry(t *testing.T) {
	c := DefaultConfig()
	c.SeqLen, c.VocabSize, c.HiddenSize, c.NumHeads, c.Expansion = 16, 11, 16, 2, 2
	c.LLayers, c.HCycles, c.LCycles, c.HaltMaxSteps = 1, 2, 1, 2
	c.PuzzleEmbNdim, c.PuzzleEmbLen, c.NumPuzzleIdentifiers, c.PosEncodings = 16, 1, 3, "rope"
	tensors := InitTensors(c, 11)
	trained, err := Load(c, tensors)
	if err != nil {
		t.Fatal(err)
	}
	deep := c
	deep.HaltMaxSteps = 5
	reference, err := Load(deep, tensors)
	if err != nil {
		t.Fatal(err)
	}
	const B, steps = 3, 5
	b := parity.FixedBatch(c.SeqLen, c.VocabSize, c.NumPuzzleIdentifiers, B)
	run := func(m *Model, opt StepOptions) [][]float32 {
		s, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
		var per [][]float32
		for range steps {
			if err := m.Step(s, b, out, opt, ar); err != nil {
				t.Fatal(err)
			}
			per = append(per, append(slices.Clone(out.Logits), out.QHalt...))
		}
		return per
	}
	want := run(reference, StepOptions{})
	got := run(trained, StepOptions{MaxSteps: steps})
	for k := range steps {
		if !slices.Equal(got[k], want[k]) {
			t.Errorf("step %d with MaxSteps %d differs from the model configured with halt_max_steps %d", k+1, steps, steps)
		}
	}
	restarted := run(trained, StepOptions{})
	if !slices.Equal(restarted[2], restarted[0]) {
		t.Error("without MaxSteps the third step does not restart from the initial carry")
	}
	if slices.Equal(got[2], got[0]) {
		t.Error("with MaxSteps the third step equals the first: the carry did not go on")
	}
	for _, m := range []int{1, 2} {
		same := run(trained, StepOptions{MaxSteps: m})
		for k := range m {
			if !slices.Equal(same[k], restarted[k]) {
				t.Errorf("MaxSteps %d: step %d differs from the model's own depth", m, k+1)
			}
		}
	}
}
