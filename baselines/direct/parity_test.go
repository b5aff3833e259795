package direct

import (
	"testing"

	"arceval/internal/parity"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// TestParity runs every transformer-baseline fixture's batch through its
// evaluation steps and compares halting, q_halt/q_continue, logits, confident argmaxes and z_H
// with the official PyTorch outputs, within each step's stored tolerances
// (steps marked parity=false only check the loop).
func TestParity(t *testing.T) {
	parity.EvalSuite(t, Kind, func(t *testing.T, f *parity.Fixture) parity.Step {
		cfg := parity.Config(t, f, ParseConfig)
		parity.SkipFull(t, cfg.HiddenSize)
		m, err := Load(cfg, openTensors(t, f.Path+".state_dict"))
		if err != nil {
			t.Fatal(err)
		}
		B := len(f.Inputs)
		state, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
		return func(b Batch) (parity.Result, error) {
			err := m.Step(state, b, out, StepOptions{}, ar)
			return parity.Result{Out: out, Halted: state.Halted, ZH: state.ZH}, err
		}
	})
}

// TestTrainingHalt checks the official training halting rule (HaltOnQ:
// q_halt > q_continue; exploration is off in the fixtures) against the first
// training step, which runs on the saved weights.
func TestTrainingHalt(t *testing.T) {
	for _, f := range parity.Discover(t, Kind) {
		if len(f.Train.Steps) == 0 {
			continue
		}
		t.Run(f.Name(), func(t *testing.T) {
			cfg := parity.Config(t, f, ParseConfig)
			m, err := Load(cfg, openTensors(t, f.Path+".state_dict"))
			if err != nil {
				t.Fatal(err)
			}
			B := len(f.Inputs)
			state, out := m.NewState(B), m.NewStepOutput(B)
			if err := m.Step(state, f.Batch(), out, StepOptions{HaltOnQ: cfg.ActEnabled}, &nn.Arena{}); err != nil {
				t.Fatal(err)
			}
			ref := f.Train.Steps[0]
			for r := 0; r < B; r++ {
				if state.Halted[r] != ref.Halted[r] || state.Steps[r] != ref.Steps[r] {
					t.Errorf("row %d: halted %v after %d steps, reference %v after %d", r, state.Halted[r], state.Steps[r], ref.Halted[r], ref.Steps[r])
				}
			}
		})
	}
}

// openTensors opens a checkpoint for the duration of the test.
func openTensors(t *testing.T, path string) *tensors.File {
	return parity.Open(t, tensors.Open, path)
}
