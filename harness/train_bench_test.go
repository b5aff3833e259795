package harness

import (
	"math/rand/v2"
	"testing"

	"arceval/models/trm"
	"arceval/tasks"
)

// BenchmarkTrainerStep times one optimiser step (a supervision step with
// gradients on every row, Adam-atan2, SignSGD, EMA) of the Sudoku TRM-MLP
// preset at batch 16 on random tokens, as `arceval bench --train` does, and
// reports examples/s and the arena's peak.
func BenchmarkTrainerStep(b *testing.B) {
	cfg, err := trm.Preset("sudoku-mlp")
	if err != nil {
		b.Fatal(err)
	}
	cfg.NumPuzzleIdentifiers = 1
	m, err := trm.LoadTrainable(cfg, trm.InitTensors(cfg, 1))
	if err != nil {
		b.Fatal(err)
	}
	const batch = 16
	rc := DefaultTrainConfig(b.N + 1)
	rc.GlobalBatch, rc.MicroBatch = batch, batch
	tr, err := NewTrainer(rc, m, benchData{cfg.SeqLen, cfg.VocabSize})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := tr.TrainStep(); err != nil { // warm-up: sizes the arena
		b.Fatal(err)
	}
	b.Logf("first pass: arena %d MB in %d chunks, peak %d MB", tr.ar.Size()*4>>20, tr.ar.Chunks(), tr.ar.Peak()*4>>20)
	b.ResetTimer()
	for range b.N {
		if _, err := tr.TrainStep(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "examples/s")
	b.ReportMetric(float64(tr.ar.Peak())*4/1e6, "arenaMB")
}

// benchData is a training set of random tokens of a shape.
type benchData struct{ seqLen, vocab int }

func (d benchData) Kind() tasks.Kind  { return tasks.Sudoku }
func (d benchData) Groups() int       { return 1000 }
func (d benchData) Members(g int) int { return 1 }
func (d benchData) SeqLen() int       { return d.seqLen }
func (d benchData) Vocab() int        { return d.vocab }
func (d benchData) NumPuzzleIDs() int { return 1 }

// Puzzle draws fixed random tokens for each group.
func (d benchData) Puzzle(g, k int) []Example {
	rng := rand.New(rand.NewPCG(uint64(g), uint64(k)))
	ex := Example{Inputs: make([]int32, d.seqLen), Labels: make([]int32, d.seqLen)}
	for i := range ex.Inputs {
		ex.Inputs[i] = int32(1 + rng.IntN(d.vocab-1))
		ex.Labels[i] = int32(1 + rng.IntN(d.vocab-1))
	}
	return []Example{ex}
}
