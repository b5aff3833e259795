package parity

import (
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models"
	"arceval/models/checkpoint"
	"arceval/models/nn"
)

// prefixes are the key prefixes of official checkpoints and gradient
// dumps, longest first.
var prefixes = []string{"_orig_mod.model.inner.", "model.inner.", "inner."}

// shortName strips an official key prefix.
func shortName(key string) string {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(key, p); ok {
			return rest
		}
	}
	return key
}

// TrainBatch is the fixture's batch with its labels.
func (f *Fixture) TrainBatch() models.TrainBatch {
	b := models.TrainBatch{PuzzleIDs: f.PuzzleIdentifiers}
	for r := range f.Inputs {
		b.Inputs = append(b.Inputs, f.Inputs[r]...)
		b.Labels = append(b.Labels, f.Labels[r]...)
	}
	return b
}

// Trained returns the fixtures of a kind that have a train section; it
// skips the test when there are none.
func Trained(t *testing.T, kind string) []*Fixture {
	t.Helper()
	var out []*Fixture
	for _, f := range Discover(t, kind) {
		if len(f.Train.Steps) > 0 {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		testenv.Missing(t, testenv.Fixtures, "no %s parity fixture with a train section", kind)
	}
	return out
}

// RunTrain replays the fixture's training steps on m, a trainable model
// loaded from the fixture's state_dict: step 1 from the initial carry, step
// k > 1 from step k−1's carry with the weights after the official optimiser
// update (NAME.train{k−1}.after). It compares the losses, q_halt, halting,
// the Q-learning target (when the reference has one) and every gradient
// (NAME.trainK.grad) with the reference within the step's tolerances,
// llm.c style, logging each maximum difference.
func (f *Fixture) RunTrain(t *testing.T, m models.Trainable) {
	t.Helper()
	kind, err := nn.ParseLossKind(f.Loss)
	if err != nil {
		t.Fatal(err)
	}
	if f.Train.ExplorationProb != 0 {
		t.Fatalf("exploration probability %g: the reference is not deterministic", f.Train.ExplorationProb)
	}
	B := len(f.Inputs)
	batch := f.TrainBatch()
	opt := models.TrainOptions{Loss: kind, LossScale: 1 / f.Train.BatchDivisor}
	s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
	for k, want := range f.Train.Steps {
		step := k + 1
		if want.Step != step {
			t.Fatalf("train step %d is labelled %d", step, want.Step)
		}
		if step > 1 {
			LoadWeights(t, m, f.Path+".train"+strconv.Itoa(step-1)+".after")
		}
		m.ZeroGrad()
		if err := m.TrainStep(s, batch, opt, out, ar); err != nil {
			t.Fatal(err)
		}
		tol := want.Tolerance
		for _, l := range []struct {
			name      string
			got, want float64
		}{{"total_loss", out.TotalLoss, want.TotalLoss}, {"lm_loss", out.LMLoss, want.LMLoss},
			{"q_halt_loss", out.QHaltLoss, want.QHaltLoss}, {"q_continue_loss", out.QContinueLoss, want.QContinueLoss}} {
			if d := math.Abs(l.got - l.want); d > tol.LossAbs || math.IsNaN(d) {
				t.Errorf("step %d: %s = %.9g, official %.9g (diff %.3g > loss_abs %.3g)", step, l.name, l.got, l.want, d, tol.LossAbs)
			} else {
				t.Logf("step %d: %-18s OK, diff = %.3g (loss_abs %.3g)", step, l.name, d, tol.LossAbs)
			}
		}
		qd, td := 0.0, 0.0
		for r := 0; r < B; r++ {
			qd = math.Max(qd, math.Abs(float64(out.QHalt[r])-want.QHalt[r]))
			if want.TargetQContinue != nil {
				td = math.Max(td, math.Abs(float64(out.TargetQContinue[r])-want.TargetQContinue[r]))
			}
			if s.Halted[r] != want.Halted[r] || s.Steps[r] != want.Steps[r] {
				t.Errorf("step %d row %d: halted %v after %d steps, official %v after %d", step, r, s.Halted[r], s.Steps[r], want.Halted[r], want.Steps[r])
			}
		}
		check := func(name string, d float64) {
			t.Helper()
			if d > tol.LossAbs || math.IsNaN(d) {
				t.Errorf("step %d: %s maxdiff %.3g > %.3g", step, name, d, tol.LossAbs)
			} else {
				t.Logf("step %d: %-18s OK, maxdiff = %.3g", step, name, d)
			}
		}
		check("q_halt", qd)
		if want.TargetQContinue != nil {
			check("target_q_continue", td)
		}
		CompareGrads(t, m, step, f.Path+".train"+strconv.Itoa(step)+".grad", tol.GradAtol)
	}
}

// LoadWeights copies every parameter and the puzzle table of a state_dict
// (official or short key names) into a trainable model and repacks it.
func LoadWeights(t *testing.T, m models.Trainable, path string) {
	t.Helper()
	f, err := checkpoint.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byName := map[string]string{}
	for _, k := range f.Keys() {
		byName[shortName(k)] = k
	}
	read := func(name string, dst []float32) {
		key, ok := byName[name]
		if !ok {
			t.Fatalf("%s: no tensor %s", path, name)
		}
		tn, _ := f.Tensor(key)
		v, err := tn.Float32()
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != len(dst) {
			t.Fatalf("%s: %d values, the model has %d", key, len(v), len(dst))
		}
		copy(dst, v)
	}
	for _, p := range m.Params() {
		read(p.Name, p.W)
	}
	if p := m.PuzzleEmb(); p != nil {
		read(p.Name, p.W)
	}
	m.Repack()
}

// CompareGrads compares the model's gradients with an official gradient
// dump: every tensor of the file must be a gradient of the model (the
// puzzle table's is puzzle_emb.local_weights, one row per batch row) within
// its atol (by official key), and every gradient of the model must be in
// the file. Each tensor's maximum difference is logged.
func CompareGrads(t *testing.T, m models.Trainable, step int, path string, atol map[string]float64) {
	t.Helper()
	f, err := checkpoint.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ours := map[string][]float32{}
	for _, p := range m.Params() {
		ours[p.Name] = p.G
	}
	if p := m.PuzzleEmb(); p != nil {
		ours["puzzle_emb.local_weights"] = p.G
	}
	keys := f.Keys()
	sort.Strings(keys)
	seen := map[string]bool{}
	for _, key := range keys {
		name := shortName(key)
		got, ok := ours[name]
		if !ok {
			t.Errorf("step %d: the official gradients have %s, the model has no such parameter", step, key)
			continue
		}
		seen[name] = true
		tn, _ := f.Tensor(key)
		want, err := tn.Float32()
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != len(got) {
			t.Errorf("step %d: %s has %d values, ours %d", step, key, len(want), len(got))
			continue
		}
		d := 0.0
		for i := range want {
			d = math.Max(d, math.Abs(float64(got[i])-float64(want[i])))
		}
		a, ok := atol[key]
		if !ok {
			t.Errorf("step %d: no grad_atol for %s", step, key)
			continue
		}
		if d > a || math.IsNaN(d) {
			t.Errorf("step %d: %-52s maxdiff = %.3g > grad_atol %.3g", step, name, d, a)
		} else {
			t.Logf("step %d: %-52s OK, maxdiff = %.3g (atol %.3g)", step, name, d, a)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(ours)) {
		if !seen[name] {
			t.Errorf("step %d: no official gradient for %s", step, name)
		}
	}
}
