package models

import "arceval/models/nn"

// Level applies a reasoning module in place: h = blocks(h + injection)
// (injection nil: h = blocks(h)). h is (n, T, D).
func Level(blocks []*nn.Block, h, injection []float32, n, T int, ar *nn.Arena) {
	if injection != nil {
		nn.AddInto(h, injection)
	}
	for _, b := range blocks {
		b.Forward(h, n, T, ar)
	}
}

// LevelTrain is Level keeping each block's activations in states (one per
// block): h = blocks(h + injection) in place, the same bits.
func LevelTrain(blocks []*nn.Block, h, injection []float32, n, T int, states []nn.BlockState, ar *nn.Arena) {
	if injection != nil {
		nn.AddInto(h, injection)
	}
	for i, b := range blocks {
		b.ForwardTrain(h, n, T, &states[i], ar)
	}
}

// LevelBackward turns d, the gradient with respect to the output of a
// LevelTrain call, into the gradient with respect to its input sum
// h + injection (in place), adding the blocks' weight gradients.
func LevelBackward(blocks []*nn.Block, d []float32, n, T int, states []nn.BlockState, ar *nn.Arena) {
	for i := len(blocks) - 1; i >= 0; i-- {
		blocks[i].Backward(d, n, T, &states[i], ar)
	}
}
