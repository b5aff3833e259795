package optim

import "fmt"

// DefaultEMARate is TRM's ema_rate.
const DefaultEMARate = 0.999

// EMA is the exponential moving average of the weights (models/ema.py,
// trm-spec.md §6.5). It keeps a float32 shadow copy of every trainable
// parameter, registered once from the weights at the start of training (no
// bias correction: early averages lean toward the initial weights), and
// after every training batch
//
//	shadow ← (1 − μ) · θ + μ · shadow
//
// pretrain.py calls the update after every batch of the loop, including the
// batches past total_steps that apply no optimiser step. Buffers (H_init,
// L_init, the puzzle-embedding table) are not parameters and are not
// averaged. Evaluation and checkpoints use a copy of the model whose
// parameters are replaced by the shadow ([EMA.CopyTo]); the live weights keep
// training.
type EMA struct {
	mu      float64
	names   []string // registration order
	shadow  map[string][]float32
	updates int64
}

// NewEMA registers params: the shadow starts as a copy of their weights.
func NewEMA(mu float64, params []Param) (*EMA, error) {
	if !(mu >= 0 && mu <= 1) {
		return nil, fmt.Errorf("optim: EMA rate %g must be in [0, 1]", mu)
	}
	e := &EMA{mu: mu, shadow: make(map[string][]float32, len(params))}
	for i := range params {
		p := &params[i]
		if err := check(p, false); err != nil {
			return nil, err
		}
		if _, dup := e.shadow[p.Name]; dup {
			return nil, fmt.Errorf("optim: EMA: parameter %q given twice", p.Name)
		}
		e.names = append(e.names, p.Name)
		e.shadow[p.Name] = append([]float32(nil), p.W...)
	}
	return e, nil
}

// Rate returns μ.
func (e *EMA) Rate() float64 { return e.mu }

// Updates returns how many times [EMA.Update] has run since registration
// (kept in the state for provenance; the average does not depend on it).
func (e *EMA) Updates() int64 { return e.updates }

// Update folds the current weights into the shadow. Every registered
// parameter must be given, with its registered size; they are checked before
// anything changes. The arithmetic is PyTorch's for
// (1 − μ)·θ + μ·shadow on float32 tensors: both factors rounded to float32,
// two float32 products, one float32 sum.
func (e *EMA) Update(params []Param) error {
	if err := e.match(params); err != nil {
		return err
	}
	a, b := float32(1-e.mu), float32(e.mu)
	for i := range params {
		w := params[i].W
		s := e.shadow[params[i].Name][:len(w)]
		forRanges(len(w), func(lo, hi int) {
			w, s := w[lo:hi], s[lo:hi]
			for k := range w {
				s[k] = float32(a*w[k]) + float32(b*s[k])
			}
		})
	}
	e.updates++
	return nil
}

// CopyTo writes the shadow into the weights of params, which must be the
// registered parameters — normally of a copy of the model used for
// evaluation or saving, not the live one.
func (e *EMA) CopyTo(params []Param) error {
	if err := e.match(params); err != nil {
		return err
	}
	for i := range params {
		copy(params[i].W, e.shadow[params[i].Name])
	}
	return nil
}

// Shadow returns the average of the named parameter (not a copy), or nil.
func (e *EMA) Shadow(name string) []float32 { return e.shadow[name] }

// match checks that params are exactly the registered parameters.
func (e *EMA) match(params []Param) error {
	if len(params) != len(e.names) {
		return fmt.Errorf("optim: EMA: %d parameters given, %d registered", len(params), len(e.names))
	}
	for i := range params {
		p := &params[i]
		s, ok := e.shadow[p.Name]
		if !ok {
			return fmt.Errorf("optim: EMA: parameter %q was not registered", p.Name)
		}
		if len(p.W) != len(s) {
			return fmt.Errorf("optim: EMA: %s: %d weights, shadow has %d", p.Name, len(p.W), len(s))
		}
	}
	return nil
}

// State exports the shadow: one tensor per parameter, under the parameter's
// own name and with its shape (as ema.py's state_dict), and the counter
// "updates". The tensors are copies.
func (e *EMA) State() State {
	s := State{Tensors: make(map[string][]float32, len(e.names)), Counters: map[string]int64{"updates": e.updates}}
	for _, n := range e.names {
		s.Tensors[n] = append([]float32(nil), e.shadow[n]...)
	}
	return s
}

// LoadState replaces the shadow by s (as written by [EMA.State]). s must
// hold exactly the registered parameters with their sizes; on error the
// current shadow is kept.
func (e *EMA) LoadState(s State) error {
	if len(s.Tensors) != len(e.names) {
		for _, n := range s.Names() {
			if _, ok := e.shadow[n]; !ok {
				return fmt.Errorf("optim: EMA state tensor %q is not a registered parameter", n)
			}
		}
	}
	next := make(map[string][]float32, len(e.names))
	for _, n := range e.names {
		t, err := s.tensor(n, len(e.shadow[n]))
		if err != nil {
			return fmt.Errorf("%w (EMA)", err)
		}
		next[n] = t
	}
	updates, err := s.counter("updates")
	if err != nil {
		return fmt.Errorf("%w (EMA)", err)
	}
	e.shadow, e.updates = next, updates
	return nil
}
