package trm

import (
	"testing"

	"arceval/internal/parity"
)

// TestTrainParity runs the training steps of every TRM fixture with a train
// section from its state_dict and batch: step 1 from the initial carry, step
// 2 from step 1's carry with the weights after the official optimiser update
// (NAME.train1.after). Losses, q_halt, halting and every gradient
// (NAME.trainK.grad) are compared with the official values within the
// fixture's tolerances, llm.c style (parity.Fixture.RunTrain).
func TestTrainParity(t *testing.T) {
	for _, f := range parity.Trained(t, Kind) {
		t.Run(f.Name(), func(t *testing.T) {
			cfg := parity.Config(t, f, ParseConfig)
			m, err := LoadTrainable(cfg, parity.Open(t, OpenTensors, f.Path+".state_dict"))
			if err != nil {
				t.Fatal(err)
			}
			f.RunTrain(t, m)
		})
	}
}
