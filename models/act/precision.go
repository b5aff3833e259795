package act

import (
	"fmt"
	"math"

	"arceval/models/nn"
)

// Precision of the evaluation forward pass. Float32 is the engine's default
// (bit-identical to its parity fixtures). BF16 runs as the official code
// does with forward_dtype bfloat16 — how the released checkpoints were
// trained and evaluated: weights, embeddings, the carry and every stored
// activation rounded to bf16, products accumulated in float32 (nn.BlockBF16
// lists where it rounds).
const (
	PrecisionFloat32 = "float32"
	PrecisionBF16    = "bfloat16"
)

// BF16Net is a family's inner network in bf16: the recursion of Net.Inner
// with nn.BlockBF16 blocks and bf16 sums. A family's Net that has one
// offers it through a BF16() BF16Net method. Made from a trainable Net it
// also trains: ForwardTrain is Net.ForwardTrain on bf16 blocks
// (nn.BlockBF16.ForwardTrain, the bits of Inner) and Backward is
// Net.Backward on the kept states, whose products run in bf16 because the
// blocks' linear layers are in bf16 mode; Repack refreshes its packed
// weights after an optimiser step.
type BF16Net interface {
	Net
	Repack()
}

// bf16Netter is a family Net that can make its bf16 twin.
type bf16Netter interface{ BF16() BF16Net }

// bf16Model is what a model running in bf16 keeps beside its float32 one:
// the bf16 network, rounded initial states and embeddings, bf16 heads.
type bf16Model struct {
	net      BF16Net
	inits    [][]float32 // each (D), rounded
	embed    []float32   // (vocab, D), rounded
	embedPos []float32   // (T, D), rounded; nil without learned positions
	lmHead   *nn.PackedBF16
	qHead    *nn.PackedBF16
	qBias    []float32 // (2), rounded
}

// SetPrecision selects the precision of Step (and, for a trainable model,
// of TrainStep): PrecisionFloat32 (the default) or PrecisionBF16, which
// packs bf16 weights once. A trainable model in bf16 trains its network in
// bf16 (BF16Net; the blocks' linear layers in bf16 mode) around float32
// master weights, embedding, heads and losses; Repack refreshes the bf16
// copies after each optimiser step. Set it before a run starts: a carry made
// in one precision continues in the other without error, but its states
// then mix the two.
func (m *Model) SetPrecision(p string) error {
	switch p {
	case PrecisionFloat32:
		m.bf16 = nil
		m.setBlocksBF16(false)
		return nil
	case PrecisionBF16:
	default:
		return fmt.Errorf("%s: unknown precision %q (want %q or %q)", m.def.Name, p, PrecisionFloat32, PrecisionBF16)
	}
	if m.bf16 != nil {
		return nil
	}
	bn, ok := m.net.(bf16Netter)
	if !ok {
		return fmt.Errorf("%s: no bfloat16 forward pass for this family", m.def.Name)
	}
	if m.train != nil {
		// The blocks' layers first, so that the bf16 net shares their packing.
		m.setBlocksBF16(true)
	}
	b := &bf16Model{net: bn.BF16()}
	io := m.io
	b.embed, b.embedPos, b.qBias = roundedCopy(io.embed), roundedCopy(io.embedPos), roundedCopy(io.qHead.Bias)
	for _, v := range m.inits {
		b.inits = append(b.inits, roundedCopy(v))
	}
	b.lmHead = nn.PackTBF16(io.lmHead.Weight, io.lmHead.Out, io.lmHead.In)
	b.qHead = nn.PackTBF16(io.qHead.Weight, io.qHead.Out, io.qHead.In)
	m.bf16 = b
	return nil
}

// setBlocksBF16 switches the linear layers of a trainable model's network
// (not its heads) to bf16 mode or back.
func (m *Model) setBlocksBF16(on bool) {
	if m.train == nil {
		return
	}
	for _, l := range m.train.linears {
		if l != m.io.lmHead && l != m.io.qHead {
			l.SetTrainBF16(on)
		}
	}
}

// repackBF16 refreshes the bf16 copies of the weights after an optimiser
// step (the linear layers' own were refreshed by Linear.Repack).
func (m *Model) repackBF16() {
	b, io := m.bf16, m.io
	b.net.Repack()
	roundInto(b.embed, io.embed)
	roundInto(b.embedPos, io.embedPos)
	roundInto(b.qBias, io.qHead.Bias)
	for i, v := range m.inits {
		roundInto(b.inits[i], v)
	}
	b.lmHead.Repack(io.lmHead.Weight)
	b.qHead.Repack(io.qHead.Weight)
}

// roundInto sets dst to src rounded to bf16 (both nil: nothing).
func roundInto(dst, src []float32) {
	copy(dst, src)
	nn.RoundBF16All(dst)
}

// Precision is the precision Step runs in.
func (m *Model) Precision() string {
	if m.bf16 != nil {
		return PrecisionBF16
	}
	return PrecisionFloat32
}

// roundedCopy is a copy of v rounded to bf16 (nil for nil).
func roundedCopy(v []float32) []float32 {
	if v == nil {
		return nil
	}
	c := append([]float32(nil), v...)
	nn.RoundBF16All(c)
	return c
}

// initStates are the initial states rows reset to in the current precision.
func (m *Model) initStates() [][]float32 {
	if m.bf16 != nil {
		return m.bf16.inits
	}
	return m.inits
}

// embed is IO.Embed in the current precision.
func (m *Model) embed(x []float32, inputs []int32, puzzle []float32, rows []int) {
	if m.bf16 == nil {
		m.io.Embed(x, inputs, puzzle, rows)
		return
	}
	m.io.embedBF16(m.bf16, x, inputs, puzzle, rows)
}

// inner is the network's Inner in the current precision.
func (m *Model) inner(zH, zL, x []float32, n int, ar *nn.Arena) {
	if m.bf16 == nil {
		m.net.Inner(zH, zL, x, n, ar)
		return
	}
	m.bf16.net.Inner(zH, zL, x, n, ar)
}

// q is IO.Q in the current precision.
func (m *Model) q(q, zH []float32, n int, ar *nn.Arena) {
	if m.bf16 == nil {
		m.io.Q(q, zH, n, ar)
		return
	}
	m.io.qBF16(m.bf16, q, zH, n, ar)
}

// heads is IO.Heads in the current precision.
func (m *Model) heads(logits, q, zH []float32, n int, ar *nn.Arena) {
	if m.bf16 == nil {
		m.io.Heads(logits, q, zH, n, ar)
		return
	}
	m.io.headsBF16(m.bf16, logits, q, zH, n, ar)
}

// embedBF16 is Embed as the official bf16 forward computes it: bf16 token
// and puzzle vectors, each operation's result rounded,
//
//	x = x̂(√D · x̂(0.707106781 · x̂(e + pos)))   (learned positions)
//	x = x̂(√D · e)                             (otherwise)
func (io *IO) embedBF16(b *bf16Model, x []float32, inputs []int32, puzzle []float32, rows []int) {
	S, D, nd := io.SeqLen, io.Hidden, io.PuzzleNdim
	scale := float32(math.Sqrt(float64(D)))
	for k, r := range rows {
		xb := x[k*io.T*D : (k+1)*io.T*D]
		clear(xb[:io.Prefix*D])
		copy(xb, puzzle[r*nd:(r+1)*nd])
		nn.RoundBF16All(xb[:nd])
		for s := 0; s < S; s++ {
			tok := int(inputs[r*S+s])
			copy(xb[(io.Prefix+s)*D:(io.Prefix+s+1)*D], b.embed[tok*D:(tok+1)*D])
		}
		if b.embedPos != nil {
			for i := range xb {
				xb[i] = nn.RoundBF16(0.707106781 * nn.RoundBF16(xb[i]+b.embedPos[i]))
			}
		}
		for i := range xb {
			xb[i] = nn.RoundBF16(xb[i] * scale)
		}
	}
}

// headsBF16 is Heads in bf16: logits = x̂(z_H·W_lmᵀ) on the grid positions,
// q = x̂(z_H[0]·W_qᵀ + b̂) (the bias joins the float32 sum, rounded once).
func (io *IO) headsBF16(b *bf16Model, logits, q, zH []float32, n int, ar *nn.Arena) {
	S, V, D, TD := io.SeqLen, io.Vocab, io.Hidden, io.T*io.Hidden
	for i := 0; i < n; i++ {
		nn.MatMulPackedBF16Round(logits[i*S*V:(i+1)*S*V], zH[i*TD+io.Prefix*D:(i+1)*TD], S, b.lmHead)
	}
	io.qBF16(b, q, zH, n, ar)
}

// qBF16 is Q in bf16: q (n, 2) = x̂(z_H[0]·W_qᵀ + b̂).
func (io *IO) qBF16(b *bf16Model, q, zH []float32, n int, ar *nn.Arena) {
	D, TD := io.Hidden, io.T*io.Hidden
	c, o, u := ar.Mark()
	first := ar.GetRaw(n * D)
	for i := 0; i < n; i++ {
		copy(first[i*D:(i+1)*D], zH[i*TD:i*TD+D])
	}
	nn.MatMulPackedBF16(q, first, n, b.qHead, false)
	for i := 0; i < n; i++ {
		for j := 0; j < 2; j++ {
			q[2*i+j] = nn.RoundBF16(q[2*i+j] + b.qBias[j])
		}
	}
	ar.Release(c, o, u)
}

// LevelBF16 is Level in bf16: h = blocks(x̂(h + injection)) (injection nil:
// h = blocks(h)); h and injection hold bf16 values.
func LevelBF16(blocks []*nn.BlockBF16, h, injection []float32, n, T int, ar *nn.Arena) {
	if injection != nil {
		nn.AddBF16(h, h, injection)
	}
	for _, b := range blocks {
		b.Forward(h, n, T, ar)
	}
}

// RecurBF16 is Recur in bf16: the sums z_H + x and the level inputs are
// rounded to bf16 as the official bf16 tensors are.
func RecurBF16(high, low []*nn.BlockBF16, zH, zL, x []float32, H, L, n, T int, ar *nn.Arena) {
	inj := ar.GetRaw(len(x))
	for h := 0; h < H; h++ {
		for l := 0; l < L; l++ {
			nn.AddBF16(inj, zH, x)
			LevelBF16(low, zL, inj, n, T, ar)
		}
		LevelBF16(high, zH, zL, n, T, ar)
	}
}

// LevelTrainBF16 is LevelBF16 keeping each block's activations in states
// (one per block), the same bits: h = blocks(x̂(h + injection)) in place.
func LevelTrainBF16(blocks []*nn.BlockBF16, h, injection []float32, n, T int, states []nn.BlockState, ar *nn.Arena) {
	if injection != nil {
		nn.AddBF16(h, h, injection)
	}
	for i, b := range blocks {
		b.ForwardTrain(h, n, T, &states[i], ar)
	}
}

// RepackBF16 refreshes blocks packed by PackBF16 from their weights.
func RepackBF16(blocks []*nn.BlockBF16) {
	for _, b := range blocks {
		b.Repack()
	}
}

// PackBF16 packs blocks for the bf16 forward pass.
func PackBF16(blocks []*nn.Block) []*nn.BlockBF16 {
	p := make([]*nn.BlockBF16, len(blocks))
	for i, b := range blocks {
		p[i] = nn.NewBlockBF16(b)
	}
	return p
}
