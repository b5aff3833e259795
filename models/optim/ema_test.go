package optim

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestEMAUpdate(t *testing.T) {
	w := []float32{1, -2, 4}
	params := []Param{{Name: "a", Shape: []int{3}, W: w}}
	e, err := NewEMA(0.75, params)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e.Shadow("a"), w) {
		t.Fatalf("registered shadow %v, want the weights %v", e.Shadow("a"), w)
	}
	w[0], w[1], w[2] = 5, 2, 0 // the shadow is a copy, not an alias
	if e.Shadow("a")[0] != 1 {
		t.Fatal("the shadow aliases the weights")
	}
	if err := e.Update(params); err != nil {
		t.Fatal(err)
	}
	// 0.25·θ + 0.75·shadow, exact in float32.
	if want := []float32{2, -1, 3}; !slices.Equal(e.Shadow("a"), want) {
		t.Errorf("after one update %v, want %v", e.Shadow("a"), want)
	}
	if err := e.Update(params); err != nil {
		t.Fatal(err)
	}
	if want := []float32{2.75, -0.25, 2.25}; !slices.Equal(e.Shadow("a"), want) {
		t.Errorf("after two updates %v, want %v", e.Shadow("a"), want)
	}
	if e.Updates() != 2 {
		t.Errorf("Updates() = %d, want 2", e.Updates())
	}
}

// With constant weights θ the shadow approaches θ as θ + (s0 − θ)·μⁿ.
func TestEMAConvergesAtTRMRate(t *testing.T) {
	w := []float32{0}
	params := []Param{{Name: "w", Shape: []int{1}, W: w}}
	e, _ := NewEMA(DefaultEMARate, params)
	w[0] = 1
	for range 1000 {
		if err := e.Update(params); err != nil {
			t.Fatal(err)
		}
	}
	want := 1 - math.Pow(DefaultEMARate, 1000)
	if got := float64(e.Shadow("w")[0]); math.Abs(got-want) > 1e-5 {
		t.Errorf("after 1000 updates %.7f, want %.7f", got, want)
	}
}

func TestEMACopyToAndState(t *testing.T) {
	params := []Param{
		{Name: "a", Shape: []int{2}, W: []float32{1, 2}},
		{Name: "b", Shape: []int{1}, W: []float32{3}},
	}
	e, _ := NewEMA(0.5, params)
	params[0].W[0], params[1].W[0] = 3, 5
	if err := e.Update(params); err != nil {
		t.Fatal(err)
	}
	evalCopy := []Param{
		{Name: "a", Shape: []int{2}, W: make([]float32, 2)},
		{Name: "b", Shape: []int{1}, W: make([]float32, 1)},
	}
	if err := e.CopyTo(evalCopy); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(evalCopy[0].W, []float32{2, 2}) || evalCopy[1].W[0] != 4 {
		t.Errorf("CopyTo gave %v %v", evalCopy[0].W, evalCopy[1].W)
	}
	if params[0].W[0] != 3 {
		t.Error("CopyTo changed the live weights")
	}

	s := e.State()
	if s.Counters["updates"] != 1 || len(s.Tensors) != 2 || !slices.Equal(s.Names(), []string{"a", "b"}) {
		t.Fatalf("State() = %+v", s)
	}
	r, _ := NewEMA(0.5, params) // registered from other weights
	if err := r.LoadState(s); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Shadow("a"), e.Shadow("a")) || r.Updates() != 1 {
		t.Errorf("restored shadow %v (%d updates), want %v", r.Shadow("a"), r.Updates(), e.Shadow("a"))
	}
	s.Tensors["a"][0] = 99 // the export is a copy
	if e.Shadow("a")[0] == 99 || r.Shadow("a")[0] == 99 {
		t.Error("state tensors alias the shadow")
	}
}

func TestEMAErrors(t *testing.T) {
	params := []Param{{Name: "a", Shape: []int{2}, W: []float32{1, 2}}}
	e, _ := NewEMA(0.9, params)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"rate", func() error { _, err := NewEMA(1.5, params); return err }(), "EMA rate"},
		{"shape", func() error {
			_, err := NewEMA(0.9, []Param{{Name: "x", Shape: []int{3}, W: []float32{1}}})
			return err
		}(), "1 weights for shape [3]"},
		{"unregistered", e.Update([]Param{{Name: "b", Shape: []int{2}, W: []float32{1, 2}}}), `"b" was not registered`},
		{"missing", e.Update(nil), "0 parameters given, 1 registered"},
		{"size", e.CopyTo([]Param{{Name: "a", Shape: []int{1}, W: []float32{1}}}), "1 weights, shadow has 2"},
		{"state size", e.LoadState(State{Tensors: map[string][]float32{"a": {1}}, Counters: map[string]int64{"updates": 0}}), `"a" has 1 values, want 2`},
		{"state extra", e.LoadState(State{Tensors: map[string][]float32{"a": {1, 2}, "z": {1}}, Counters: map[string]int64{"updates": 0}}), `"z" is not a registered parameter`},
		{"state counter", e.LoadState(State{Tensors: map[string][]float32{"a": {1, 2}}}), `no counter "updates"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", tc.err, tc.want)
			}
		})
	}
	if !slices.Equal(e.Shadow("a"), []float32{1, 2}) {
		t.Errorf("failed calls changed the shadow to %v", e.Shadow("a"))
	}
}
