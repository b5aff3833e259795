package direct

import (
	"arceval/models/act"
	"arceval/models/nn"
)

// netBF16 is the baseline's network in bf16 (act.SetPrecision).
type netBF16 struct {
	blocks []*nn.BlockBF16
	T      int
}

// BF16 packs the network's blocks for the bf16 forward pass.
func (n *net) BF16() act.BF16Net { return &netBF16{blocks: act.PackBF16(n.blocks), T: n.T} }

// Inner is net.Inner in bf16: z_H = H_level(x̂(z_H + x)), once.
func (n *netBF16) Inner(zH, _, x []float32, rows int, ar *nn.Arena) {
	act.LevelBF16(n.blocks, zH, x, rows, n.T, ar)
}
