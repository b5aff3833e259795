package optim

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// On the first step m = (1−β1)g and √v = √(1−β2)|g|, so Adam-atan2 moves
// every weight by (lr/(1−β1))·atan(1−β1) against the gradient's sign,
// whatever its size; a zero gradient only decays.
func TestAdamATan2FirstStepIsScaleFree(t *testing.T) {
	a, err := NewAdam(AdamConfig{Rule: ATan2, Beta1: 0.9, Beta2: 0.95, WeightDecay: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	p := []Param{{Name: "w", Shape: []int{2, 2}, W: []float32{1, 1, 1, 1}, G: []float32{1e-8, -3, 100, 0}}}
	const lr = 1e-3
	if err := a.Step(p, lr); err != nil {
		t.Fatal(err)
	}
	decayed := 1 - lr*0.1
	move := lr / 0.1 * math.Atan(0.1)
	want := []float64{decayed - move, decayed + move, decayed - move, decayed}
	for i, w := range p[0].W {
		if math.Abs(float64(w)-want[i]) > 1e-7 {
			t.Errorf("w[%d] = %.9f, want %.9f", i, w, want[i])
		}
	}
	if a.StepCount("w") != 1 {
		t.Errorf("step count %d, want 1", a.StepCount("w"))
	}
}

// adamRef is the update in float64, written as plainly as possible.
func adamRef(rule Rule, w, g, m, v []float64, t int, lr, b1, b2, wd, eps float64) {
	bc1 := 1 - math.Pow(b1, float64(t))
	bc2 := 1 - math.Pow(b2, float64(t))
	for i := range w {
		w[i] *= 1 - lr*wd
		m[i] = b1*m[i] + (1-b1)*g[i]
		v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
		den := math.Sqrt(v[i]) / math.Sqrt(bc2)
		if rule == ATan2 {
			w[i] -= lr / bc1 * math.Atan2(m[i], den)
		} else {
			w[i] -= lr / bc1 * m[i] / (den + eps)
		}
	}
}

func TestAdamMatchesFloat64Reference(t *testing.T) {
	for _, rule := range []Rule{ATan2, AdamW} {
		t.Run(rule.String(), func(t *testing.T) {
			const n, steps = 257, 6
			cfg := AdamConfig{Rule: rule, Beta1: 0.9, Beta2: 0.95, WeightDecay: 1, Eps: 1e-8}
			a, err := NewAdam(cfg)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			p := []Param{{Name: "w", Shape: []int{n}, W: make([]float32, n), G: make([]float32, n)}}
			w, m, v, g := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range w {
				p[0].W[i] = float32(rng.NormFloat64())
				w[i] = float64(p[0].W[i])
			}
			for s := 1; s <= steps; s++ {
				lr := 1e-3 * float64(s)
				for i := range g {
					p[0].G[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(7)-5)))
					g[i] = float64(p[0].G[i])
				}
				if err := a.Step(p, lr); err != nil {
					t.Fatal(err)
				}
				adamRef(rule, w, g, m, v, s, lr, 0.9, 0.95, 1, 1e-8)
			}
			d := 0.0
			for i := range w {
				d = max(d, math.Abs(float64(p[0].W[i])-w[i]))
			}
			if d > 1e-6 {
				t.Errorf("maxdiff to the float64 reference after %d steps: %.3g", steps, d)
			}
			t.Logf("OK, maxdiff to the float64 reference after %d steps = %.3g", steps, d)
		})
	}
}

func TestAdamSkipsParamsWithoutGradient(t *testing.T) {
	a, _ := NewAdam(AdamConfig{Rule: ATan2, Beta1: 0.9, Beta2: 0.95, WeightDecay: 0.1})
	p := []Param{
		{Name: "frozen", Shape: []int{1}, W: []float32{2}},
		{Name: "live", Shape: []int{1}, W: []float32{2}, G: []float32{1}},
	}
	for range 3 {
		if err := a.Step(p, 1e-2); err != nil {
			t.Fatal(err)
		}
	}
	if p[0].W[0] != 2 || a.StepCount("frozen") != 0 {
		t.Errorf("parameter without gradient: w = %g, steps = %d", p[0].W[0], a.StepCount("frozen"))
	}
	if a.StepCount("live") != 3 {
		t.Errorf("live parameter: %d steps, want 3", a.StepCount("live"))
	}
	if _, ok := a.State().Tensors["frozen.exp_avg"]; ok {
		t.Error("state exported for a parameter that never had a gradient")
	}
}

// Export after two steps, restore into a new optimiser, and both must take
// the same third step bit for bit.
func TestAdamStateRoundTrip(t *testing.T) {
	cfg := AdamConfig{Rule: ATan2, Beta1: 0.9, Beta2: 0.95, WeightDecay: 0.1}
	a, _ := NewAdam(cfg)
	p := []Param{
		{Name: "x", Shape: []int{3}, W: []float32{1, 2, 3}, G: []float32{0.5, -1, 2}},
		{Name: "y", Shape: []int{1}, W: []float32{-1}, G: []float32{3}},
	}
	for range 2 {
		if err := a.Step(p, 1e-2); err != nil {
			t.Fatal(err)
		}
	}
	s := a.State()
	if want := []string{"x.exp_avg", "x.exp_avg_sq", "y.exp_avg", "y.exp_avg_sq"}; !slices.Equal(s.Names(), want) {
		t.Fatalf("state tensors %v, want %v", s.Names(), want)
	}
	if s.Counters["x.step"] != 2 || s.Counters["y.step"] != 2 {
		t.Fatalf("state counters %v", s.Counters)
	}
	b, _ := NewAdam(cfg)
	if err := b.LoadState(s, p); err != nil {
		t.Fatal(err)
	}
	q := []Param{
		{Name: "x", Shape: []int{3}, W: slices.Clone(p[0].W), G: p[0].G},
		{Name: "y", Shape: []int{1}, W: slices.Clone(p[1].W), G: p[1].G},
	}
	if err := a.Step(p, 1e-2); err != nil {
		t.Fatal(err)
	}
	if err := b.Step(q, 1e-2); err != nil {
		t.Fatal(err)
	}
	for i := range p {
		if !slices.Equal(p[i].W, q[i].W) {
			t.Errorf("%s: continued %v, restored %v", p[i].Name, p[i].W, q[i].W)
		}
	}
}

func TestAdamErrors(t *testing.T) {
	cfg := AdamConfig{Rule: ATan2, Beta1: 0.9, Beta2: 0.95}
	a, _ := NewAdam(cfg)
	p := []Param{{Name: "x", Shape: []int{2}, W: []float32{1, 2}, G: []float32{1, 1}}}
	if err := a.Step(p, 1e-3); err != nil {
		t.Fatal(err)
	}
	good := a.State()
	with := func(edit func(s *State)) State {
		s := State{Tensors: map[string][]float32{}, Counters: map[string]int64{}}
		for k, v := range good.Tensors {
			s.Tensors[k] = slices.Clone(v)
		}
		for k, v := range good.Counters {
			s.Counters[k] = v
		}
		edit(&s)
		return s
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"beta", func() error { _, err := NewAdam(AdamConfig{Beta1: 1, Beta2: 0.9}); return err }(), "betas"},
		{"rule", func() error { _, err := NewAdam(AdamConfig{Rule: 7}); return err }(), "unknown Adam rule"},
		{"lr", a.Step(p, -1), "learning rate"},
		{"twice", a.Step([]Param{p[0], p[0]}, 1e-3), `"x" given twice`},
		{"grad size", a.Step([]Param{{Name: "x", Shape: []int{2}, W: []float32{1, 2}, G: []float32{1}}}, 1e-3), "1 gradient entries"},
		{"state size", a.Step([]Param{{Name: "x", Shape: []int{3}, W: make([]float32, 3), G: make([]float32, 3)}}, 1e-3), "optimiser state has 2"},
		{"load unknown", a.LoadState(with(func(s *State) { s.Tensors["z.exp_avg"] = []float32{1} }), p), `"z.exp_avg" belongs to no parameter`},
		{"load size", a.LoadState(with(func(s *State) { s.Tensors["x.exp_avg_sq"] = []float32{1} }), p), `"x.exp_avg_sq" has 1 values, want 2`},
		{"load partial", a.LoadState(with(func(s *State) { delete(s.Tensors, "x.exp_avg") }), p), `no tensor "x.exp_avg"`},
		{"load step", a.LoadState(with(func(s *State) { s.Counters["x.step"] = -1 }), p), "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", tc.err, tc.want)
			}
		})
	}
	if a.StepCount("x") != 1 || !slices.Equal(a.State().Tensors["x.exp_avg"], good.Tensors["x.exp_avg"]) {
		t.Error("failed calls changed the optimiser state")
	}
}
