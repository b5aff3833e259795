package trm

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models/checkpoint"
	"arceval/models/nn"
)

// trainFixture is the training part of a parity fixture
// (../shared/fixtures/parity/README.md).
type trainFixture struct {
	Kind              string          `json:"kind"`
	Config            json.RawMessage `json:"config"`
	Loss              string          `json:"loss"`
	Inputs            [][]int32       `json:"inputs"`
	Labels            [][]int32       `json:"labels"`
	PuzzleIdentifiers []int32         `json:"puzzle_identifiers"`
	Train             *struct {
		BatchDivisor    float64 `json:"batch_divisor"`
		ExplorationProb float64 `json:"exploration_prob"`
		Steps           []struct {
			Step          int       `json:"step"`
			TotalLoss     float64   `json:"total_loss"`
			LMLoss        float64   `json:"lm_loss"`
			QHaltLoss     float64   `json:"q_halt_loss"`
			QContinueLoss float64   `json:"q_continue_loss"`
			QHalt         []float64 `json:"q_halt"`
			Halted        []bool    `json:"halted"`
			Steps         []int     `json:"steps"`
			Tolerance     struct {
				LossAbs  float64            `json:"loss_abs"`
				GradAtol map[string]float64 `json:"grad_atol"`
			} `json:"tolerance"`
		} `json:"steps"`
	} `json:"train"`
}

// TestTrainParity runs the training steps of every TRM fixture with a train
// section from its state_dict and batch: step 1 from the initial carry, step
// 2 from step 1's carry with the weights after the official optimiser update
// (NAME.train1.after). Losses, q_halt, halting and every gradient
// (NAME.trainK.grad) are compared with the official values within the
// fixture's tolerances, llm.c style.
func TestTrainParity(t *testing.T) {
	dir := testenv.FixturesRoot(t)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	found := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f trainFixture
		if json.Unmarshal(data, &f) != nil || f.Kind != "trm" || f.Train == nil {
			continue
		}
		found++
		base := strings.TrimSuffix(p, ".json")
		t.Run(filepath.Base(base), func(t *testing.T) { runTrainFixture(t, base, &f) })
	}
	if found == 0 {
		t.Skipf("no TRM fixture with a train section in %s", dir)
	}
}

func runTrainFixture(t *testing.T, base string, f *trainFixture) {
	cfg, err := ParseConfig(f.Config)
	if err != nil {
		t.Fatal(err)
	}
	kind, err := nn.ParseLossKind(f.Loss)
	if err != nil {
		t.Fatal(err)
	}
	src, err := OpenTensors(base + ".state_dict")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	m, err := LoadTrainable(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	B := len(f.Inputs)
	var batch TrainBatch
	for r := 0; r < B; r++ {
		batch.Inputs = append(batch.Inputs, f.Inputs[r]...)
		batch.Labels = append(batch.Labels, f.Labels[r]...)
	}
	batch.PuzzleIDs = f.PuzzleIdentifiers
	opt := TrainOptions{Loss: kind, LossScale: 1 / f.Train.BatchDivisor, ExplorationProb: f.Train.ExplorationProb}
	s, out, ar := m.NewTrainState(B), m.NewTrainOutput(B), &nn.Arena{}
	for k, want := range f.Train.Steps {
		step := k + 1
		if want.Step != step {
			t.Fatalf("train step %d is labelled %d", step, want.Step)
		}
		if step > 1 {
			// The official optimiser ran between the steps: continue from
			// its weights, with this run's carry.
			loadWeights(t, m, base+".train"+strconv.Itoa(step-1)+".after")
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
			d := math.Abs(l.got - l.want)
			if d > tol.LossAbs {
				t.Errorf("step %d: %s = %.9g, official %.9g (diff %.3g > loss_abs %.3g)", step, l.name, l.got, l.want, d, tol.LossAbs)
			} else {
				t.Logf("step %d: %-16s OK, diff = %.3g (loss_abs %.3g)", step, l.name, d, tol.LossAbs)
			}
		}
		qd := 0.0
		for r := 0; r < B; r++ {
			qd = math.Max(qd, math.Abs(float64(out.QHalt[r])-want.QHalt[r]))
			if s.Halted[r] != want.Halted[r] || s.Steps[r] != want.Steps[r] {
				t.Errorf("step %d row %d: halted %v after %d steps, official %v after %d", step, r, s.Halted[r], s.Steps[r], want.Halted[r], want.Steps[r])
			}
		}
		if qd > tol.LossAbs {
			t.Errorf("step %d: q_halt maxdiff %.3g > %.3g", step, qd, tol.LossAbs)
		} else {
			t.Logf("step %d: %-16s OK, maxdiff = %.3g", step, "q_halt", qd)
		}
		compareGrads(t, m, step, base+".train"+strconv.Itoa(step)+".grad", tol.GradAtol)
	}
}

// loadWeights copies every parameter and the puzzle table from a state_dict
// into the trainable model and repacks it.
func loadWeights(t *testing.T, m *Model, path string) {
	t.Helper()
	src, err := OpenTensors(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	r, err := newResolver(src)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string, dst []float32) {
		v, err := r.get(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != len(dst) {
			t.Fatalf("%s: %d values, the model has %d", name, len(v), len(dst))
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

// compareGrads compares the model's gradients with an official gradient
// dump (every tensor of the file, none missing), printing each tensor's
// maximum difference.
func compareGrads(t *testing.T, m *Model, step int, path string, atol map[string]float64) {
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
		name := key
		for _, pre := range officialPrefixes {
			if pre != "" && strings.HasPrefix(key, pre) {
				name = strings.TrimPrefix(key, pre)
				break
			}
		}
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
			t.Errorf("step %d: %-58s maxdiff = %.3g > grad_atol %.3g", step, name, d, a)
		} else {
			t.Logf("step %d: %-58s OK, maxdiff = %.3g (atol %.3g)", step, name, d, a)
		}
	}
	for name := range ours {
		if !seen[name] {
			t.Errorf("step %d: no official gradient for %s", step, name)
		}
	}
}
