package parity

import (
	"testing"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/nn"
)

// BF16Properties checks the bfloat16 evaluation precision (act.SetPrecision)
// of a family's config c:
//
//   - Step in bf16 equals the per-row reference step in bf16, bit for bit
//     (batch composition, the gather of running rows);
//   - each row alone and the batch at GOMAXPROCS 1 and 2 give the same bits;
//   - a step allocates nothing;
//   - the pure-Go bf16 kernels give the bits of the assembly chain ones;
//   - bf16 outputs differ from float32 ones (the mode is really on), and
//     switching back to float32 gives the float32 bits again;
//   - bf16 training (checkBF16Training).
func BF16Properties(t *testing.T, f models.Family, c models.Config) {
	w := balancedWeights(t, f, c)
	load := func() models.Model {
		t.Helper()
		m, err := f.Load(c, w)
		if err != nil {
			t.Fatal(err)
		}
		if err := core(t, m).SetPrecision(act.PrecisionBF16); err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := load()
	info := m.Info()
	t.Run("reference", func(t *testing.T) { checkReference(t, m) })
	t.Run("rows and threads", func(t *testing.T) { checkRowsAndThreads(t, m) })
	t.Run("no allocations", func(t *testing.T) {
		cm := core(t, m)
		const B = 3
		s, out, ar := cm.NewState(B), cm.NewStepOutput(B), &nn.Arena{}
		b := batchFor(info, B)
		CheckStepAllocs(t, func() error { return cm.Step(s, b, out, models.StepOptions{}, ar) }, func() { clear(s.Halted) })
	})
	b := batchFor(info, 3)
	bf := RunOutputs(t, m, b, info.MaxSteps)
	t.Run("go kernels", func(t *testing.T) {
		// Every assembly kernel that computes the reference chain (not
		// AMX: it rounds a pair's sum its own way) has the pure-Go bits.
		chains := nn.BF16ChainKernels()
		if len(chains) < 2 {
			t.Skip("no assembly chain bf16 kernel on this machine")
		}
		prev := nn.BF16Kernel()
		defer func() {
			if err := nn.SetBF16Kernel(prev); err != nil {
				t.Fatal(err)
			}
		}()
		run := func(name string) []float32 {
			t.Helper()
			if err := nn.SetBF16Kernel(name); err != nil {
				t.Fatal(err)
			}
			return RunOutputs(t, load(), b, info.MaxSteps)
		}
		want := run("go")
		for _, name := range chains[:len(chains)-1] {
			if got := run(name); len(got) != len(want) || firstDiff(got, want) >= 0 {
				t.Errorf("pure-Go bf16 kernels differ from %s at output %d", name, firstDiff(got, want))
			}
		}
	})
	t.Run("precision switch", func(t *testing.T) {
		fp, err := f.Load(c, w)
		if err != nil {
			t.Fatal(err)
		}
		want := RunOutputs(t, fp, b, info.MaxSteps)
		if bitsEqual(bf, want) {
			t.Error("bf16 outputs have the float32 bits: the bf16 path did not run")
		}
		cm := core(t, m)
		if err := cm.SetPrecision(act.PrecisionFloat32); err != nil {
			t.Fatal(err)
		}
		defer cm.SetPrecision(act.PrecisionBF16)
		if cm.Precision() != act.PrecisionFloat32 || !bitsEqual(RunOutputs(t, m, b, info.MaxSteps), want) {
			t.Error("back in float32, the outputs differ from a float32 model's")
		}
		if err := cm.SetPrecision("float16"); err == nil {
			t.Error("an unknown precision was accepted")
		}
	})
	t.Run("training", func(t *testing.T) { checkBF16Training(t, f, c, w, b, info.MaxSteps) })
}
