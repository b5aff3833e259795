package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// What a bf16 model would gain per block, from the kernels alone: the
// attention block of the Maze/ARC presets (T = 916, hidden 512, 8 heads of
// 64, SwiGLU inter 1536) run as Block.Forward in float32, against the same
// block composed from the bf16 kernels — QKV, O, gate_up and down through
// MatMulPackedBF16, heads through HeadsTiledBF16, the gate and the post-norms
// in float32 (SwiGLUGate, AddRMSNorm). This composition is a sketch for the
// model-level integration (where activations are rounded is the model's
// choice), not an API.

// bf16Block is Block's weights packed for the bf16 kernels.
type bf16Block struct {
	k                    *Block
	qkv, o, gateUp, down *PackedBF16
}

func newBF16Block(k *Block) *bf16Block {
	a, m := k.Attn, k.MLP
	return &bf16Block{k: k,
		qkv: PackTBF16(a.QKV.Weight, a.QKV.Out, a.QKV.In), o: PackTBF16(a.O.Weight, a.O.Out, a.O.In),
		gateUp: PackTBF16(m.GateUp.Weight, m.GateUp.Out, m.GateUp.In), down: PackTBF16(m.Down.Weight, m.Down.Out, m.Down.In)}
}

// forward updates h (B, T, hidden) in place, as Block.Forward does.
func (p *bf16Block) forward(h []float32, B, T int, ar *Arena) {
	c, o, u := ar.Mark()
	k, a, m := p.k, p.k.Attn, p.k.MLP
	D, w, rows := m.Hidden, a.Heads*a.HeadDim, B*T
	qkv := ar.GetRaw(rows * 3 * w)
	heads := ar.GetRaw(rows * w)
	tmp := ar.GetRaw(rows * D)
	MatMulPackedBF16(qkv, h, rows, p.qkv, false)
	a.HeadsTiledBF16(heads, qkv, B, T, ar)
	MatMulPackedBF16(tmp, heads, rows, p.o, false)
	AddRMSNorm(h, tmp, rows, D, k.Eps)
	gu := ar.GetRaw(rows * 2 * m.Inter)
	hm := ar.GetRaw(rows * m.Inter)
	MatMulPackedBF16(gu, h, rows, p.gateUp, false)
	SwiGLUGate(hm, gu, rows, m.Inter)
	MatMulPackedBF16(tmp, hm, rows, p.down, false)
	AddRMSNorm(h, tmp, rows, D, k.Eps)
	ar.Release(c, o, u)
}

// arcBlock is an attention block with the Maze/ARC shapes and random weights.
func arcBlock(r *rand.Rand, T int) *Block {
	const D, heads, hd = 512, 8, 64
	inter := SwiGLUInter(D, 4)
	s := func(n, fan int) []float32 { return randSlice(r, n, 1/math.Sqrt(float64(fan))) }
	return &Block{
		Attn: NewAttention(s(3*D*D, D), s(D*D, D), D, heads, hd, NewRoPE(T, hd, 10000)),
		MLP:  NewSwiGLU(s(2*inter*D, D), s(D*inter, inter), D, inter),
		Eps:  1e-5,
	}
}

// TestBF16BlockSketch: the bf16 composition stays within bf16 distance of
// Block.Forward (it logs the measured difference).
func TestBF16BlockSketch(t *testing.T) {
	const T = 97
	r := rand.New(rand.NewPCG(71, 72))
	k := arcBlock(r, T)
	x := randSlice(r, 2*T*512, 1)
	want, got := append([]float32(nil), x...), append([]float32(nil), x...)
	k.Forward(want, 2, T, &Arena{})
	newBF16Block(k).forward(got, 2, T, &Arena{})
	d := maxRelDiff(got, want)
	t.Logf("bf16 block vs float32 Block.Forward: max difference %.3g of the largest output", d)
	if !(d <= 5e-2) {
		t.Errorf("difference %.3g > 5e-2", d)
	}
}

// BenchmarkBF16Block: Block.Forward (float32) against the bf16 composition
// at the Maze/ARC shape, batch 1 and 4, alternately in one loop; x_fp32 is
// the float32 time over the bf16 one.
//
//	go test -run '^$' -bench BF16Block -benchtime 5x ./models/nn
func BenchmarkBF16Block(b *testing.B) {
	const T = 916
	r := rand.New(rand.NewPCG(1, 1))
	k := arcBlock(r, T)
	p := newBF16Block(k)
	for _, B := range []int{1, 4} {
		x := randSlice(r, B*T*512, 1)
		h := make([]float32, len(x))
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("T%d/B%d/t%d", T, B, threads), func(b *testing.B) {
				defer SetThreads(SetThreads(threads))
				ar := &Arena{}
				copy(h, x)
				k.Forward(h, B, T, ar)
				copy(h, x)
				p.forward(h, B, T, ar)
				var s side2
				for b.Loop() {
					s.run(threads,
						func() { copy(h, x); k.Forward(h, B, T, ar) },
						func() { copy(h, x); p.forward(h, B, T, ar) })
				}
				s.report(b, "x_fp32")
			})
		}
	}
}
