package trm

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"arceval/internal/parity"
	"arceval/internal/testenv"
	"arceval/models/nn"
)

func loadFixtureModel(t *testing.T, name string) *Model {
	t.Helper()
	cfg, err := ReadConfigFile(testenv.Fixture(t, name)+".json", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	src, err := OpenTensors(testenv.Fixture(t, name) + ".state_dict")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	m, err := Load(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A row's outputs do not depend on the other rows of its batch nor on
// GOMAXPROCS: each value is reduced in a fixed order.
func TestBitIdenticalAcrossBatchAndThreads(t *testing.T) {
	for _, name := range []string{"tiny_trm_att", "tiny_trm_mlp"} {
		t.Run(name, func(t *testing.T) {
			m := loadFixtureModel(t, name)
			S, V := m.Cfg.SeqLen, m.Cfg.VocabSize
			const B = 5
			b := Batch{Inputs: make([]int32, B*S), PuzzleIDs: make([]int32, B)}
			for i := range b.Inputs {
				b.Inputs[i] = int32((i*i + 3*i) % V)
			}
			for i := range b.PuzzleIDs {
				b.PuzzleIDs[i] = int32(i % m.Cfg.NumPuzzleIdentifiers)
			}
			run := func(procs int, rows []int) []float32 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				sub := Batch{}
				for _, r := range rows {
					sub.Inputs = append(sub.Inputs, b.Inputs[r*S:(r+1)*S]...)
					sub.PuzzleIDs = append(sub.PuzzleIDs, b.PuzzleIDs[r])
				}
				s, out, ar := m.NewState(len(rows)), m.NewStepOutput(len(rows)), &nn.Arena{}
				for i := 0; i < m.Cfg.HaltMaxSteps; i++ {
					if err := m.Step(s, sub, out, StepOptions{}, ar); err != nil {
						t.Fatal(err)
					}
				}
				return append(slices.Clone(out.Logits), out.QHalt...)
			}
			all := []int{0, 1, 2, 3, 4}
			ref := run(1, all)
			if got := run(2, all); !slices.Equal(got, ref) {
				t.Error("GOMAXPROCS 2 differs from 1")
			}
			for r := 0; r < B; r++ {
				got := run(2, []int{r})
				if !slices.Equal(got[:S*V], ref[r*S*V:(r+1)*S*V]) || got[S*V] != ref[B*S*V+r] {
					t.Errorf("row %d alone differs from row %d in the batch", r, r)
				}
			}
		})
	}
}

// HaltOnQ stops rows whose q_halt is positive and leaves them untouched.
func TestHaltOnQ(t *testing.T) {
	m := loadFixtureModel(t, "tiny_trm_att")
	B, S := 3, m.Cfg.SeqLen
	b := Batch{Inputs: make([]int32, B*S), PuzzleIDs: []int32{0, 1, 2}}
	s, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
	for step := 0; step < m.Cfg.HaltMaxSteps; step++ {
		before := slices.Clone(out.QHalt)
		wasDone := slices.Clone(s.Done)
		if err := m.Step(s, b, out, StepOptions{HaltOnQ: true}, ar); err != nil {
			t.Fatal(err)
		}
		for r := 0; r < B; r++ {
			if wasDone[r] && out.QHalt[r] != before[r] {
				t.Errorf("step %d: finished row %d was recomputed", step, r)
			}
			if !wasDone[r] && (out.QHalt[r] > 0) != s.Done[r] {
				t.Errorf("step %d: row %d q_halt %g, done %v", step, r, out.QHalt[r], s.Done[r])
			}
		}
	}
}

// Weights with NaN are refused, naming the tensor.
func TestRejectsNonFiniteWeights(t *testing.T) {
	cfg, _ := ReadConfigFile(testenv.Fixture(t, "tiny_trm_att")+".json", DefaultConfig())
	src, err := OpenTensors(testenv.Fixture(t, "tiny_trm_att") + ".state_dict")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	mem := TensorMap{}
	for _, n := range src.Names() {
		v, _ := src.Float32(n)
		shape, _ := src.Shape(n)
		mem[n] = MapTensor{Shape: shape, Data: slices.Clone(v)}
	}
	mem["_orig_mod.model.inner.lm_head.weight"].Data[5] = float32(math.NaN())
	_, err = Load(cfg, mem)
	if err == nil || !strings.Contains(err.Error(), "lm_head.weight: element 5 is NaN") {
		t.Errorf("err = %v", err)
	}
}

// After the first step, a step allocates nothing.
func TestStepAllocations(t *testing.T) {
	m := loadFixtureModel(t, "tiny_trm_att")
	B := 3
	b := Batch{Inputs: make([]int32, B*m.Cfg.SeqLen), PuzzleIDs: []int32{0, 1, 2}}
	s, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
	parity.CheckStepAllocs(t, func() error { return m.Step(s, b, out, StepOptions{}, ar) }, func() { clear(s.Halted) })
}
