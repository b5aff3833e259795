package hrm

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"arceval/internal/parity"
	"arceval/internal/testenv"
	"arceval/models/nn"
	"arceval/models/tensors"
)

func loadFixtureModel(t *testing.T, name string) *Model {
	t.Helper()
	cfg, err := ReadConfigFile(testenv.Fixture(t, name)+".json", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(cfg, openTensors(t, testenv.Fixture(t, name)+".state_dict"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// testBatch is a deterministic batch of B rows for m.
func testBatch(m *Model, B int) Batch {
	return parity.FixedBatch(m.Cfg.SeqLen, m.Cfg.VocabSize, m.Cfg.NumPuzzleIdentifiers, B)
}

// fixtureBatch is the batch of a parity fixture.
func fixtureBatch(t *testing.T, name string) Batch {
	for _, f := range parity.Discover(t, Kind) {
		if f.Name() == name {
			return f.Batch()
		}
	}
	testenv.Missing(t, testenv.Fixtures, "no hrm parity fixture %s", name)
	return Batch{}
}

// rows extracts some rows of a batch.
func rows(m *Model, b Batch, rs ...int) Batch {
	S := m.Cfg.SeqLen
	var sub Batch
	for _, r := range rs {
		sub.Inputs = append(sub.Inputs, b.Inputs[r*S:(r+1)*S]...)
		sub.PuzzleIDs = append(sub.PuzzleIDs, b.PuzzleIDs[r])
	}
	return sub
}

// A row's outputs do not depend on the other rows of its batch nor on
// GOMAXPROCS: each value is reduced in a fixed order.
func TestBitIdenticalAcrossBatchAndThreads(t *testing.T) {
	m := loadFixtureModel(t, "tiny_hrm")
	S, V := m.Cfg.SeqLen, m.Cfg.VocabSize
	const B = 5
	b := testBatch(m, B)
	run := func(procs int, rs []int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s, out, ar := m.NewState(len(rs)), m.NewStepOutput(len(rs)), &nn.Arena{}
		for i := 0; i < m.Cfg.HaltMaxSteps; i++ {
			if err := m.Step(s, rows(m, b, rs...), out, StepOptions{}, ar); err != nil {
				t.Fatal(err)
			}
		}
		return append(append(slices.Clone(out.Logits), out.QHalt...), out.QContinue...)
	}
	all := []int{0, 1, 2, 3, 4}
	ref := run(1, all)
	if got := run(2, all); !slices.Equal(got, ref) {
		t.Error("GOMAXPROCS 2 differs from 1")
	}
	for r := 0; r < B; r++ {
		got := run(2, []int{r})
		if !slices.Equal(got[:S*V], ref[r*S*V:(r+1)*S*V]) || got[S*V] != ref[B*S*V+r] || got[S*V+1] != ref[B*S*V+B+r] {
			t.Errorf("row %d alone differs from row %d in the batch", r, r)
		}
	}
}

// HaltOnQ stops rows whose q_halt exceeds q_continue (HRM's rule) and leaves
// them untouched; the rows still running (computed on gathered copies) give
// exactly what they give alone.
func TestHaltOnQ(t *testing.T) {
	m := loadFixtureModel(t, "tiny_hrm")
	const B = 3
	S, V := m.Cfg.SeqLen, m.Cfg.VocabSize
	b := fixtureBatch(t, "tiny_hrm") // rows 1 and 2 halt after step 1, row 0 runs on
	s, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
	alone := make([]*State, B)
	aloneOut := make([]*StepOutput, B)
	for r := range alone {
		alone[r], aloneOut[r] = m.NewState(1), m.NewStepOutput(1)
	}
	partial := false
	for step := 0; step < m.Cfg.HaltMaxSteps; step++ {
		before := slices.Clone(out.Logits)
		wasDone := slices.Clone(s.Done)
		if err := m.Step(s, b, out, StepOptions{HaltOnQ: true}, ar); err != nil {
			t.Fatal(err)
		}
		running := 0
		for r := 0; r < B; r++ {
			if !wasDone[r] {
				running++
			}
		}
		partial = partial || running > 0 && running < B
		for r := 0; r < B; r++ {
			if wasDone[r] {
				if !slices.Equal(out.Logits[r*S*V:(r+1)*S*V], before[r*S*V:(r+1)*S*V]) {
					t.Errorf("step %d: finished row %d was recomputed", step, r)
				}
				continue
			}
			if (out.QHalt[r] > out.QContinue[r]) != s.Done[r] {
				t.Errorf("step %d: row %d q_halt %g q_continue %g, done %v", step, r, out.QHalt[r], out.QContinue[r], s.Done[r])
			}
			if err := m.Step(alone[r], rows(m, b, r), aloneOut[r], StepOptions{HaltOnQ: true}, ar); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(aloneOut[r].Logits, out.Logits[r*S*V:(r+1)*S*V]) || aloneOut[r].QHalt[0] != out.QHalt[r] {
				t.Errorf("step %d: row %d differs from the same row run alone", step, r)
			}
		}
	}
	if !partial {
		t.Error("no step ran with only some rows: the gather path was not exercised")
	}
}

// After the first step, a step allocates nothing.
func TestStepAllocations(t *testing.T) {
	m := loadFixtureModel(t, "tiny_hrm")
	const B = 3
	b := testBatch(m, B)
	s, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
	parity.CheckStepAllocs(t, func() error { return m.Step(s, b, out, StepOptions{}, ar) }, func() { clear(s.Halted) })
}

// Weights with NaN are refused, naming the tensor; so is a NaN puzzle row
// when a batch row loads it.
func TestRejectsNonFiniteWeights(t *testing.T) {
	cfg, err := ReadConfigFile(testenv.Fixture(t, "tiny_hrm")+".json", DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	src := openTensors(t, testenv.Fixture(t, "tiny_hrm")+".state_dict")
	mem := func() tensors.Map {
		mem := tensors.Map{}
		for _, n := range src.Names() {
			v, _ := src.Float32(n)
			shape, _ := src.Shape(n)
			mem[n] = tensors.Tensor{Shape: shape, Data: slices.Clone(v)}
		}
		return mem
	}
	for _, name := range []string{"L_init", "H_level.layers.1.mlp.down_proj.weight", "L_level.layers.0.self_attn.qkv_proj.weight", "q_head.bias"} {
		w := mem()
		w["_orig_mod.model.inner."+name].Data[1] = float32(math.Inf(-1))
		_, err := Load(cfg, w)
		if want := "_orig_mod.model.inner." + name + ": element 1 is -Inf"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", name, err, want)
		}
	}
	w := mem()
	w["_orig_mod.model.inner.puzzle_emb.weights"].Data[2*cfg.PuzzleEmbNdim+3] = float32(math.NaN())
	m, err := Load(cfg, w)
	if err != nil {
		t.Fatal(err)
	}
	b := testBatch(m, 3)
	b.PuzzleIDs = []int32{0, 2, 1}
	err = m.Step(m.NewState(3), b, m.NewStepOutput(3), StepOptions{}, &nn.Arena{})
	if want := "row 1: tensor _orig_mod.model.inner.puzzle_emb.weights row 2: element 3 is NaN"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// Bad batches are refused with the row and position, before the carry
// changes.
func TestBatchErrors(t *testing.T) {
	m := loadFixtureModel(t, "tiny_hrm")
	const B = 3
	S := m.Cfg.SeqLen
	for _, tc := range []struct {
		name string
		edit func(b *Batch, out *StepOutput) *StepOutput
		want string
	}{
		{"token", func(b *Batch, out *StepOutput) *StepOutput { b.Inputs[S+2] = 7; return out }, "hrm: row 1, position 2: token 7 outside the vocabulary 0..6"},
		{"negative token", func(b *Batch, out *StepOutput) *StepOutput { b.Inputs[2*S] = -1; return out }, "row 2, position 0: token -1"},
		{"puzzle id", func(b *Batch, out *StepOutput) *StepOutput { b.PuzzleIDs[2] = 3; return out }, "row 2: puzzle identifier 3 outside the table's 3 rows"},
		{"short batch", func(b *Batch, out *StepOutput) *StepOutput { b.Inputs = b.Inputs[:S]; return out }, "batch has 16 inputs and 3 ids, want 3×16 and 3"},
		{"short output", func(b *Batch, out *StepOutput) *StepOutput { return m.NewStepOutput(2) }, "outputs hold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := testBatch(m, B)
			s := m.NewState(B)
			out := tc.edit(&b, m.NewStepOutput(B))
			err := m.Step(s, b, out, StepOptions{}, &nn.Arena{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if !slices.Equal(s.Halted, []bool{true, true, true}) || slices.ContainsFunc(s.Steps, func(n int) bool { return n != 0 }) || slices.ContainsFunc(s.Inputs, func(v int32) bool { return v != 0 }) {
				t.Error("the carry changed")
			}
		})
	}
}

// countingTensors refuses whole-table reads of the puzzle embedding and
// counts the rows read, standing in for a 2 GB ARC checkpoint.
type countingTensors struct {
	tensors.Map
	rows int
}

func (c *countingTensors) Float32(name string) ([]float32, error) {
	if strings.HasSuffix(name, "puzzle_emb.weights") {
		panic("the whole puzzle table was read")
	}
	return c.Map.Float32(name)
}

func (c *countingTensors) Rows(name string, start, count int) ([]float32, error) {
	c.rows += count
	return c.Map.Rows(name, start, count)
}

// smallConfig is a quick random-weight HRM for tests and examples.
func smallConfig() Config {
	c := DefaultConfig()
	c.SeqLen, c.VocabSize, c.HiddenSize, c.NumHeads, c.Expansion = 4, 5, 16, 2, 2
	c.HCycles, c.LCycles, c.HLayers, c.LLayers, c.HaltMaxSteps, c.PosEncodings = 1, 2, 1, 1, 3, "rope"
	c.PuzzleEmbNdim, c.NumPuzzleIdentifiers = 16, 1000
	return c
}

// Evaluating a batch reads only the puzzle rows it uses, when each row loads
// its puzzle.
func TestPuzzleTableReadLazily(t *testing.T) {
	cfg := smallConfig()
	src := &countingTensors{Map: InitTensors(cfg, 3)}
	m, err := Load(cfg, src)
	if err != nil {
		t.Fatal(err)
	}
	b := Batch{Inputs: make([]int32, 3*cfg.SeqLen), PuzzleIDs: []int32{7, 999, 7}}
	s, out, ar := m.NewState(3), m.NewStepOutput(3), &nn.Arena{}
	for i := 0; i < cfg.HaltMaxSteps; i++ {
		if err := m.Step(s, b, out, StepOptions{}, ar); err != nil {
			t.Fatal(err)
		}
	}
	if src.rows != 3 {
		t.Errorf("%d puzzle rows read, want 3 (one per batch row, when it loads its puzzle)", src.rows)
	}
}

// The learned-position and mlp_t (TRM repository's hrm.py) variants load and
// run; their outputs are finite.
func TestVariants(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Config)
	}{
		{"learned", func(c *Config) { c.PosEncodings = "learned" }},
		{"mlp_t", func(c *Config) { c.MLPT, c.PosEncodings = true, "none" }},
		{"no puzzle embedding", func(c *Config) { c.PuzzleEmbNdim, c.NumPuzzleIdentifiers = 0, 0 }},
		{"two-slot prefix", func(c *Config) { c.PuzzleEmbNdim = 24 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig()
			tc.edit(&cfg)
			m, err := Load(cfg, InitTensors(cfg, 5))
			if err != nil {
				t.Fatal(err)
			}
			b := Batch{Inputs: make([]int32, 2*cfg.SeqLen), PuzzleIDs: []int32{0, 0}}
			for i := range b.Inputs {
				b.Inputs[i] = int32(i % cfg.VocabSize)
			}
			s, out, ar := m.NewState(2), m.NewStepOutput(2), &nn.Arena{}
			for i := 0; i < cfg.HaltMaxSteps; i++ {
				if err := m.Step(s, b, out, StepOptions{}, ar); err != nil {
					t.Fatal(err)
				}
			}
			for _, v := range out.Logits {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatal("non-finite logit")
				}
			}
			if !slices.Equal(s.Halted, []bool{true, true}) {
				t.Errorf("halted %v after %d steps", s.Halted, cfg.HaltMaxSteps)
			}
		})
	}
}
