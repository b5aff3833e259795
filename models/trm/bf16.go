package trm

import (
	"arceval/models/act"
	"arceval/models/nn"
)

// netBF16 is TRM's inner network in bf16 (act.SetPrecision): the same
// recursion on bf16 blocks. Made from a trainable net it also trains
// (act.BF16Net), keeping its states in the float32 net's.
type netBF16 struct {
	f       *net
	blocks  []*nn.BlockBF16
	T, H, L int
}

// BF16 packs the network's blocks for the bf16 forward pass.
func (n *net) BF16() act.BF16Net {
	return &netBF16{f: n, blocks: act.PackBF16(n.blocks), T: n.T, H: n.H, L: n.L}
}

// Inner is net.Inner in bf16.
func (n *netBF16) Inner(zH, zL, x []float32, rows int, ar *nn.Arena) {
	act.RecurBF16(n.blocks, n.blocks, zH, zL, x, n.H, n.L, rows, n.T, ar)
}

// ForwardTrain is net.ForwardTrain in bf16: Inner's bits, the last cycle
// keeping its activations.
func (n *netBF16) ForwardTrain(zH, zL, x []float32, rows int, ar *nn.Arena) {
	act.RecurBF16(n.blocks, n.blocks, zH, zL, x, n.H-1, n.L, rows, n.T, ar)
	inj := ar.GetRaw(len(x))
	for l := 0; l < n.L; l++ {
		nn.AddBF16(inj, zH, x)
		act.LevelTrainBF16(n.blocks, zL, inj, rows, n.T, n.f.states[l], ar)
	}
	act.LevelTrainBF16(n.blocks, zH, zL, rows, n.T, n.f.states[n.L], ar)
}

// Backward is net.Backward on the states ForwardTrain kept (its products in
// bf16: the blocks' layers are in bf16 mode).
func (n *netBF16) Backward(d []float32, rows int, ar *nn.Arena) { n.f.Backward(d, rows, ar) }

// Repack refreshes the bf16 blocks from the weights.
func (n *netBF16) Repack() { act.RepackBF16(n.blocks) }
