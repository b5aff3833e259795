package act

import (
	"fmt"

	"arceval/models/nn"
)

// Level applies a reasoning module (a stack of blocks) in place:
// h = blocks(h + injection) (injection nil: h = blocks(h)). h is (n, T, D).
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

// Recur is the recursion TRM and HRM share, on n rows of T positions:
//
//	repeat h < H: { repeat l < L: z_L = low(z_L + (z_H + x)); z_H = high(z_H + z_L) }
//
// HRM's low and high are its L_level and H_level; TRM's are one stack of
// blocks. zH, zL and x are (n, T, D); zH and zL are updated in place.
//
// z_L + (z_H + x) is one fused pass (nn.AddSumInto, the same bits).
func Recur(high, low []*nn.Block, zH, zL, x []float32, H, L, n, T int, ar *nn.Arena) {
	inj := ar.GetRaw(len(x))
	rows := n * T
	for h := 0; h < H; h++ {
		for l := 0; l < L; l++ {
			nn.AddSumInto(zL, zH, x, inj, rows, len(x)/max(rows, 1))
			Level(low, zL, nil, n, T, ar)
		}
		Level(high, zH, zL, n, T, ar)
	}
}

// Loader reads a family's own tensors (its block stacks) while Load builds
// the model, and records every linear layer under its official weight
// name for training. The first error sticks (Err).
type Loader struct {
	r       *Resolver
	linears map[string]*nn.Linear
	err     error
}

// Err is the first error of the Loader's reads.
func (l *Loader) Err() error { return l.err }

// Blocks builds the layers of a level ("L_level") of sizes b with norm
// epsilon eps; rope may be nil (BlockDims.RoPE).
func (l *Loader) Blocks(level string, layers int, b BlockDims, eps float64, rope *nn.RoPE) []*nn.Block {
	inter := nn.SwiGLUInter(b.Hidden, b.Expansion)
	var blocks []*nn.Block
	for i := 0; i < layers && l.err == nil; i++ {
		p := fmt.Sprintf("%s.layers.%d.", level, i)
		get := func(name string) []float32 {
			if l.err != nil {
				return nil
			}
			var v []float32
			v, l.err = l.r.Get(p + name)
			return v
		}
		k := &nn.Block{Eps: float32(eps)}
		if b.MLPT {
			gu, down := get("mlp_t.gate_up_proj.weight"), get("mlp_t.down_proj.weight")
			if l.err != nil {
				break
			}
			k.MixT = nn.NewSwiGLU(gu, down, b.T, nn.SwiGLUInter(b.T, b.Expansion))
			l.linears[p+"mlp_t.gate_up_proj.weight"], l.linears[p+"mlp_t.down_proj.weight"] = k.MixT.GateUp, k.MixT.Down
		} else {
			qkv, o := get("self_attn.qkv_proj.weight"), get("self_attn.o_proj.weight")
			if l.err != nil {
				break
			}
			k.Attn = nn.NewAttention(qkv, o, b.Hidden, b.Heads, b.HeadDim(), rope)
			l.linears[p+"self_attn.qkv_proj.weight"], l.linears[p+"self_attn.o_proj.weight"] = k.Attn.QKV, k.Attn.O
		}
		gu, down := get("mlp.gate_up_proj.weight"), get("mlp.down_proj.weight")
		if l.err != nil {
			break
		}
		k.MLP = nn.NewSwiGLU(gu, down, b.Hidden, inter)
		l.linears[p+"mlp.gate_up_proj.weight"], l.linears[p+"mlp.down_proj.weight"] = k.MLP.GateUp, k.MLP.Down
		blocks = append(blocks, k)
	}
	return blocks
}
