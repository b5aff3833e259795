package parity

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// FixtureParity checks a family against every parity fixture of its kind
// (Discover), each as a subtest named after it:
//
//   - evaluation: the fixture's batch through its evaluation steps —
//     halting, q_halt/q_continue, logits, confident argmaxes and z_H
//     (where recorded) against the official outputs within each step's
//     stored tolerances (RunEval);
//   - training halting: on the saved weights, a step that halts on Q halts
//     the rows the official first training step halts (exploration is off
//     in the fixtures), and, where the reference records it, the
//     Q-learning target of the next step (act.Model.TargetQContinue);
//   - import (hidden ≤ 128): act.Import into a native file, which loads
//     without a config and computes the official checkpoint's bits;
//   - training: the fixture's training steps, losses and every gradient
//     (RunTrain).
//
// A family's test is one line:
//
//	func TestParity(t *testing.T) { parity.FixtureParity(t, Family) }
func FixtureParity(t *testing.T, f models.Family) {
	t.Helper()
	for _, fx := range Discover(t, f.Kind()) {
		t.Run(fx.Name(), func(t *testing.T) {
			c, err := act.ParseConfig(f, fx.Config)
			if err != nil {
				t.Fatal(err)
			}
			D := hidden(c.Specs())
			if testing.Short() && D > 128 {
				t.Skip("full-size fixture skipped in -short mode")
			}
			src := openFile(t, fx.Path+".state_dict")
			m, err := f.Load(c, src)
			if err != nil {
				t.Fatal(err)
			}
			cm := core(t, m)
			B := len(fx.Inputs)
			t.Run("evaluation", func(t *testing.T) {
				s, out, ar := cm.NewState(B), cm.NewStepOutput(B), &nn.Arena{}
				fx.RunEval(t, func(b models.Batch) (Result, error) {
					err := cm.Step(s, b, out, models.StepOptions{}, ar)
					return Result{Out: out, Halted: s.Halted, ZH: s.ZH}, err
				})
			})
			if len(fx.Train.Steps) > 0 {
				t.Run("training halting", func(t *testing.T) { fx.checkTrainHalting(t, cm) })
			}
			if D <= 128 {
				t.Run("import", func(t *testing.T) {
					out := filepath.Join(t.TempDir(), fx.Name()+".safetensors")
					rep, err := act.Import(f, c, src, out, nil)
					if err != nil {
						t.Fatal(err)
					}
					if rep.Prefix != "_orig_mod.model.inner." || rep.Params != tensors.Params(c.Specs()) || rep.Tensors != len(c.Specs()) {
						t.Errorf("report %+v", rep)
					}
					native, nsrc, err := act.LoadFile(f, out, nil)
					if err != nil {
						t.Fatal(err)
					}
					defer nsrc.Close()
					b := batchFor(m.Info(), 3)
					if !slices.Equal(RunOutputs(t, m, b, 2), RunOutputs(t, native, b, 2)) {
						t.Error("the native file's outputs differ from the official checkpoint's")
					}
				})
			}
			if len(fx.Train.Steps) > 0 {
				t.Run("training", func(t *testing.T) {
					tm, err := f.LoadTrainable(c, src)
					if err != nil {
						t.Fatal(err)
					}
					fx.RunTrain(t, tm)
				})
			}
		})
	}
}

// checkTrainHalting compares a step that halts on Q, from the saved
// weights, with the official first training step: halting, steps and
// (when recorded) the Q-learning target, which is the next evaluation
// step's computation: its q tolerance applies (sigmoid only shrinks
// differences).
func (f *Fixture) checkTrainHalting(t *testing.T, cm *act.Model) {
	B := len(f.Inputs)
	s, out, ar := cm.NewState(B), cm.NewStepOutput(B), &nn.Arena{}
	if err := cm.Step(s, f.Batch(), out, models.StepOptions{HaltOnQ: true}, ar); err != nil {
		t.Fatal(err)
	}
	ref := f.Train.Steps[0]
	for r := 0; r < B; r++ {
		if s.Halted[r] != ref.Halted[r] || s.Steps[r] != ref.Steps[r] {
			t.Errorf("row %d: halted %v after %d steps, reference %v after %d", r, s.Halted[r], s.Steps[r], ref.Halted[r], ref.Steps[r])
		}
	}
	if ref.TargetQContinue == nil {
		return
	}
	zH := slices.Clone(s.ZH)
	target := make([]float32, B)
	if err := cm.TargetQContinue(s, target, ar); err != nil {
		t.Fatal(err)
	}
	if !bitsEqual(zH, s.ZH) {
		t.Fatal("TargetQContinue changed the carry")
	}
	atol := f.Eval(2).Tolerance.QAtol
	d := 0.0
	for r := range target {
		d = math.Max(d, math.Abs(float64(target[r])-ref.TargetQContinue[r]))
	}
	if d > atol {
		t.Errorf("target_q_continue maxdiff %.3g > %.3g", d, atol)
	}
	t.Logf("OK target_q_continue maxdiff %.3g (atol %.3g)", d, atol)
}

// openFile opens a checkpoint as a tensor source for the duration of the
// test.
func openFile(t *testing.T, path string) *tensors.File {
	t.Helper()
	src, err := tensors.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}
