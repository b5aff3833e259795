package optim

import (
	"fmt"
	"math"
)

// Rule selects the update rule of an [Adam] optimiser.
type Rule uint8

const (
	// ATan2 is Adam-atan2 (adam_atan2.AdamATan2, used by TRM and HRM). Per
	// element, at step t (the parameter's own counter, 1 on its first update):
	//
	//	θ ← θ · (1 − lr·wd)                               decoupled weight decay
	//	m ← m + (1 − β1)(g − m)
	//	v ← v + (1 − β2)(g² − v)
	//	θ ← θ − (lr / (1 − β1^t)) · atan2(m, √v / √(1 − β2^t))
	//
	// There is no ε: atan2 is bounded by π/2 and atan2(0, 0) = 0, so every
	// weight moves by at most lr·π/2 / (1 − β1^t) whatever the gradient's
	// scale. Weight decay applies to every parameter (no exclusions).
	//
	// The bias correction 1/(1 − β1^t) scales the step, outside atan2, as in
	// the adam_atan2 kernel TRM was trained with and as the parity fixtures
	// confirm (some later copies of the kernel move it inside atan2, which
	// is a different update: 2e-4 away after one step of the tiny fixtures).
	ATan2 Rule = iota
	// AdamW is torch.optim.AdamW: the same decay and moments, then
	//
	//	θ ← θ − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
	AdamW
)

func (r Rule) String() string {
	switch r {
	case ATan2:
		return "adam_atan2"
	case AdamW:
		return "adamw"
	}
	return fmt.Sprintf("Rule(%d)", uint8(r))
}

// AdamConfig holds an Adam optimiser's hyper-parameters. The learning rate
// is not part of it: it changes every step and is given to [Adam.Step].
type AdamConfig struct {
	Rule         Rule
	Beta1, Beta2 float64 // TRM: 0.9, 0.95
	WeightDecay  float64 // decoupled: θ ← θ·(1 − lr·wd)
	Eps          float64 // AdamW only (PyTorch's default is 1e-8); ignored by ATan2
}

// Adam is Adam-atan2 or AdamW with per-parameter state (m, v and a step
// counter), created on a parameter's first update and keyed by its name.
type Adam struct {
	cfg   AdamConfig
	state map[string]*moments
}

// moments is one parameter's Adam state.
type moments struct {
	m, v []float32 // first and second moment, the parameter's shape
	step int64     // updates applied so far
}

// NewAdam returns an optimiser with empty state.
func NewAdam(cfg AdamConfig) (*Adam, error) {
	switch {
	case cfg.Rule != ATan2 && cfg.Rule != AdamW:
		return nil, fmt.Errorf("optim: unknown Adam rule %d", cfg.Rule)
	case !(cfg.Beta1 >= 0 && cfg.Beta1 < 1) || !(cfg.Beta2 >= 0 && cfg.Beta2 < 1):
		return nil, fmt.Errorf("optim: betas (%g, %g) must be in [0, 1)", cfg.Beta1, cfg.Beta2)
	case !(cfg.WeightDecay >= 0) || math.IsInf(cfg.WeightDecay, 1):
		return nil, fmt.Errorf("optim: weight decay %g must be finite and ≥ 0", cfg.WeightDecay)
	case cfg.Rule == AdamW && (!(cfg.Eps >= 0) || math.IsInf(cfg.Eps, 1)):
		return nil, fmt.Errorf("optim: AdamW eps %g must be finite and ≥ 0", cfg.Eps)
	}
	return &Adam{cfg: cfg, state: map[string]*moments{}}, nil
}

// Config returns the optimiser's hyper-parameters.
func (a *Adam) Config() AdamConfig { return a.cfg }

// StepCount returns how many updates the named parameter has received.
func (a *Adam) StepCount(name string) int64 {
	if s := a.state[name]; s != nil {
		return s.step
	}
	return 0
}

// Step applies one update with learning rate lr to every parameter that has
// a gradient (G != nil), advancing each one's step counter by one. It
// changes W and the state, never G. Parameters are checked before anything
// is modified, so an error leaves weights and state as they were.
func (a *Adam) Step(params []Param, lr float64) error {
	if !(lr >= 0) || math.IsInf(lr, 1) {
		return fmt.Errorf("optim: learning rate %g must be finite and ≥ 0", lr)
	}
	seen := make(map[string]bool, len(params))
	for i := range params {
		p := &params[i]
		if err := check(p, true); err != nil {
			return err
		}
		if seen[p.Name] {
			return fmt.Errorf("optim: parameter %q given twice", p.Name)
		}
		seen[p.Name] = true
		if s := a.state[p.Name]; s != nil && len(s.m) != len(p.W) {
			return fmt.Errorf("optim: %s: %d weights, optimiser state has %d", p.Name, len(p.W), len(s.m))
		}
	}
	for i := range params {
		p := &params[i]
		if p.G == nil {
			continue
		}
		s := a.state[p.Name]
		if s == nil {
			s = &moments{m: make([]float32, len(p.W)), v: make([]float32, len(p.W))}
			a.state[p.Name] = s
		}
		s.step++
		a.update(p.W, p.G, s, lr)
	}
	return nil
}

// update applies one step to one tensor. The scalars are formed in float64
// from the step count and then rounded to float32, as the adam_atan2 CUDA
// kernel does; the element loop runs in float32, split over the cores
// (element-wise: the same bits).
func (a *Adam) update(w, g []float32, s *moments, lr float64) {
	t := float64(s.step)
	bc1 := 1 - math.Pow(a.cfg.Beta1, t)
	bc2 := 1 - math.Pow(a.cfg.Beta2, t)
	stepSize := float32(lr / bc1)
	decay := float32(1 - lr*a.cfg.WeightDecay)
	bc2Sqrt := float32(math.Sqrt(bc2))
	mix1 := float32(1 - a.cfg.Beta1)
	mix2 := float32(1 - a.cfg.Beta2)
	m, v := s.m[:len(w)], s.v[:len(w)]
	g = g[:len(w)]
	switch a.cfg.Rule {
	case ATan2:
		forRanges(len(w), func(lo, hi int) {
			w, g, m, v := w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi]
			for i := range w {
				gi := g[i]
				mi := m[i] + float32(mix1*(gi-m[i]))
				vi := v[i] + float32(mix2*(float32(gi*gi)-v[i]))
				den := float32(math.Sqrt(float64(vi))) / bc2Sqrt
				dir := float32(math.Atan2(float64(mi), float64(den)))
				w[i] = float32(w[i]*decay) - float32(stepSize*dir)
				m[i], v[i] = mi, vi
			}
		})
	case AdamW:
		eps := float32(a.cfg.Eps)
		forRanges(len(w), func(lo, hi int) {
			w, g, m, v := w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi]
			for i := range w {
				gi := g[i]
				mi := m[i] + float32(mix1*(gi-m[i]))
				vi := v[i] + float32(mix2*(float32(gi*gi)-v[i]))
				den := float32(math.Sqrt(float64(vi)))/bc2Sqrt + eps
				w[i] = float32(w[i]*decay) - float32(stepSize*(mi/den))
				m[i], v[i] = mi, vi
			}
		})
	}
}

// State exports the optimiser state: for every parameter P updated at least
// once, tensors "P.exp_avg" (m) and "P.exp_avg_sq" (v), both of P's shape
// and named as in PyTorch's optimiser state, and the counter "P.step". The
// tensors are copies.
func (a *Adam) State() State {
	s := State{Tensors: map[string][]float32{}, Counters: map[string]int64{}}
	for name, st := range a.state {
		s.Tensors[name+".exp_avg"] = append([]float32(nil), st.m...)
		s.Tensors[name+".exp_avg_sq"] = append([]float32(nil), st.v...)
		s.Counters[name+".step"] = st.step
	}
	return s
}

// LoadState replaces the optimiser state by s (as written by [Adam.State])
// for the given parameters. Every entry of s must belong to one of params and
// have its size; a parameter without entries starts fresh (step 0), which is
// what a parameter that never had a gradient has. On error the current state
// is kept.
func (a *Adam) LoadState(s State, params []Param) error {
	next := make(map[string]*moments, len(params))
	used := 0
	for i := range params {
		p := &params[i]
		if err := check(p, false); err != nil {
			return err
		}
		_, hasM := s.Tensors[p.Name+".exp_avg"]
		_, hasV := s.Tensors[p.Name+".exp_avg_sq"]
		_, hasStep := s.Counters[p.Name+".step"]
		if !hasM && !hasV && !hasStep {
			continue
		}
		m, err := s.tensor(p.Name+".exp_avg", len(p.W))
		if err != nil {
			return err
		}
		v, err := s.tensor(p.Name+".exp_avg_sq", len(p.W))
		if err != nil {
			return err
		}
		step, err := s.counter(p.Name + ".step")
		if err != nil {
			return err
		}
		next[p.Name] = &moments{m: m, v: v, step: step}
		used += 2
	}
	if used != len(s.Tensors) || len(next) != len(s.Counters) {
		for _, n := range s.Names() {
			if !belongs(n, next, ".exp_avg", ".exp_avg_sq") {
				return fmt.Errorf("optim: state tensor %q belongs to no parameter", n)
			}
		}
		for n := range s.Counters {
			if !belongs(n, next, ".step") {
				return fmt.Errorf("optim: state counter %q belongs to no parameter", n)
			}
		}
	}
	a.state = next
	return nil
}

// belongs reports whether name is one of the state entries of a loaded
// parameter.
func belongs(name string, loaded map[string]*moments, suffixes ...string) bool {
	for _, suf := range suffixes {
		if len(name) > len(suf) && name[len(name)-len(suf):] == suf {
			if _, ok := loaded[name[:len(name)-len(suf)]]; ok {
				return true
			}
		}
	}
	return false
}
