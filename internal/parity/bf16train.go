package parity

import (
	"math"
	"testing"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/nn"
	"arceval/models/tensors"
)

// bf16GradTol bounds the relative L2 distance between a parameter's
// gradient from one bf16 TrainStep and the float32 one. Most of it is the
// forward recursion's bf16 drift from float32 before the gradient cycle
// (measured on TRM's conformance configs: ≤ 4.9 % with attention, ≤ 16.1 %
// with mlp_t); a wrong product is off by 100 % or more. The products
// themselves are held to 2 % at equal inputs (nn.TestBlockBF16Train).
const bf16GradTol = 0.25

// checkBF16Training checks bf16 training (act.SetPrecision on a trainable
// model):
//
//   - the trainable model in bf16, and its Snapshot (what a training run
//     evaluates), evaluate with the bits of an evaluation model in bf16 (its
//     layers' bf16 packing is shared, not different);
//   - after its weights change and Repack, its steps and NextQ have the bits
//     of a bf16 model loaded from the changed weights (every bf16 copy the
//     forward pass reads refreshed);
//   - one TrainStep's gradients are within bf16GradTol of the float32
//     model's, parameter by parameter (relative L2);
//   - switched back to float32, its TrainStep gives the float32 model's
//     gradients bit for bit (nothing of the bf16 pass is left in its state).
func checkBF16Training(t *testing.T, f models.Family, c models.Config, w tensors.Map, b models.Batch, steps int) {
	tr, err := f.LoadTrainable(c, w)
	if err != nil {
		t.Fatal(err)
	}
	if err := core(t, tr).SetPrecision(act.PrecisionBF16); err != nil {
		t.Fatal(err)
	}
	loadBF16 := func(w tensors.Map) []float32 {
		t.Helper()
		m, err := f.Load(c, w)
		if err == nil {
			err = core(t, m).SetPrecision(act.PrecisionBF16)
		}
		if err != nil {
			t.Fatal(err)
		}
		return RunOutputs(t, m, b, steps)
	}
	want := loadBF16(w)
	if got := RunOutputs(t, tr, b, steps); !bitsEqual(got, want) {
		t.Errorf("a trainable model in bf16 evaluates differently from an evaluation model in bf16 (output %d)", firstDiff(got, want))
	}
	snap, err := tr.Snapshot(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := RunOutputs(t, snap, b, steps); !bitsEqual(got, want) {
		t.Errorf("the Snapshot of a model training in bf16 evaluates differently from an evaluation model in bf16 (output %d)", firstDiff(got, want))
	}

	// One step in each precision from the same weights and batch.
	fp, err := f.LoadTrainable(c, w)
	if err != nil {
		t.Fatal(err)
	}
	info := tr.Info()
	B := len(b.PuzzleIDs)
	tb := RandomTrainBatch(info.SeqLen, info.Vocab, info.PuzzleIDs, B, 13)
	for _, m := range []models.Trainable{tr, fp} {
		m.ZeroGrad()
		if err := m.TrainStep(m.NewTrainState(B), tb, models.TrainOptions{}, m.NewTrainOutput(B), &nn.Arena{}); err != nil {
			t.Fatal(err)
		}
	}
	fps := fp.Params()
	for k, p := range tr.Params() {
		e := relDist(p.G, fps[k].G)
		if !(e <= bf16GradTol) {
			t.Errorf("%s: bf16 gradient %.4f from float32's (relative L2), want ≤ %g", p.Name, e, bf16GradTol)
		}
	}

	// Change every weight, repack, compare with a model loaded from them.
	changed := tensors.Map{}
	for name, v := range w {
		changed[name] = v
	}
	for _, p := range tr.Params() {
		for i := range p.W {
			p.W[i] *= 1.0625
		}
		changed[p.Name] = tensors.Tensor{Shape: p.Shape, Data: append([]float32(nil), p.W...)}
	}
	tr.Repack()
	if got, want := RunOutputs(t, tr, b, steps), loadBF16(changed); !bitsEqual(got, want) {
		t.Errorf("after Repack, the bf16 model evaluates differently from one loaded from its weights (output %d)", firstDiff(got, want))
	}
	fresh, err := f.Load(c, changed)
	if err == nil {
		err = core(t, fresh).SetPrecision(act.PrecisionBF16)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got, want := nextQ(t, tr, b), nextQ(t, fresh, b); !bitsEqual(got, want) {
		t.Errorf("after Repack, the bf16 model's NextQ differs from one loaded from its weights (value %d)", firstDiff(got, want))
	}

	// Back in float32 (on the changed weights), one step as a float32 model's.
	if err := core(t, tr).SetPrecision(act.PrecisionFloat32); err != nil {
		t.Fatal(err)
	}
	fp2, err := f.LoadTrainable(c, changed)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []models.Trainable{tr, fp2} {
		m.ZeroGrad()
		if err := m.TrainStep(m.NewTrainState(B), tb, models.TrainOptions{}, m.NewTrainOutput(B), &nn.Arena{}); err != nil {
			t.Fatal(err)
		}
	}
	fps = fp2.Params()
	for k, p := range tr.Params() {
		if i := firstDiff(p.G, fps[k].G); i >= 0 {
			t.Errorf("back in float32, %s gradient [%d] = %v, a float32 model's %v", p.Name, i, p.G[i], fps[k].G[i])
			break
		}
	}
}

// nextQ is one step of m on b, then NextQ's (q_halt, q_continue) per row.
func nextQ(t *testing.T, m models.Model, b models.Batch) []float32 {
	t.Helper()
	cm := core(t, m)
	B := len(b.PuzzleIDs)
	s, out, ar := cm.NewState(B), cm.NewStepOutput(B), &nn.Arena{}
	if err := cm.Step(s, b, out, models.StepOptions{}, ar); err != nil {
		t.Fatal(err)
	}
	qh, qc := make([]float32, B), make([]float32, B)
	if err := cm.NextQ(s, qh, qc, ar); err != nil {
		t.Fatal(err)
	}
	return append(qh, qc...)
}

// relDist is ‖x − y‖ / ‖y‖ (‖x‖ when y is zero).
func relDist(x, y []float32) float64 {
	var d, n float64
	for i := range y {
		e := float64(x[i]) - float64(y[i])
		d, n = d+e*e, n+float64(y[i])*float64(y[i])
	}
	if n == 0 {
		return math.Sqrt(d)
	}
	return math.Sqrt(d / n)
}
