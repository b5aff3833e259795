package hrm

import (
	"arceval/models/act"
	"arceval/models/nn"
)

// netBF16 is HRM's inner network in bf16 (act.SetPrecision): the same
// recursion on bf16 blocks.
type netBF16 struct {
	hLevel, lLevel []*nn.BlockBF16
	T, H, L        int
}

// BF16 packs the network's blocks for the bf16 forward pass.
func (n *net) BF16() act.BF16Net {
	return &netBF16{hLevel: act.PackBF16(n.hLevel), lLevel: act.PackBF16(n.lLevel), T: n.T, H: n.H, L: n.L}
}

// Inner is net.Inner in bf16.
func (n *netBF16) Inner(zH, zL, x []float32, rows int, ar *nn.Arena) {
	act.RecurBF16(n.hLevel, n.lLevel, zH, zL, x, n.H, n.L, rows, n.T, ar)
}
