package nn

import (
	"math/rand/v2"
	"testing"
)

func TestEmbedBackward(t *testing.T) {
	cases := []struct {
		name       string
		vocab, dim int
		ids        []int32
	}{
		{"distinct", 5, 3, []int32{4, 0, 2}},
		{"repeated", 4, 8, []int32{1, 1, 3, 1, 0}},
		{"one", 1, 1, []int32{0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(4, uint64(tc.vocab)))
			table := randSlice(r, tc.vocab*tc.dim, 1)
			R := randSlice(r, len(tc.ids)*tc.dim, 1)
			out := make([]float32, len(R))
			loss := func() float64 {
				Embed(out, table, tc.ids, tc.dim)
				return dot64(f64(out), R)
			}
			dt := make([]float32, len(table))
			EmbedBackward(dt, R, tc.ids, tc.dim)
			checkGrads(t, loss, []fdTensor{{"table", table, dt}}, 100, r)
		})
	}
}
