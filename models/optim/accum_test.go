package optim

import (
	"slices"
	"testing"
)

// Two micro-batch gradients of loss/768 add up to the global batch's.
func TestGradAccumulation(t *testing.T) {
	total := []Param{{Name: "w", Shape: []int{2}, W: make([]float32, 2), G: []float32{9, 9}}}
	ZeroGrad(total)
	for _, g := range [][]float32{{1, -2}, {0.5, 4}} {
		micro := []Param{{Name: "w", Shape: []int{2}, G: g}}
		if err := AddGrad(total, micro); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(total[0].G, []float32{1.5, 2}) {
		t.Errorf("accumulated %v, want [1.5 2]", total[0].G)
	}
	ScaleGrad(total, 0.5)
	if !slices.Equal(total[0].G, []float32{0.75, 1}) {
		t.Errorf("scaled %v, want [0.75 1]", total[0].G)
	}

	fresh := []Param{{Name: "w", Shape: []int{2}}} // nil G is allocated
	if err := AddGrad(fresh, total); err != nil || !slices.Equal(fresh[0].G, total[0].G) {
		t.Errorf("AddGrad into a nil gradient: %v, %v", fresh[0].G, err)
	}
	if err := AddGrad(fresh, []Param{{Name: "v", Shape: []int{2}}}); err == nil {
		t.Error("AddGrad accepted parameters with different names")
	}
	if err := AddGrad(fresh, []Param{{Name: "w", Shape: []int{2}, G: []float32{1}}}); err == nil {
		t.Error("AddGrad accepted a gradient of the wrong size")
	}
}
