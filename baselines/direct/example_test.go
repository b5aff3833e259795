package direct_test

import (
	"fmt"

	"arceval/baselines/direct"
	"arceval/models"
	"arceval/models/nn"
)

// The released baseline shape and its "direct pred" setting, and a small
// model run through the shared models.Model interface.
func Example() {
	arc, _ := direct.Preset("arc1")
	pred, _ := direct.Preset("arc1-direct-pred")
	fmt.Printf("arc1: %d parameters, %d blocks of %d heads, %d supervision steps (direct pred: %d)\n",
		arc.Params(), arc.HLayers, arc.NumHeads, arc.HaltMaxSteps, pred.HaltMaxSteps)

	cfg := direct.DefaultConfig()
	cfg.SeqLen, cfg.VocabSize, cfg.HiddenSize, cfg.NumHeads, cfg.Expansion = 4, 5, 16, 2, 2
	cfg.HLayers, cfg.HaltMaxSteps, cfg.PosEncodings = 2, 3, "rope"
	cfg.PuzzleEmbNdim, cfg.NumPuzzleIdentifiers = 16, 10
	m, err := direct.Load(cfg, direct.InitTensors(cfg, 1)) // or act.LoadFile(direct.Family, path, &cfg)
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
	fmt.Printf("%s: %d steps, %d logits\n", info.Kind, info.MaxSteps, len(out.Logits))
	// Output:
	// arc1: 27145218 parameters, 8 blocks of 12 heads, 16 supervision steps (direct pred: 1)
	// transformer_baseline: 3 steps, 40 logits
}

// The MLP baseline (TRM-MLP's network applied once) trained through the
// shared models.Trainable interface: one training step, then the update a
// trainer's optimiser would make (here plain SGD) and Repack.
func ExampleLoadTrainable() {
	cfg := direct.MLP(4, 5, 10) // seq_len 4, vocabulary 5, 10 puzzles
	cfg.HiddenSize, cfg.PuzzleEmbNdim, cfg.Expansion = 16, 16, 2
	m, err := direct.LoadTrainable(cfg, direct.InitTensors(cfg, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	var model models.Trainable = m
	const B = 2
	state, out, ar := model.NewTrainState(B), model.NewTrainOutput(B), &nn.Arena{}
	batch := models.TrainBatch{Inputs: []int32{1, 2, 3, 4, 4, 3, 2, 1}, Labels: []int32{2, 2, 2, 2, 3, 3, 3, 3}, PuzzleIDs: []int32{3, 7}}
	model.ZeroGrad()
	if err := model.TrainStep(state, batch, models.TrainOptions{LossScale: 1.0 / B}, out, ar); err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range model.Params() {
		for i, g := range p.G {
			p.W[i] -= 0.01 * g
		}
	}
	model.Repack()
	fmt.Printf("%s: %d parameter tensors, %d puzzle rows with gradients, %d step(s), halted %v\n",
		model.Info().Kind, len(model.Params()), len(model.PuzzleEmb().IDs), model.Info().MaxSteps, state.Halted)
	// Output:
	// mlp_baseline: 12 parameter tensors, 2 puzzle rows with gradients, 1 step(s), halted [true true]
}
