package act

import (
	"math"
	"slices"
	"testing"

	"arceval/models/tensors"
)

// Each tensor draws from its own stream, seeded by (seed, name): its values
// do not depend on which other tensors exist or how large they are, and
// initial states are bfloat16 values unless the forward dtype is float32.
func TestInitTensorsSeeding(t *testing.T) {
	layout := func(rows int, dtype string) []tensors.Spec {
		specs := StateSpecs(8, dtype, "H_init", "L_init")
		specs = append(specs, Dims{SeqLen: 4, Vocab: 5, Hidden: 8, Prefix: 1, PuzzleNdim: 8, PuzzleRows: rows, PosEncodings: "rope"}.Specs()...)
		return append(specs, BlockSpecs("L_level", 2, BlockDims{Hidden: 8, Heads: 2, Expansion: 2, T: 5})...)
	}
	a := InitTensors(layout(3, "bfloat16"), 1)
	for name, v := range InitTensors(layout(30, "bfloat16"), 1) {
		if name != "puzzle_emb.weights" && !slices.Equal(v.Data, a[name].Data) {
			t.Errorf("%s changed with the puzzle table's size", name)
		}
	}
	less := InitTensors(layout(3, "bfloat16")[1:], 1)
	if !slices.Equal(less["L_init"].Data, a["L_init"].Data) {
		t.Error("L_init changed without H_init")
	}
	for _, v := range a["H_init"].Data {
		if math.Float32bits(v)&0xffff != 0 {
			t.Fatalf("H_init value %g is not a bfloat16 value", v)
		}
	}
	f32 := InitTensors(layout(3, "float32"), 1)["H_init"].Data
	if slices.IndexFunc(f32, func(v float32) bool { return math.Float32bits(v)&0xffff != 0 }) < 0 {
		t.Error("float32 forward dtype: every H_init value is a bfloat16 value")
	}
}

// A tensor name outside the official rules is a programming error.
func TestInitTensorUnknown(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a tensor without an official initialisation")
		}
	}()
	InitTensor("mystery", []int{2, 2, 2}, 1, "")
}
