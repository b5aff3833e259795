package parity

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// TrainProperties checks the training step of a family's trainable model
// of config c (random weights, RandomWeights) against the properties every
// trainable model has: its forward gives the bits of evaluation; gradients
// add up until ZeroGrad; a step allocates nothing; the halting rule with
// exploration; Snapshot and Save give models that compute what the live
// one computes, with overrides, and Save's file loads with act.LoadFile;
// Params list the layout's parameters in order and Weights every tensor;
// bad input is refused before anything changes; an inference model does
// not train.
func TrainProperties(t *testing.T, f models.Family, c models.Config) {
	m, err := f.LoadTrainable(c, RandomWeights(c, 5))
	if err != nil {
		t.Fatal(err)
	}
	info := m.Info()
	B := 3
	b := RandomTrainBatch(info.SeqLen, info.Vocab, info.PuzzleIDs, B, 11)
	S, V := info.SeqLen, info.Vocab
	haltsOnQ := core(t, m).Halt() != act.HaltAtMax
	load := func(path string) (models.Model, error) {
		lm, src, err := act.LoadFile(f, path, nil)
		if err != nil {
			return nil, err
		}
		t.Cleanup(func() { src.Close() })
		return lm, nil
	}
	bias := param(t, m, "q_head.bias")
	saved := slices.Clone(bias)
	setBias := func(halt, cont float32) {
		bias[0], bias[1] = halt, cont
		m.Repack()
	}
	defer func() { copy(bias, saved); m.Repack() }()

	t.Run("matches evaluation", func(t *testing.T) {
		setBias(-50, 50) // no halting on Q
		defer setBias(saved[0], saved[1])
		s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
		run, eout := m.NewRun(B), models.NewStepOutput(info, B)
		for step := 1; step <= info.MaxSteps+1; step++ {
			if err := m.TrainStep(s, b, models.TrainOptions{}, out, ar); err != nil {
				t.Fatal(err)
			}
			if err := run.Step(models.Batch{Inputs: b.Inputs, PuzzleIDs: b.PuzzleIDs}, eout, models.StepOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, v := range []struct {
				name      string
				got, want []float32
			}{{"logits", out.Logits, eout.Logits}, {"q_halt", out.QHalt, eout.QHalt}, {"q_continue", out.QContinue, eout.QContinue}} {
				for i := range v.got {
					if math.Float32bits(v.got[i]) != math.Float32bits(v.want[i]) {
						t.Fatalf("step %d: %s[%d] = %v, evaluation %v", step, v.name, i, v.got[i], v.want[i])
					}
				}
			}
			for r := 0; r < B; r++ {
				if want := (step-1)%info.MaxSteps + 1; s.Steps[r] != want || s.Halted[r] != (want == info.MaxSteps) {
					t.Fatalf("step %d row %d: %d steps, halted %v", step, r, s.Steps[r], s.Halted[r])
				}
			}
		}
	})

	t.Run("gradients add up", func(t *testing.T) {
		s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
		s0 := s.Clone()
		m.ZeroGrad()
		if err := m.TrainStep(s, b, models.TrainOptions{}, out, ar); err != nil {
			t.Fatal(err)
		}
		var one [][]float32
		for _, p := range m.Params() {
			one = append(one, slices.Clone(p.G))
		}
		if err := m.TrainStep(s0, b, models.TrainOptions{}, out, ar); err != nil {
			t.Fatal(err)
		}
		for k, p := range m.Params() {
			for i, g := range p.G {
				if math.Abs(float64(g-2*one[k][i])) > 1e-6*math.Max(1, math.Abs(float64(g))) {
					t.Fatalf("%s[%d] = %v after two equal steps, want %v", p.Name, i, g, 2*one[k][i])
				}
			}
		}
		if p := m.PuzzleEmb(); p != nil && (len(p.IDs) != 2*B || len(p.G) != 2*B*p.Shape[1]) {
			t.Errorf("puzzle rows: %d ids, %d values after two steps", len(p.IDs), len(p.G))
		}
		m.ZeroGrad()
		for _, p := range m.Params() {
			if slices.ContainsFunc(p.G, func(v float32) bool { return v != 0 }) {
				t.Fatalf("ZeroGrad left gradients in %s", p.Name)
			}
		}
		if p := m.PuzzleEmb(); p != nil && len(p.IDs) != 0 {
			t.Error("ZeroGrad left puzzle rows")
		}
	})

	t.Run("no allocations", func(t *testing.T) {
		if RaceEnabled {
			t.Skip("allocation counts are meaningless under the race detector")
		}
		s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
		rng := rand.New(rand.NewPCG(1, 2))
		opt := models.TrainOptions{ExplorationProb: 0.5, Rand: rng}
		if err := m.TrainStep(s, b, opt, out, ar); err != nil {
			t.Fatal(err)
		}
		allocs := testing.AllocsPerRun(5, func() {
			m.ZeroGrad()
			if err := m.TrainStep(s, b, opt, out, ar); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > 0 {
			t.Errorf("%.0f allocations per training step", allocs)
		}
	})

	t.Run("halting", func(t *testing.T) {
		if info.MaxSteps < 3 || !haltsOnQ {
			t.Skip("no halting on Q")
		}
		setBias(50, -50) // q_halt > q_continue: halt at once …
		defer setBias(saved[0], saved[1])
		ar, out := &nn.Arena{}, m.NewTrainOutput(B)
		s := m.NewTrainState(B)
		if err := m.TrainStep(s, b, models.TrainOptions{}, out, ar); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(s.Halted, false) {
			t.Errorf("q_halt > q_continue: halted %v", s.Halted)
		}
		// … unless exploration sets a minimum in [2, halt_max_steps].
		s = m.NewTrainState(B)
		opt := models.TrainOptions{ExplorationProb: 1, Rand: rand.New(rand.NewPCG(3, 4))}
		seen := map[int]bool{}
		for k := 0; k < 10*info.MaxSteps; k++ {
			if err := m.TrainStep(s, b, opt, out, ar); err != nil {
				t.Fatal(err)
			}
			for r := 0; r < B; r++ {
				if s.Halted[r] && s.Steps[r] < 2 || !s.Halted[r] && s.Steps[r] >= info.MaxSteps {
					t.Fatalf("exploration: row %d halted=%v after %d steps", r, s.Halted[r], s.Steps[r])
				}
				if s.Halted[r] {
					seen[s.Steps[r]] = true
				}
			}
		}
		if len(seen) < 2 {
			t.Errorf("exploration: rows halted only after %v steps", seen)
		}
	})

	t.Run("snapshot and save", func(t *testing.T) {
		// Move the weights away from the loaded ones first.
		for _, p := range m.Params() {
			for i := range p.W {
				p.W[i] *= 1.01
			}
		}
		m.Repack()
		ref := runSteps(t, m, b, 2)
		snap, err := m.Snapshot(nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := runSteps(t, snap, b, 2); !slices.Equal(got, ref) {
			t.Error("Snapshot computes something else than the live model")
		}
		path := filepath.Join(t.TempDir(), "model.safetensors")
		if err := m.Save(path, nil, map[string]string{"test": "yes"}); err != nil {
			t.Fatal(err)
		}
		loaded, err := load(path)
		if err != nil {
			t.Fatal(err)
		}
		if loaded.Info() != info {
			t.Errorf("saved model's info %+v, live %+v", loaded.Info(), info)
		}
		if got := runSteps(t, loaded, b, 2); !slices.Equal(got, ref) {
			t.Error("the saved model computes something else than the live model")
		}
		// The snapshot owns its weights; an override replaces a tensor.
		lm := param(t, m, "lm_head.weight")
		orig := slices.Clone(lm)
		clear(lm)
		m.Repack()
		if got := runSteps(t, snap, b, 2); !slices.Equal(got, ref) {
			t.Error("the snapshot changed with the live weights")
		}
		over, err := m.Snapshot(map[string][]float32{"lm_head.weight": orig})
		if err != nil {
			t.Fatal(err)
		}
		if got := runSteps(t, over, b, 2); !slices.Equal(got, ref) {
			t.Error("an override did not replace the live tensor")
		}
		copy(lm, orig)
		for _, p := range m.Params() {
			for i := range p.W {
				p.W[i] /= 1.01
			}
		}
		m.Repack()
		if _, err := m.Snapshot(map[string][]float32{"lm_head.weight": orig[1:]}); err == nil {
			t.Error("an override of the wrong size was accepted")
		}
		if _, err := m.Snapshot(map[string][]float32{"no.such.weight": orig}); err == nil {
			t.Error("an override of an unknown tensor was accepted")
		}
	})

	t.Run("errors", func(t *testing.T) {
		out, ar := m.NewTrainOutput(B), &nn.Arena{}
		// A carry whose rows all halted: every row loads at the next step.
		running := m.NewTrainState(B)
		for k := 0; k < info.MaxSteps; k++ {
			if err := m.TrainStep(running, b, models.TrainOptions{NoQHalt: true}, out, ar); err != nil {
				t.Fatal(err)
			}
		}
		bad := func(name string, edit func(b *models.TrainBatch), opt models.TrainOptions, want string) {
			t.Helper()
			bb := models.TrainBatch{Inputs: slices.Clone(b.Inputs), Labels: slices.Clone(b.Labels), PuzzleIDs: slices.Clone(b.PuzzleIDs)}
			edit(&bb)
			for _, s := range []*models.Carry{m.NewTrainState(B), running} {
				before := s.Clone()
				err := m.TrainStep(s, bb, opt, out, ar)
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("%s: err = %v, want %q", name, err, want)
				}
				if d := carryDiff(s, before); d != "" {
					t.Errorf("%s: the carry's %s changed", name, d)
				}
			}
		}
		bad("label", func(b *models.TrainBatch) { b.Labels[S+3] = int32(V) }, models.TrainOptions{}, "row 1, position 3: label")
		bad("token", func(b *models.TrainBatch) { b.Inputs[2] = -1 }, models.TrainOptions{}, "row 0, position 2: token -1")
		if info.PuzzleIDs > 0 {
			bad("puzzle id", func(b *models.TrainBatch) { b.PuzzleIDs[1] = int32(info.PuzzleIDs) }, models.TrainOptions{}, "puzzle identifier")
		}
		bad("short batch", func(b *models.TrainBatch) { b.Labels = b.Labels[1:] }, models.TrainOptions{}, "labels")
		bad("exploration", func(*models.TrainBatch) {}, models.TrainOptions{ExplorationProb: 0.5}, "Rand")
		if err := m.TrainStep(m.NewTrainState(B+1), b, models.TrainOptions{}, out, ar); err == nil {
			t.Error("a state for another batch size was accepted")
		}
		inf, err := f.Load(c, RandomWeights(c, 5))
		if err != nil {
			t.Fatal(err)
		}
		ic := core(t, inf)
		if err := ic.TrainStep(ic.NewTrainState(B), b, models.TrainOptions{}, out, ar); err == nil || !strings.Contains(err.Error(), "LoadTrainable") {
			t.Errorf("an inference model trained: err = %v", err)
		}
		if ic.Params() != nil || ic.PuzzleEmb() != nil || ic.Weights() != nil {
			t.Error("an inference model has parameters")
		}
	})

	t.Run("owns its weights", func(t *testing.T) {
		src := RandomWeights(c, 4) // random puzzle rows: a zero table would hide shared memory
		before := src.Clone()
		om, err := f.LoadTrainable(c, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range om.Params() {
			for i := range p.W {
				p.W[i] += 1
			}
		}
		if p := om.PuzzleEmb(); p != nil {
			for i := range p.W {
				p.W[i] += 1
			}
		}
		for name, v := range before {
			if !slices.Equal(src[name].Data, v.Data) {
				t.Errorf("%s: the model shares memory with its source", name)
			}
		}
	})

	t.Run("params", func(t *testing.T) {
		var want []string
		for _, s := range c.Specs() {
			if !s.Buffer {
				want = append(want, s.Name)
			}
		}
		var got []string
		n := 0
		for _, p := range m.Params() {
			got = append(got, p.Name)
			n += len(p.W)
			if len(p.G) != len(p.W) || len(p.W) != elements(p.Shape) {
				t.Errorf("%s %v: %d values, %d gradients", p.Name, p.Shape, len(p.W), len(p.G))
			}
		}
		if !slices.Equal(got, want) || n != tensors.Params(c.Specs()) {
			t.Errorf("params %v (%d values), want %v (%d)", got, n, want, tensors.Params(c.Specs()))
		}
		w := m.Weights()
		for _, s := range c.Specs() {
			if v, ok := w[s.Name]; !ok || !slices.Equal(v.Shape, s.Shape) || len(v.Data) != s.Elements() {
				t.Errorf("Weights: %s is %v with %d values, the layout says %v", s.Name, v.Shape, len(v.Data), s.Shape)
			}
		}
		if len(w) != len(c.Specs()) {
			t.Errorf("Weights has %d tensors, the layout %d", len(w), len(c.Specs()))
		}
		if (m.PuzzleEmb() != nil) != (info.PuzzleIDs > 0 && w["puzzle_emb.weights"].Data != nil) {
			t.Errorf("PuzzleEmb %v with %d puzzle ids", m.PuzzleEmb() != nil, info.PuzzleIDs)
		}
	})
}

func elements(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// param returns the live weights of a named parameter.
func param(t *testing.T, m models.Trainable, name string) []float32 {
	t.Helper()
	for _, p := range m.Params() {
		if p.Name == name {
			return p.W
		}
	}
	t.Fatalf("no parameter %s", name)
	return nil
}

// runSteps runs n evaluation steps of m on b and returns the last logits
// and q values.
func runSteps(t *testing.T, m models.Model, b models.TrainBatch, n int) []float32 {
	t.Helper()
	B := len(b.PuzzleIDs)
	run, out := m.NewRun(B), models.NewStepOutput(m.Info(), B)
	for i := 0; i < n; i++ {
		if err := run.Step(models.Batch{Inputs: b.Inputs, PuzzleIDs: b.PuzzleIDs}, out, models.StepOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	return append(append(slices.Clone(out.Logits), out.QHalt...), out.QContinue...)
}
