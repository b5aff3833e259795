package optim

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSparseSignSGD(t *testing.T) {
	// Table of 4 rows, d = 2. Batch ids 2, 0, 2: the two rows of id 2 are
	// summed before the sign ((+1) + (−3) < 0 in column 0, (+0.5) + (−0.5)
	// = 0 in column 1: decay only); rows 1 and 3 are not in the batch.
	table := []float32{
		1, 1,
		2, 2,
		4, 4,
		8, 8,
	}
	grad := []float32{
		1, 0.5, // id 2
		-1e-9, 7, // id 0
		-3, -0.5, // id 2
	}
	s := SparseSignSGD{WeightDecay: 0.5}
	const lr = 0.25
	if err := s.Step(table, 2, grad, []int32{2, 0, 2}, lr); err != nil {
		t.Fatal(err)
	}
	decay := 1 - lr*0.5 // 0.875
	want := []float32{
		float32(1*decay + lr), float32(1*decay - lr),
		2, 2,
		float32(4*decay + lr), float32(4 * decay),
		8, 8,
	}
	if diff := cmp.Diff(want, table, cmpopts.EquateApprox(0, 1e-7)); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	// An empty batch changes nothing.
	before := slices.Clone(table)
	if err := s.Step(table, 2, nil, nil, lr); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(table, before) {
		t.Error("an empty batch changed the table")
	}
}

func TestSparseSignSGDErrors(t *testing.T) {
	table := make([]float32, 6)
	var s SparseSignSGD
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"table", s.Step(table, 4, nil, nil, 1), "not a whole number of rows"},
		{"grad", s.Step(table, 2, make([]float32, 3), []int32{0, 1}, 1), "3 gradient values for 2 ids"},
		{"id", s.Step(table, 2, make([]float32, 4), []int32{0, 3}, 1), "batch row 1: id 3 outside the table's 3 rows"},
		{"negative id", s.Step(table, 2, make([]float32, 2), []int32{-1}, 1), "id -1"},
		{"lr", s.Step(table, 2, nil, nil, math.NaN()), "learning rate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", tc.err, tc.want)
			}
		})
	}
}
