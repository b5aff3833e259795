package direct

import (
	"arceval/models/act"
	"arceval/models/nn"
)

// netBF16 is the baseline's network in bf16 (act.SetPrecision). Made from a
// trainable net it also trains (act.BF16Net), keeping its states in
// the float32 net's.
type netBF16 struct {
	f      *net
	blocks []*nn.BlockBF16
	T      int
}

// BF16 packs the network's blocks for the bf16 forward pass.
func (n *net) BF16() act.BF16Net { return &netBF16{f: n, blocks: act.PackBF16(n.blocks), T: n.T} }

// Inner is net.Inner in bf16: z_H = H_level(x̂(z_H + x)), once.
func (n *netBF16) Inner(zH, _, x []float32, rows int, ar *nn.Arena) {
	act.LevelBF16(n.blocks, zH, x, rows, n.T, ar)
}

// ForwardTrain is Inner keeping the blocks' activations.
func (n *netBF16) ForwardTrain(zH, _, x []float32, rows int, ar *nn.Arena) {
	act.LevelTrainBF16(n.blocks, zH, x, rows, n.T, n.f.states, ar)
}

// Backward is net.Backward on the states ForwardTrain kept (its products in
// bf16).
func (n *netBF16) Backward(d []float32, rows int, ar *nn.Arena) { n.f.Backward(d, rows, ar) }

// Repack refreshes the bf16 blocks from the weights.
func (n *netBF16) Repack() { act.RepackBF16(n.blocks) }
