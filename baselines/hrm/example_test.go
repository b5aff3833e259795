package hrm_test

import (
	"fmt"

	"arceval/baselines/hrm"
	"arceval/models"
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
	m, err := hrm.Load(cfg, hrm.RandomTensors(cfg, 1)) // or hrm.LoadFile(path, &cfg)
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
