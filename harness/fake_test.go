package harness

import (
	"math"

	"arceval/models"
)

// fakeModel answers from a lookup table: a row whose input tokens are a key
// of answers predicts that answer from step from[key] on (earlier steps, and
// inputs without an entry, predict the input itself), with q_halt logit q[key]
// (default −1). It stands in for a trained model so that views, inversion and
// voting can be tested exactly.
type fakeModel struct {
	info    models.Info
	answers map[string][]uint8
	from    map[string]int
	q       map[string]float32
	nan     map[string]bool // inputs whose logits are all NaN
	nanQ    map[string]bool // inputs whose q_halt logit is NaN
	depths  []int           // opt.Depth of every Step call
}

func (f *fakeModel) Info() models.Info { return f.info }

func (f *fakeModel) NewRun(B int) models.Run {
	return &fakeRun{f: f, steps: make([]int, B), done: make([]bool, B)}
}

type fakeRun struct {
	f     *fakeModel
	steps []int
	done  []bool
}

func (r *fakeRun) Done(i int) bool { return r.done[i] }

func (r *fakeRun) Step(b models.Batch, out *models.StepOutput, opt models.StepOptions) error {
	S, V := r.f.info.SeqLen, r.f.info.Vocab
	r.f.depths = append(r.f.depths, opt.Depth(r.f.info.MaxSteps))
	for i := range r.steps {
		if r.done[i] {
			continue
		}
		r.steps[i]++
		in := make([]uint8, S)
		for j := range in {
			in[j] = uint8(b.Inputs[i*S+j])
		}
		key := string(in)
		pred := in
		if a, ok := r.f.answers[key]; ok && r.steps[i] >= r.f.from[key] {
			pred = a
		}
		logits := out.Logits[i*S*V : (i+1)*S*V]
		clear(logits)
		for j, t := range pred {
			logits[j*V+int(t)] = 1
		}
		if r.f.nan[key] {
			for j := range logits {
				logits[j] = float32(math.NaN())
			}
		}
		q, ok := r.f.q[key]
		if !ok {
			q = -1
		}
		if r.f.nanQ[key] {
			q = float32(math.NaN())
		}
		out.QHalt[i] = q
		if opt.HaltOnQ && q > 0 {
			r.done[i] = true
		}
	}
	return nil
}
