package hrm

import (
	"math"
	"testing"

	"arceval/internal/parity"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// TestParity runs every HRM fixture's batch through its evaluation steps and
// compares halting, q_halt/q_continue, logits, confident argmaxes and z_H
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

// TestTargetQContinue checks HRM's training halting rule (HaltOnQ) and
// Q-learning target against the first training step of the fixtures
// (computed, like evaluation step 1, on the saved weights; halting
// exploration is off).
func TestTargetQContinue(t *testing.T) {
	for _, f := range parity.Discover(t, Kind) {
		if len(f.Train.Steps) == 0 || f.Train.Steps[0].TargetQContinue == nil {
			continue
		}
		t.Run(f.Name(), func(t *testing.T) {
			cfg := parity.Config(t, f, ParseConfig)
			src := openTensors(t, f.Path+".state_dict")
			m, err := Load(cfg, src)
			if err != nil {
				t.Fatal(err)
			}
			B := len(f.Inputs)
			// HaltOnQ is the training halting rule (exploration is off).
			state, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
			if err := m.Step(state, f.Batch(), out, StepOptions{HaltOnQ: true}, ar); err != nil {
				t.Fatal(err)
			}
			zH := append([]float32(nil), state.ZH...)
			target := make([]float32, B)
			if err := m.TargetQContinue(state, target, ar); err != nil {
				t.Fatal(err)
			}
			ref := f.Train.Steps[0]
			// The extra forward is evaluation step 2's computation; its
			// tolerance applies (sigmoid only shrinks differences).
			atol := f.Eval(2).Tolerance.QAtol
			d := 0.0
			for r := range target {
				d = math.Max(d, math.Abs(float64(target[r])-ref.TargetQContinue[r]))
				if state.Halted[r] != ref.Halted[r] || state.Steps[r] != ref.Steps[r] {
					t.Errorf("row %d: halted %v after %d steps, reference %v after %d", r, state.Halted[r], state.Steps[r], ref.Halted[r], ref.Steps[r])
				}
			}
			if d > atol {
				t.Errorf("target_q_continue maxdiff %.3g > %.3g", d, atol)
			}
			for i := range zH {
				if zH[i] != state.ZH[i] {
					t.Fatal("TargetQContinue changed the carry")
				}
			}
			t.Logf("OK target_q_continue maxdiff %.3g (atol %.3g)", d, atol)
		})
	}
}

// openTensors opens a checkpoint for the duration of the test.
func openTensors(t *testing.T, path string) *tensors.File {
	return parity.Open(t, tensors.Open, path)
}
