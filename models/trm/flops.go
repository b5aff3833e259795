package trm

import "arceval/models/nn"

// FLOPsPerStep counts the floating-point operations (multiply-add = 2) of
// one supervision step for one puzzle, the way the PyTorch speed anchor
// (shared/tools/torch_trm_bench.py) counts them: 2·T·(block parameters) per
// block application, plus 4·T²·D per attention layer, over H_cycles·(L_cycles+1)
// applications of the L_layers blocks; the heads are left out.
func (c Config) FLOPsPerStep() float64 {
	T, D := float64(c.Positions()), float64(c.HiddenSize)
	inter := float64(nn.SwiGLUInter(c.HiddenSize, c.Expansion))
	perBlock := 2 * T * (3 * D * inter) // SwiGLU: gate_up (2·inter·D) + down (inter·D)
	if c.MLPT {
		it := float64(nn.SwiGLUInter(c.Positions(), c.Expansion))
		perBlock += 2 * D * (3 * T * it)
	} else {
		perBlock += 2*T*(4*D*D) + 4*T*T*D
	}
	return float64(c.HCycles*(c.LCycles+1)*c.LLayers) * perBlock
}
