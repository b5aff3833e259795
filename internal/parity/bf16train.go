package parity

import (
	"math"
	"strings"
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
// model) for a family that has it; one that has not must refuse, naming
// training. With it:
//
//   - the trainable model in bf16 evaluates with the bits of an evaluation
//     model in bf16 (its layers' bf16 packing is shared, not different);
//   - after its weights change and Repack, it evaluates with the bits of a
//     bf16 model loaded from the changed weights (every bf16 copy refreshed);
//   - one TrainStep's gradients are within bf16GradTol of the float32
//     model's, parameter by parameter (relative L2).
func checkBF16Training(t *testing.T, f models.Family, c models.Config, w tensors.Map, b models.Batch, steps int) {
	tr, err := f.LoadTrainable(c, w)
	if err != nil {
		t.Fatal(err)
	}
	err = core(t, tr).SetPrecision(act.PrecisionBF16)
	if err != nil {
		if !strings.Contains(err.Error(), "training") {
			t.Errorf("bf16 training refused with %v, want an error naming training", err)
		}
		return
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
	if got, want := RunOutputs(t, tr, b, steps), loadBF16(w); !bitsEqual(got, want) {
		t.Errorf("a trainable model in bf16 evaluates differently from an evaluation model in bf16 (output %d)", firstDiff(got, want))
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
