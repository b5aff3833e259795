package optim

import (
	"fmt"
	"sort"
)

// State is serialisable optimiser or EMA state: named float32 tensors and
// named integer counters. The trainer stores it in the native checkpoint
// (each tensor has the shape of the parameter it belongs to, see
// [Adam.State] and [EMA.State]) and hands it back on resume.
type State struct {
	Tensors  map[string][]float32
	Counters map[string]int64
}

// Names returns the tensor names in sorted order, for writing files in a
// stable order.
func (s State) Names() []string {
	names := make([]string, 0, len(s.Tensors))
	for n := range s.Tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// tensor returns the named tensor of length n, copied, or an error naming it.
func (s State) tensor(name string, n int) ([]float32, error) {
	t, ok := s.Tensors[name]
	if !ok {
		return nil, fmt.Errorf("optim: state has no tensor %q", name)
	}
	if len(t) != n {
		return nil, fmt.Errorf("optim: state tensor %q has %d values, want %d", name, len(t), n)
	}
	return append([]float32(nil), t...), nil
}

// counter returns the named counter, which must be ≥ 0.
func (s State) counter(name string) (int64, error) {
	c, ok := s.Counters[name]
	if !ok {
		return 0, fmt.Errorf("optim: state has no counter %q", name)
	}
	if c < 0 {
		return 0, fmt.Errorf("optim: state counter %q is negative (%d)", name, c)
	}
	return c, nil
}
