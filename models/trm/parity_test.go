package trm

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/models/nn"
)

// fixture is the part of a parity fixture JSON the forward pass is checked
// against (../shared/fixtures/parity/README.md).
type fixture struct {
	Kind              string          `json:"kind"`
	Config            json.RawMessage `json:"config"`
	Inputs            [][]int32       `json:"inputs"`
	PuzzleIdentifiers []int32         `json:"puzzle_identifiers"`
	EvalSteps         []struct {
		Step      int           `json:"step"`
		Argmax    [][]int32     `json:"argmax"`
		QHalt     []float64     `json:"q_halt"`
		QContinue []float64     `json:"q_continue"`
		Halted    []bool        `json:"halted"`
		Logits    [][][]float64 `json:"logits"`
		Tolerance struct {
			LogitsAtol *float64 `json:"logits_atol"`
			QAtol      float64  `json:"q_atol"`
			Parity     bool     `json:"parity"`
		} `json:"tolerance"`
	} `json:"eval_steps"`
}

// discoverFixtures lists the fixtures of a kind in the fixtures folder.
func discoverFixtures(t *testing.T, kind string) map[string]*fixture {
	dir := testenv.FixturesRoot(t)
	paths, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	out := map[string]*fixture{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var f fixture
		if json.Unmarshal(data, &f) != nil || f.Kind != kind {
			continue
		}
		out[strings.TrimSuffix(p, ".json")] = &f
	}
	if len(out) == 0 {
		t.Skipf("no %s fixtures in %s", kind, dir)
	}
	return out
}

// TestParity runs every TRM fixture's batch through its evaluation steps and
// compares logits, Q values, halting and confident
// argmaxes with the official PyTorch outputs, within each step's stored
// tolerances (steps marked parity=false only check the loop).
func TestParity(t *testing.T) {
	fixtures := discoverFixtures(t, "trm")
	names := make([]string, 0, len(fixtures))
	for n := range fixtures {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, path := range names {
		f := fixtures[path]
		t.Run(filepath.Base(path), func(t *testing.T) {
			cfg, err := ParseConfig(f.Config)
			if err != nil {
				t.Fatal(err)
			}
			if testing.Short() && cfg.HiddenSize > 128 {
				t.Skip("full-size fixture skipped in -short mode")
			}
			src, err := OpenTensors(path + ".state_dict")
			if err != nil {
				t.Fatal(err)
			}
			m, err := Load(cfg, src)
			if err != nil {
				t.Fatal(err)
			}
			B, S, V := len(f.Inputs), cfg.SeqLen, cfg.VocabSize
			batch := Batch{Inputs: make([]int32, 0, B*S), PuzzleIDs: f.PuzzleIdentifiers}
			for _, row := range f.Inputs {
				batch.Inputs = append(batch.Inputs, row...)
			}
			// Run up to the last step that is a parity target (the full-size
			// fixtures' later steps only record float32 chaos), or all steps.
			want, last := map[int]int{}, 0
			for i, e := range f.EvalSteps {
				want[e.Step] = i
				if e.Tolerance.Parity {
					last = max(last, e.Step)
				}
			}
			state, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
			argmax := make([]int32, B*S)
			for step := 1; step <= last; step++ {
				if err := m.Step(state, batch, out, StepOptions{}, ar); err != nil {
					t.Fatal(err)
				}
				i, ok := want[step]
				if !ok {
					continue
				}
				e := f.EvalSteps[i]
				for r := 0; r < B; r++ {
					if state.Halted[r] != e.Halted[r] {
						t.Errorf("step %d row %d: halted %v, reference %v", step, r, state.Halted[r], e.Halted[r])
					}
				}
				if !e.Tolerance.Parity {
					continue
				}
				qd := 0.0
				for r := 0; r < B; r++ {
					qd = math.Max(qd, math.Abs(float64(out.QHalt[r])-e.QHalt[r]))
					qd = math.Max(qd, math.Abs(float64(out.QContinue[r])-e.QContinue[r]))
				}
				if qd > e.Tolerance.QAtol {
					t.Errorf("step %d: q maxdiff %.3g > q_atol %.3g", step, qd, e.Tolerance.QAtol)
				}
				if e.Logits == nil || e.Tolerance.LogitsAtol == nil {
					t.Logf("step %d: OK q maxdiff %.3g (atol %.3g)", step, qd, e.Tolerance.QAtol)
					continue
				}
				atol := *e.Tolerance.LogitsAtol
				nn.Argmax(argmax, out.Logits, B*S, V)
				ld, checked, flips := 0.0, 0, 0
				for r := 0; r < B; r++ {
					for s := 0; s < S; s++ {
						ref := e.Logits[r][s]
						best, second := math.Inf(-1), math.Inf(-1)
						for v := 0; v < V; v++ {
							ld = math.Max(ld, math.Abs(float64(out.Logits[(r*S+s)*V+v])-ref[v]))
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
				t.Logf("step %d: OK logits maxdiff %.3g (atol %.3g), q maxdiff %.3g (atol %.3g), %d confident argmaxes equal", step, ld, atol, qd, e.Tolerance.QAtol, checked)
			}
		})
	}
}
