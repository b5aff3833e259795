package optim_test

import (
	"fmt"
	"log"

	"arceval/models/optim"
)

// TRM's schedule: 2000 warm-up steps, then constant (lr_min_ratio 1).
func ExampleSchedule() {
	s := optim.Schedule{BaseLR: 1e-4, WarmupSteps: 2000, TotalSteps: 65104, MinRatio: 1}
	for _, step := range []int{1, 1000, 2000, 65104, 65105} {
		fmt.Printf("step %5d: lr %.3g, update %v\n", step, s.LR(step), s.Updates(step))
	}
	// Output:
	// step     1: lr 5e-08, update true
	// step  1000: lr 5e-05, update true
	// step  2000: lr 0.0001, update true
	// step 65104: lr 0.0001, update true
	// step 65105: lr 0.0001, update false
}

// One training step as pretrain.py takes it: the schedule gives both
// learning rates, Adam-atan2 updates the parameters, sparse SignSGD the
// puzzle-embedding rows of the batch, and the EMA follows the weights.
func Example() {
	params := []optim.Param{{Name: "w", Shape: []int{3}, W: []float32{1, 1, 1}}}
	table := []float32{0, 0, 0, 0} // 2 puzzle ids, d = 2
	ema, err := optim.NewEMA(optim.DefaultEMARate, params)
	if err != nil {
		log.Fatal(err)
	}
	adam, err := optim.NewAdam(optim.AdamConfig{Rule: optim.ATan2, Beta1: 0.9, Beta2: 0.95, WeightDecay: 0.1})
	if err != nil {
		log.Fatal(err)
	}
	sgd := optim.SparseSignSGD{WeightDecay: 0.1}
	lr := optim.Schedule{BaseLR: 1e-3, TotalSteps: 100, MinRatio: 1}
	embLR := optim.Schedule{BaseLR: 1e-2, TotalSteps: 100, MinRatio: 1}

	step := 1
	params[0].G = []float32{1e-6, -50, 0} // from the backward pass
	embGrad, ids := []float32{0.3, -0.1}, []int32{1}
	if err := adam.Step(params, lr.LR(step)); err != nil {
		log.Fatal(err)
	}
	if err := sgd.Step(table, 2, embGrad, ids, embLR.LR(step)); err != nil {
		log.Fatal(err)
	}
	if err := ema.Update(params); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("weights %.6f\n", params[0].W)
	fmt.Printf("table   %.3f\n", table)
	fmt.Printf("ema     %.6f\n", ema.Shadow("w"))
	// Output:
	// weights [0.998903 1.000897 0.999900]
	// table   [0.000 0.000 -0.010 0.010]
	// ema     [0.999999 1.000001 1.000000]
}
