package optim

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models/checkpoint"
)

// trainFixture is the part of a parity fixture JSON that describes its two
// training steps (testdata/parity/README.md at the module root).
type trainFixture struct {
	Kind              string  `json:"kind"`
	PuzzleIdentifiers []int32 `json:"puzzle_identifiers"`
	Train             *struct {
		Optimizer            string    `json:"optimizer"`
		LR                   float64   `json:"lr"`
		WeightDecay          float64   `json:"weight_decay"`
		Betas                []float64 `json:"betas"`
		PuzzleEmbOptimizer   string    `json:"puzzle_emb_optimizer"`
		PuzzleEmbLR          float64   `json:"puzzle_emb_lr"`
		PuzzleEmbWeightDecay float64   `json:"puzzle_emb_weight_decay"`
		Steps                []struct {
			Step      int `json:"step"`
			Tolerance struct {
				AfterAtol map[string]float64 `json:"after_atol"`
			} `json:"tolerance"`
		} `json:"steps"`
	} `json:"train"`
}

const (
	keyPrefix    = "_orig_mod.model.inner."
	puzzleTable  = keyPrefix + "puzzle_emb.weights"
	puzzleLocalG = keyPrefix + "puzzle_emb.local_weights"
)

// isBuffer reports whether a state-dict key is a buffer rather than a
// parameter in the official models: the starting states H_init / L_init
// (nn.Buffer in trm.py, hrm.py and transformers_baseline.py) and the
// puzzle-embedding table (nn.Buffer in sparse_embedding.py, trained by
// sparse SignSGD only). Adam-atan2 and the EMA see model.parameters() only.
func isBuffer(key string) bool {
	return key == keyPrefix+"H_init" || key == keyPrefix+"L_init" || key == puzzleTable
}

// tensorFile is a whole torch file read into memory.
type tensorFile struct {
	keys   []string
	shapes map[string][]int
	data   map[string][]float32
}

func readTensors(t *testing.T, path string) *tensorFile {
	t.Helper()
	f, err := checkpoint.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tf := &tensorFile{keys: f.Keys(), shapes: map[string][]int{}, data: map[string][]float32{}}
	for _, k := range tf.keys {
		v, _ := f.Tensor(k)
		d, err := v.Float32()
		if err != nil {
			t.Fatal(err)
		}
		tf.shapes[k], tf.data[k] = v.Shape, d
	}
	return tf
}

// discoverTrainFixtures lists the fixtures with a train section.
func discoverTrainFixtures(t *testing.T) map[string]*trainFixture {
	paths := testenv.FixtureFiles(t, "*.json")
	out := map[string]*trainFixture{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f trainFixture
		if json.Unmarshal(data, &f) != nil || f.Train == nil {
			continue
		}
		out[strings.TrimSuffix(p, ".json")] = &f
	}
	if len(out) == 0 {
		testenv.Missing(t, testenv.Fixtures, "no parity fixture with a train section in %s", strings.Join(testenv.FixtureDirs(t), ", "))
	}
	return out
}

// TestParity replays the two optimiser steps of every training fixture:
// from NAME.state_dict, Adam-atan2 on every parameter with the gradients of
// NAME.train1.grad and sparse SignSGD on the puzzle-embedding rows of the
// batch, compared with NAME.train1.after; then the same optimisers (state
// carried over) with NAME.train2.grad, compared with NAME.train2.after. Each
// tensor must be within its after_atol; buffers must be unchanged.
func TestParity(t *testing.T) {
	fixtures := discoverTrainFixtures(t)
	paths := make([]string, 0, len(fixtures))
	for p := range fixtures {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, path := range paths {
		f := fixtures[path]
		t.Run(filepath.Base(path), func(t *testing.T) { replayTraining(t, path, f) })
	}
}

func replayTraining(t *testing.T, path string, f *trainFixture) {
	tr := f.Train
	if tr.Optimizer != "adam_atan2" || tr.PuzzleEmbOptimizer != "sign_sgd" || len(tr.Betas) != 2 {
		t.Fatalf("optimisers %q / %q, betas %v: not what this test replays", tr.Optimizer, tr.PuzzleEmbOptimizer, tr.Betas)
	}
	if len(tr.Steps) != 2 {
		t.Fatalf("%d training steps, want 2", len(tr.Steps))
	}
	start := readTensors(t, path+".state_dict")

	// The live parameters, in state-dict order; buffers are kept aside.
	var params []Param
	live := map[string][]float32{}
	for _, k := range start.keys {
		w := slices.Clone(start.data[k])
		live[k] = w
		if !isBuffer(k) {
			params = append(params, Param{Name: k, Shape: start.shapes[k], W: w})
		}
	}
	table, ok := live[puzzleTable]
	if !ok {
		t.Fatalf("no %s in the state_dict", puzzleTable)
	}
	d := start.shapes[puzzleTable][1]

	cfg := AdamConfig{Rule: ATan2, Beta1: tr.Betas[0], Beta2: tr.Betas[1], WeightDecay: tr.WeightDecay}
	adam, err := NewAdam(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sgd := &SparseSignSGD{WeightDecay: tr.PuzzleEmbWeightDecay}
	var afterStep1 State // Adam state and weights before step 2
	var before []Param

	for s := 1; s <= 2; s++ {
		grad := readTensors(t, fmt.Sprintf("%s.train%d.grad", path, s))
		// The gradient file must hold exactly the parameters (what
		// model.parameters() yields) plus the per-row puzzle gradient.
		want := []string{puzzleLocalG}
		for _, p := range params {
			want = append(want, p.Name)
		}
		got := slices.Clone(grad.keys)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: gradient keys %v, want the parameters %v", s, got, want)
		}
		for i := range params {
			params[i].G = grad.data[params[i].Name]
		}
		if s == 2 {
			afterStep1 = adam.State()
			for _, p := range params {
				before = append(before, Param{Name: p.Name, Shape: p.Shape, W: slices.Clone(p.W), G: p.G})
			}
		}
		if err := adam.Step(params, tr.LR); err != nil {
			t.Fatal(err)
		}
		if err := sgd.Step(table, d, grad.data[puzzleLocalG], f.PuzzleIdentifiers, tr.PuzzleEmbLR); err != nil {
			t.Fatal(err)
		}

		after := readTensors(t, fmt.Sprintf("%s.train%d.after", path, s))
		atol := tr.Steps[s-1].Tolerance.AfterAtol
		worst, worstKey := 0.0, ""
		for _, k := range after.keys {
			w, ok := live[k]
			if !ok {
				t.Errorf("step %d: %s is in the reference but not in the state_dict", s, k)
				continue
			}
			tol, ok := atol[k]
			if !ok {
				t.Errorf("step %d: no after_atol for %s", s, k)
				continue
			}
			diff := maxAbsDiff(w, after.data[k])
			if isBuffer(k) && k != puzzleTable && diff != 0 {
				t.Errorf("step %d: buffer %s changed in the reference by %.3g", s, k, diff)
			}
			if diff > tol {
				t.Errorf("step %d: %s maxdiff %.3g > after_atol %.3g", s, k, diff, tol)
			}
			if diff >= worst {
				worst, worstKey = diff, k
			}
		}
		t.Logf("step %d: OK %d tensors, maxdiff %.3g (%s), puzzle table maxdiff %.3g",
			s, len(after.keys), worst, strings.TrimPrefix(worstKey, keyPrefix),
			maxAbsDiff(table, after.data[puzzleTable]))
		for _, p := range params {
			if n := adam.StepCount(p.Name); n != int64(s) {
				t.Errorf("step %d: %s has Adam step count %d", s, p.Name, n)
			}
		}
		if s == 2 {
			checkResume(t, cfg, afterStep1, before, params, after, tr.LR)
		}
	}
}

// checkResume checks that an optimiser restored from the state exported
// after step 1 repeats step 2 bit for bit (what a resumed run does), and
// logs how far step 2 lands from the reference with a fresh optimiser
// instead (m = v = 0, bias corrections for t = 1): the fixture only passes
// with the state carried over and t = 2.
func checkResume(t *testing.T, cfg AdamConfig, state State, before, done []Param, ref *tensorFile, lr float64) {
	t.Helper()
	replay := func(a *Adam) []Param {
		ps := make([]Param, len(before))
		for i, p := range before {
			ps[i] = Param{Name: p.Name, Shape: p.Shape, W: slices.Clone(p.W), G: p.G}
		}
		if err := a.Step(ps, lr); err != nil {
			t.Fatal(err)
		}
		return ps
	}
	restored, _ := NewAdam(cfg)
	if err := restored.LoadState(state, before); err != nil {
		t.Fatal(err)
	}
	fresh, _ := NewAdam(cfg)
	x, z := replay(restored), replay(fresh)
	freshDiff := 0.0
	for i := range x {
		if !slices.Equal(x[i].W, done[i].W) {
			t.Errorf("%s: step 2 after restoring the exported state differs from the continued run", x[i].Name)
		}
		freshDiff = max(freshDiff, maxAbsDiff(z[i].W, ref.data[z[i].Name]))
	}
	t.Logf("step 2 from the restored state repeats the run exactly; a fresh optimiser (t = 1) would be off by %.3g", freshDiff)
}

func maxAbsDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}
