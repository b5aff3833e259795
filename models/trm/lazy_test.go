package trm

import (
	"strings"
	"testing"

	"arceval/models/nn"
)

// countingTensors refuses whole-table reads of the puzzle embedding and
// counts the rows read, standing in for a 2 GB ARC checkpoint.
type countingTensors struct {
	TensorMap
	rows int
}

func (c *countingTensors) Float32(name string) ([]float32, error) {
	if strings.HasSuffix(name, "puzzle_emb.weights") {
		panic("the whole puzzle table was read")
	}
	return c.TensorMap.Float32(name)
}

func (c *countingTensors) Rows(name string, start, count int) ([]float32, error) {
	c.rows += count
	return c.TensorMap.Rows(name, start, count)
}

// Loading a model and evaluating a batch reads only the puzzle rows the
// batch uses, when each row loads its puzzle.
func TestPuzzleTableReadLazily(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SeqLen, cfg.VocabSize, cfg.HiddenSize, cfg.NumHeads, cfg.Expansion = 4, 5, 16, 2, 2
	cfg.HCycles, cfg.LCycles, cfg.LLayers, cfg.HaltMaxSteps, cfg.PosEncodings = 1, 1, 1, 3, "rope"
	cfg.PuzzleEmbNdim, cfg.PuzzleEmbLen, cfg.NumPuzzleIdentifiers = 16, 1, 1000
	src := &countingTensors{TensorMap: InitTensors(cfg, 3)}
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
	b.PuzzleIDs[1] = 1000
	s = m.NewState(3)
	if err := m.Step(s, b, out, StepOptions{}, ar); err == nil || !strings.Contains(err.Error(), "puzzle identifier 1000 outside the table's 1000 rows") {
		t.Errorf("out-of-range identifier: err = %v", err)
	}
}
