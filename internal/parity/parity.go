// Package parity holds the checks every model family passes. The
// conformance suite (Conformance: the official initialisation, evaluation
// properties against the per-row reference step, training properties)
// runs on small random models of any family, as gonum's testblas runs
// against every BLAS implementation. FixtureParity reads the parity
// fixtures (reference outputs of the official PyTorch models: the tiny ones
// in the repository's testdata/parity, the full-size ones in
// $ARCEVAL_FIXTURES or ../shared/fixtures/parity) and checks a family's
// supervision steps, training steps and gradients against them with each
// step's stored tolerances. Whole-step finite differences (CheckGradients)
// check the training step where no fixture reaches.
package parity

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models"
	"arceval/models/nn"
)

// Fixture is the part of a fixture JSON the forward pass is checked against.
type Fixture struct {
	Path              string          `json:"-"` // NAME.json without ".json"
	Kind              string          `json:"kind"`
	Config            json.RawMessage `json:"config"`
	Loss              string          `json:"loss"` // official loss_type
	Inputs            [][]int32       `json:"inputs"`
	Labels            [][]int32       `json:"labels"`
	PuzzleIdentifiers []int32         `json:"puzzle_identifiers"`
	EvalSteps         []EvalStep      `json:"eval_steps"`
	Train             Training        `json:"train"`
}

// Name is the fixture's base name ("tiny_hrm").
func (f *Fixture) Name() string { return filepath.Base(f.Path) }

// EvalStep is one evaluation-mode supervision step of the reference.
type EvalStep struct {
	Step      int           `json:"step"`
	Argmax    [][]int32     `json:"argmax"`
	QHalt     []float64     `json:"q_halt"`
	QContinue []float64     `json:"q_continue"`
	Halted    []bool        `json:"halted"`
	Logits    [][][]float64 `json:"logits"`
	ZH        [][][]float64 `json:"z_H"`
	Tolerance struct {
		LogitsAtol *float64 `json:"logits_atol"`
		QAtol      float64  `json:"q_atol"`
		Parity     bool     `json:"parity"`
	} `json:"tolerance"`
}

// Training is a fixture's train section: the loss is divided by
// BatchDivisor before the backward pass; Steps are the reference's
// training steps (none when the fixture has no train section).
type Training struct {
	BatchDivisor    float64     `json:"batch_divisor"`
	ExplorationProb float64     `json:"exploration_prob"`
	Steps           []TrainStep `json:"steps"`
}

// TrainStep is one training step of the reference: its losses (sums over
// the batch), q_halt, halting, the HRM Q-learning target, and tolerances
// (loss_abs; grad_atol per official gradient key).
type TrainStep struct {
	Step            int       `json:"step"`
	TotalLoss       float64   `json:"total_loss"`
	LMLoss          float64   `json:"lm_loss"`
	QHaltLoss       float64   `json:"q_halt_loss"`
	QContinueLoss   float64   `json:"q_continue_loss"`
	QHalt           []float64 `json:"q_halt"`
	Halted          []bool    `json:"halted"`
	Steps           []int     `json:"steps"`
	TargetQContinue []float64 `json:"target_q_continue"`
	Tolerance       struct {
		LossAbs  float64            `json:"loss_abs"`
		GradAtol map[string]float64 `json:"grad_atol"`
	} `json:"tolerance"`
}

// Discover returns the fixtures of a kind, sorted by name: the repository's
// (testdata/parity) and the external folder's (testenv.FixtureFiles), a
// fixture in both once, from the repository. With none it reports them
// missing (testenv.Missing).
func Discover(t *testing.T, kind string) []*Fixture {
	t.Helper()
	paths := testenv.FixtureFiles(t, "*.json")
	var out []*Fixture
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f Fixture
		if json.Unmarshal(data, &f) != nil || f.Kind != kind {
			continue
		}
		f.Path = strings.TrimSuffix(p, ".json")
		out = append(out, &f)
	}
	if len(out) == 0 {
		testenv.Missing(t, testenv.Fixtures, "no %s parity fixtures in %s", kind, strings.Join(testenv.FixtureDirs(t), ", "))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// Batch is the fixture's batch.
func (f *Fixture) Batch() models.Batch {
	b := models.Batch{PuzzleIDs: f.PuzzleIdentifiers}
	for _, row := range f.Inputs {
		b.Inputs = append(b.Inputs, row...)
	}
	return b
}

// LastStep is the last evaluation step that is a parity target (the
// full-size fixtures' later steps only record float32 chaos).
func (f *Fixture) LastStep() int {
	last := 0
	for _, e := range f.EvalSteps {
		if e.Tolerance.Parity {
			last = max(last, e.Step)
		}
	}
	return last
}

// Eval returns the reference of a step, nil when not recorded.
func (f *Fixture) Eval(step int) *EvalStep {
	for i := range f.EvalSteps {
		if f.EvalSteps[i].Step == step {
			return &f.EvalSteps[i]
		}
	}
	return nil
}

// RunEval runs the fixture's evaluation steps up to LastStep: step runs one
// supervision step on the fixture's batch and returns its results, which are
// checked with CheckStep.
func (f *Fixture) RunEval(t *testing.T, step func(models.Batch) (Result, error)) {
	t.Helper()
	b := f.Batch()
	for s := 1; s <= f.LastStep(); s++ {
		res, err := step(b)
		if err != nil {
			t.Fatal(err)
		}
		f.CheckStep(t, s, res)
	}
}

// Result is what a model produced at one step.
type Result struct {
	Out    *models.StepOutput
	Halted []bool    // (B) after the step
	ZH     []float32 // (B, T, D) z_H after the step; nil: not compared
}

// CheckStep compares a step's results with the reference within its
// tolerances — halting; q_halt and q_continue (q_atol); logits and z_H
// (logits_atol); argmax wherever the reference's top-two margin exceeds
// 2·logits_atol — reports failures and logs the max differences.
func (f *Fixture) CheckStep(t *testing.T, step int, res Result) {
	t.Helper()
	e := f.Eval(step)
	if e == nil {
		return
	}
	B := len(f.Inputs)
	for r := 0; r < B; r++ {
		if res.Halted[r] != e.Halted[r] {
			t.Errorf("step %d row %d: halted %v, reference %v", step, r, res.Halted[r], e.Halted[r])
		}
	}
	if !e.Tolerance.Parity {
		t.Logf("step %d: not a parity target (halting only)", step)
		return
	}
	qd := 0.0
	for r := 0; r < B; r++ {
		qd = math.Max(qd, math.Abs(float64(res.Out.QHalt[r])-e.QHalt[r]))
		qd = math.Max(qd, math.Abs(float64(res.Out.QContinue[r])-e.QContinue[r]))
	}
	if qd > e.Tolerance.QAtol {
		t.Errorf("step %d: q maxdiff %.3g > q_atol %.3g", step, qd, e.Tolerance.QAtol)
	}
	if e.Logits == nil || e.Tolerance.LogitsAtol == nil {
		t.Logf("step %d: OK q maxdiff %.3g (atol %.3g)", step, qd, e.Tolerance.QAtol)
		return
	}
	atol := *e.Tolerance.LogitsAtol
	S := len(f.Inputs[0])
	V := len(e.Logits[0][0])
	argmax := make([]int32, B*S)
	nn.Argmax(argmax, res.Out.Logits, B*S, V)
	ld, checked, flips := 0.0, 0, 0
	for r := 0; r < B; r++ {
		for s := 0; s < S; s++ {
			ref := e.Logits[r][s]
			best, second := math.Inf(-1), math.Inf(-1)
			for v := 0; v < V; v++ {
				ld = math.Max(ld, math.Abs(float64(res.Out.Logits[(r*S+s)*V+v])-ref[v]))
				if ref[v] > best {
					best, second = ref[v], best
				} else if ref[v] > second {
					second = ref[v]
				}
			}
			if best-second > 2*atol {
				checked++
				if argmax[r*S+s] != e.Argmax[r][s] {
					flips++
				}
			}
		}
	}
	if ld > atol {
		t.Errorf("step %d: logits maxdiff %.3g > logits_atol %.3g", step, ld, atol)
	}
	if flips > 0 {
		t.Errorf("step %d: %d of %d confident argmaxes differ", step, flips, checked)
	}
	msg := ""
	if e.ZH != nil && res.ZH != nil {
		zd := 0.0
		T, D := len(e.ZH[0]), len(e.ZH[0][0])
		if len(res.ZH) != B*T*D {
			t.Fatalf("step %d: z_H has %d values, reference %d×%d×%d", step, len(res.ZH), B, T, D)
		}
		for r := 0; r < B; r++ {
			for p := 0; p < T; p++ {
				for d := 0; d < D; d++ {
					zd = math.Max(zd, math.Abs(float64(res.ZH[(r*T+p)*D+d])-e.ZH[r][p][d]))
				}
			}
		}
		if zd > atol {
			t.Errorf("step %d: z_H maxdiff %.3g > logits_atol %.3g", step, zd, atol)
		}
		msg = fmt.Sprintf(", z_H maxdiff %.3g", zd)
	}
	t.Logf("step %d: OK logits maxdiff %.3g (atol %.3g), q maxdiff %.3g (atol %.3g)%s, %d confident argmaxes equal",
		step, ld, atol, qd, e.Tolerance.QAtol, msg, checked)
}
