package hrm

import (
	"slices"
	"testing"

	"arceval/internal/parity"
	"arceval/models/nn"
)

// StepOptions.MaxSteps beyond halt_max_steps continues the carry of the
// shared ACT wrapper: step by step the bits of the same weights configured
// with the larger depth; without it the step after the depth starts over.
func TestMaxStepsContinuesTheCarry(t *testing.T) {
	c := smallConfig()
	c.HaltMaxSteps = 2
	tensors := InitTensors(c, 5)
	trained, err := Load(c, tensors)
	if err != nil {
		t.Fatal(err)
	}
	deep := c
	deep.HaltMaxSteps = 4
	reference, err := Load(deep, tensors)
	if err != nil {
		t.Fatal(err)
	}
	const B, steps = 2, 4
	b := parity.FixedBatch(c.SeqLen, c.VocabSize, 3, B)
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
	if restarted := run(trained, StepOptions{}); !slices.Equal(restarted[2], restarted[0]) {
		t.Error("without MaxSteps the third step does not restart from the initial carry")
	}
	if slices.Equal(got[2], got[0]) {
		t.Error("with MaxSteps the third step equals the first: the carry did not go on")
	}
}
