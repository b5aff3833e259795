package hrm

import (
	"arceval/models/act"
	"arceval/models/nn"
)

// netBF16 is HRM's inner network in bf16 (act.SetPrecision): the same
// recursion on bf16 blocks. Made from a trainable net it also trains
// (act.BF16Net), keeping its states in the float32 net's.
type netBF16 struct {
	f              *net
	hLevel, lLevel []*nn.BlockBF16
	T, H, L        int
}

// BF16 packs the network's blocks for the bf16 forward pass.
func (n *net) BF16() act.BF16Net {
	return &netBF16{f: n, hLevel: act.PackBF16(n.hLevel), lLevel: act.PackBF16(n.lLevel), T: n.T, H: n.H, L: n.L}
}

// Inner is net.Inner in bf16.
func (n *netBF16) Inner(zH, zL, x []float32, rows int, ar *nn.Arena) {
	act.RecurBF16(n.hLevel, n.lLevel, zH, zL, x, n.H, n.L, rows, n.T, ar)
}

// ForwardTrain is net.ForwardTrain in bf16 (the 1-step gradient): Inner's
// bits, the last L and H calls keeping their activations.
func (n *netBF16) ForwardTrain(zH, zL, x []float32, rows int, ar *nn.Arena) {
	inj := ar.GetRaw(len(x))
	for h := 0; h < n.H; h++ {
		for l := 0; l < n.L; l++ {
			if h == n.H-1 && l == n.L-1 {
				break
			}
			nn.AddBF16(inj, zH, x)
			act.LevelBF16(n.lLevel, zL, inj, rows, n.T, ar)
		}
		if h < n.H-1 {
			act.LevelBF16(n.hLevel, zH, zL, rows, n.T, ar)
		}
	}
	nn.AddBF16(inj, zH, x)
	act.LevelTrainBF16(n.lLevel, zL, inj, rows, n.T, n.f.lState, ar)
	act.LevelTrainBF16(n.hLevel, zH, zL, rows, n.T, n.f.hState, ar)
}

// Backward is net.Backward on the states ForwardTrain kept (its products in
// bf16: the blocks' layers are in bf16 mode).
func (n *netBF16) Backward(d []float32, rows int, ar *nn.Arena) { n.f.Backward(d, rows, ar) }

// Repack refreshes the bf16 blocks from the weights.
func (n *netBF16) Repack() {
	act.RepackBF16(n.hLevel)
	act.RepackBF16(n.lLevel)
}
