package trm

import (
	"arceval/models/act"
	"arceval/models/nn"
)

// netBF16 is TRM's inner network in bf16 (act.SetPrecision): the same
// recursion on bf16 blocks.
type netBF16 struct {
	blocks  []*nn.BlockBF16
	T, H, L int
}

// BF16 packs the network's blocks for the bf16 forward pass.
func (n *net) BF16() act.BF16Net {
	return &netBF16{blocks: act.PackBF16(n.blocks), T: n.T, H: n.H, L: n.L}
}

// Inner is net.Inner in bf16.
func (n *netBF16) Inner(zH, zL, x []float32, rows int, ar *nn.Arena) {
	act.RecurBF16(n.blocks, n.blocks, zH, zL, x, n.H, n.L, rows, n.T, ar)
}
