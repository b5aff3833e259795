package hrm

import (
	"testing"

	"arceval/internal/parity"
)

// TestTrainParity runs the training steps of every HRM fixture with a train
// section: step 1 from the saved weights and the initial carry, step 2 from
// step 1's detached carry with the weights after the official optimiser
// update. Losses (including q_continue_loss), q_halt, halting,
// target_q_continue and every gradient of the 1-step gradient are compared
// with the official values within the fixture's tolerances.
func TestTrainParity(t *testing.T) {
	for _, f := range parity.Trained(t, Kind) {
		t.Run(f.Name(), func(t *testing.T) {
			cfg := parity.Config(t, f, ParseConfig)
			m, err := LoadTrainable(cfg, openTensors(t, f.Path+".state_dict"))
			if err != nil {
				t.Fatal(err)
			}
			f.RunTrain(t, m)
		})
	}
}
