package parity

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models"
	"arceval/models/act"
	"arceval/models/nn"
)

// BF16Fixture is a bfloat16 parity fixture (testdata/parity/bf16, README
// there): the official code run with forward_dtype bfloat16 under GPU
// semantics (EvalSteps) and in float32 (Float32EvalSteps), on the same
// trained model and batch.
type BF16Fixture struct {
	Fixture
	Float32EvalSteps []EvalStep `json:"float32_eval_steps"`
}

// BF16Thresholds are the agreement a bf16 engine must reach with the
// official bf16 run. Step 1 is held to absolute bounds the float32 engine
// does not reach (its logits are never bit-equal), so the check fails if
// the bf16 mode is replaced by float32. Later steps are chaotic on some
// models (one flipped cell changes what follows), so the pooled cells,
// the exact matches and q_halt are held to the fixture's own yardstick —
// how well the official float32 run agrees with the official bf16 run —
// within a slack.
type BF16Thresholds struct {
	Step1Cells float64 // fraction of step-1 argmax cells equal to the official bf16 ones
	// Step1Logits is the fraction of the step-1 logits the fixture stores
	// (its first rows) equal to the official bf16 values, bit for bit.
	Step1Logits float64
	PooledSlack float64 // pooled cells ≥ yardstick − slack
	ExactSlack  float64 // last-step exact matches ≥ yardstick − slack
	QHaltSlack  float64 // max |Δq_halt| over steps 1–2 ≤ yardstick + slack
}

// BF16Agreement is one engine's agreement with an official run.
type BF16Agreement struct {
	StepCells   []float64 // per step
	PooledCells float64
	Exact       float64
	QHalt12     float64
}

// DiscoverBF16 returns the bf16 fixtures of a kind (bf16/*.json in the
// fixture folders), or ends the test as missing.
func DiscoverBF16(t *testing.T, kind string) []*BF16Fixture {
	t.Helper()
	var out []*BF16Fixture
	for _, p := range testenv.FixtureFiles(t, "bf16/*.json") {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f BF16Fixture
		if err := json.Unmarshal(data, &f); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if f.Kind != "" && f.Kind != kind {
			continue
		}
		f.Path = strings.TrimSuffix(p, ".json")
		out = append(out, &f)
	}
	if len(out) == 0 {
		testenv.Missing(t, testenv.Fixtures, "no bf16 parity fixtures (bf16/*.json) in %s", strings.Join(testenv.FixtureDirs(t), ", "))
	}
	return out
}

// CheckBF16Official runs every bf16 fixture of f's kind in the bf16 mode
// and in float32, logs both engines' agreement with the official bf16 run
// (and float32's with the official float32 run), and fails when the bf16
// mode misses th.
func CheckBF16Official(t *testing.T, f models.Family, th BF16Thresholds) {
	t.Helper()
	for _, fx := range DiscoverBF16(t, f.Kind()) {
		t.Run(fx.Name(), func(t *testing.T) {
			c, err := act.ParseConfig(f, fx.Config)
			if err != nil {
				t.Fatal(err)
			}
			src := openFile(t, fx.Path+".state_dict")
			run := func(precision string) [][]stepOut {
				m, err := f.Load(c, src)
				if err != nil {
					t.Fatal(err)
				}
				cm := core(t, m)
				if err := cm.SetPrecision(precision); err != nil {
					t.Fatal(err)
				}
				return runBF16Steps(t, cm, fx.Batch(), len(fx.EvalSteps))
			}
			bf, fp := run(act.PrecisionBF16), run(act.PrecisionFloat32)
			lb, lf := logitsMatch(bf, fx.EvalSteps), logitsMatch(fp, fx.EvalSteps)
			ab, af := agreement(bf, fx.EvalSteps), agreement(fp, fx.EvalSteps)
			t.Logf("vs official bf16 (%d puzzles, %d steps):   bf16 mode | fp32 engine", len(fx.Inputs), len(fx.EvalSteps))
			for k := range ab.StepCells {
				t.Logf("  step %2d cells                     %7.2f %% | %7.2f %%", k+1, 100*ab.StepCells[k], 100*af.StepCells[k])
			}
			t.Logf("  pooled cells                      %7.2f %% | %7.2f %%", 100*ab.PooledCells, 100*af.PooledCells)
			t.Logf("  exact-match per puzzle (last step) %6.2f %% | %7.2f %%", 100*ab.Exact, 100*af.Exact)
			t.Logf("  max |Δq_halt| steps 1–2           %9.4f | %9.4f", ab.QHalt12, af.QHalt12)
			t.Logf("  step-1 logits of the stored rows: equal %6.2f %% | %6.2f %%, max |Δ| %.4g | %.4g", 100*lb.equal, 100*lf.equal, lb.maxDiff, lf.maxDiff)
			if len(fx.Float32EvalSteps) != len(fx.EvalSteps) {
				t.Fatalf("float32_eval_steps has %d steps, eval_steps %d: no yardstick", len(fx.Float32EvalSteps), len(fx.EvalSteps))
			}
			a32 := agreement(fp, fx.Float32EvalSteps)
			t.Logf("fp32 engine vs official float32: pooled cells %.2f %%, exact %.2f %%, max |Δq_halt| steps 1–2 %.4f", 100*a32.PooledCells, 100*a32.Exact, a32.QHalt12)
			yard := agreement(officialOutputs(fx.Float32EvalSteps), fx.EvalSteps)
			t.Logf("yardstick, official float32 vs official bf16: pooled cells %.2f %%, exact %.2f %%, max |Δq_halt| steps 1–2 %.4f", 100*yard.PooledCells, 100*yard.Exact, yard.QHalt12)
			if ab.StepCells[0] < th.Step1Cells {
				t.Errorf("bf16 mode vs official bf16: step-1 cells %.4f, want ≥ %.4f", ab.StepCells[0], th.Step1Cells)
			}
			if ab.PooledCells < yard.PooledCells-th.PooledSlack || ab.Exact < yard.Exact-th.ExactSlack || !(ab.QHalt12 <= yard.QHalt12+th.QHaltSlack) {
				t.Errorf("bf16 mode vs official bf16: pooled cells %.4f (want ≥ %.4f), exact %.4f (≥ %.4f), |Δq_halt| %.4f (≤ %.4f)",
					ab.PooledCells, yard.PooledCells-th.PooledSlack, ab.Exact, yard.Exact-th.ExactSlack, ab.QHalt12, yard.QHalt12+th.QHaltSlack)
			}
			if lb.n > 0 && lb.equal < th.Step1Logits {
				t.Errorf("bf16 mode vs official bf16: %.4f of the stored step-1 logits equal, want ≥ %.4f", lb.equal, th.Step1Logits)
			}
		})
	}
}

// stepOut is one row's outputs at one step.
type stepOut struct {
	argmax []int32
	qHalt  float32
	logits []float32 // (S, V), step 1 only
}

// logitCompare is how an engine's step-1 logits compare with the ones a
// fixture stores: the fraction equal and the largest difference.
type logitCompare struct {
	n       int
	equal   float64
	maxDiff float64
}

func logitsMatch(got [][]stepOut, want []EvalStep) logitCompare {
	var c logitCompare
	if len(want) == 0 || len(got) == 0 {
		return c
	}
	eq := 0
	for r, rows := range want[0].Logits {
		for p, ls := range rows {
			for v, w := range ls {
				g := got[0][r].logits[p*len(ls)+v]
				if g == float32(w) {
					eq++
				}
				c.maxDiff = max(c.maxDiff, math.Abs(float64(g)-w))
				c.n++
			}
		}
	}
	c.equal = float64(eq) / float64(max(c.n, 1))
	return c
}

// runBF16Steps runs n evaluation steps on b and returns [step][row] outputs.
func runBF16Steps(t *testing.T, cm *act.Model, b models.Batch, n int) [][]stepOut {
	t.Helper()
	B := len(b.PuzzleIDs)
	info := cm.Info()
	s, out, ar := cm.NewState(B), cm.NewStepOutput(B), &nn.Arena{}
	var res [][]stepOut
	for k := 0; k < n; k++ {
		if err := cm.Step(s, b, out, models.StepOptions{}, ar); err != nil {
			t.Fatal(err)
		}
		am := make([]int32, B*info.SeqLen)
		nn.Argmax(am, out.Logits, B*info.SeqLen, info.Vocab)
		rows := make([]stepOut, B)
		for r := range rows {
			rows[r] = stepOut{argmax: am[r*info.SeqLen : (r+1)*info.SeqLen], qHalt: out.QHalt[r]}
			if k == 0 {
				rows[r].logits = append([]float32(nil), out.Logits[r*info.SeqLen*info.Vocab:(r+1)*info.SeqLen*info.Vocab]...)
			}
		}
		res = append(res, rows)
	}
	return res
}

// officialOutputs puts an official run's steps in the engine's form, so
// two official runs can be compared with agreement.
func officialOutputs(steps []EvalStep) [][]stepOut {
	res := make([][]stepOut, len(steps))
	for k, e := range steps {
		res[k] = make([]stepOut, len(e.Argmax))
		for r, row := range e.Argmax {
			res[k][r] = stepOut{argmax: row, qHalt: float32(e.QHalt[r])}
		}
	}
	return res
}

// agreement compares an engine's steps with an official run's.
func agreement(got [][]stepOut, want []EvalStep) BF16Agreement {
	var a BF16Agreement
	same, total := 0, 0
	for k, e := range want {
		s, n := 0, 0
		for r, row := range e.Argmax {
			for p, v := range row {
				if got[k][r].argmax[p] == v {
					s++
				}
				n++
			}
			if k < 2 {
				a.QHalt12 = max(a.QHalt12, math.Abs(float64(got[k][r].qHalt)-e.QHalt[r]))
			}
		}
		a.StepCells = append(a.StepCells, float64(s)/float64(max(n, 1)))
		same, total = same+s, total+n
	}
	a.PooledCells = float64(same) / float64(max(total, 1))
	last := len(want) - 1
	exact := 0
	for r, row := range want[last].Argmax {
		ok := true
		for p, v := range row {
			ok = ok && got[last][r].argmax[p] == v
		}
		if ok {
			exact++
		}
	}
	a.Exact = float64(exact) / float64(max(len(want[last].Argmax), 1))
	return a
}
