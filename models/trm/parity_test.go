package trm

import (
	"testing"

	"arceval/internal/parity"
	"arceval/models/nn"
)

// TestParity runs every TRM fixture's batch through its evaluation steps and
// compares halting, q_halt/q_continue, logits, confident argmaxes and z_H
// (where recorded) with the official PyTorch outputs, within each step's
// stored tolerances (steps marked parity=false only check the loop).
func TestParity(t *testing.T) {
	parity.EvalSuite(t, Kind, func(t *testing.T, f *parity.Fixture) parity.Step {
		cfg := parity.Config(t, f, ParseConfig)
		parity.SkipFull(t, cfg.HiddenSize)
		m, err := Load(cfg, parity.Open(t, OpenTensors, f.Path+".state_dict"))
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
