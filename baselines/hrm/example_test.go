package hrm_test

import (
	"fmt"
	"math"

	"arceval/baselines/hrm"
	"arceval/models"
	"arceval/models/nn"
)

// A released configuration, and a small model run through the shared
// models.Model interface for its full number of supervision steps.
func Example() {
	sudoku, _ := hrm.Preset("sudoku-extreme")
	fmt.Printf("sudoku-extreme: %d parameters, %d positions (1 puzzle slot + %d cells)\n", sudoku.Params(), sudoku.Positions(), sudoku.SeqLen)

	cfg := hrm.DefaultConfig()
	cfg.SeqLen, cfg.VocabSize, cfg.HiddenSize, cfg.NumHeads, cfg.Expansion = 4, 5, 16, 2, 2
	cfg.HCycles, cfg.LCycles, cfg.HLayers, cfg.LLayers, cfg.HaltMaxSteps, cfg.PosEncodings = 2, 2, 1, 1, 3, "rope"
	cfg.PuzzleEmbNdim, cfg.NumPuzzleIdentifiers = 16, 10
	m, err := hrm.Load(cfg, hrm.InitTensors(cfg, 1)) // or act.LoadFile(hrm.Family, path, &cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	var model models.Model = m
	info := model.Info()
	run := model.NewRun(2)
	out := models.NewStepOutput(info, 2)
	batch := models.Batch{Inputs: []int32{1, 2, 3, 4, 4, 3, 2, 1}, PuzzleIDs: []int32{3, 7}}
	for step := 0; step < info.MaxSteps; step++ {
		if err := run.Step(batch, out, models.StepOptions{}); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Printf("%s: %d steps, logits for %d×%d×%d\n", info.Kind, info.MaxSteps, 2, info.SeqLen, len(out.Logits)/(2*info.SeqLen))
	// Output:
	// sudoku-extreme: 27275266 parameters, 82 positions (1 puzzle slot + 81 cells)
	// hrm: 3 steps, logits for 2×4×5
}

// Training HRM through the shared models.Trainable interface: one step of
// the 1-step gradient, with the Q-learning target of q_continue from the
// extra gradient-free step.
func ExampleLoadTrainable() {
	cfg := hrm.DefaultConfig()
	cfg.SeqLen, cfg.VocabSize, cfg.HiddenSize, cfg.NumHeads, cfg.Expansion = 4, 5, 16, 2, 2
	cfg.HCycles, cfg.LCycles, cfg.HLayers, cfg.LLayers, cfg.HaltMaxSteps, cfg.PosEncodings = 2, 2, 1, 1, 4, "rope"
	cfg.PuzzleEmbNdim, cfg.NumPuzzleIdentifiers = 16, 10
	m, err := hrm.LoadTrainable(cfg, hrm.InitTensors(cfg, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	var model models.Trainable = m
	const B = 2
	state, out, ar := model.NewTrainState(B), model.NewTrainOutput(B), &nn.Arena{}
	batch := models.TrainBatch{Inputs: []int32{1, 2, 3, 4, 4, 3, 2, 1}, Labels: []int32{2, 2, 2, 2, 3, 3, 3, 3}, PuzzleIDs: []int32{3, 7}}
	if err := model.TrainStep(state, batch, models.TrainOptions{LossScale: 1.0 / B}, out, ar); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("total = lm + 0.5·(q_halt + q_continue): %v; targets in (0, 1): %v; steps %v\n",
		math.Abs(out.TotalLoss-(out.LMLoss+0.5*(out.QHaltLoss+out.QContinueLoss))) < 1e-12,
		out.TargetQContinue[0] > 0 && out.TargetQContinue[0] < 1, state.Steps)
	// Output:
	// total = lm + 0.5·(q_halt + q_continue): true; targets in (0, 1): true; steps [1 1]
}
