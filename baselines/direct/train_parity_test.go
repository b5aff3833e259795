package direct

import (
	"testing"

	"arceval/internal/parity"
)

// TestTrainParity runs the training steps of every transformer-baseline
// fixture with a train section: step 1 from the saved weights and the
// initial carry, step 2 from step 1's detached carry with the weights after
// the official optimiser update. Losses (q_continue_loss is 0: no Q-learning
// target), q_halt, halting on q_halt > q_continue and every gradient are
// compared with the official values within the fixture's tolerances.
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
