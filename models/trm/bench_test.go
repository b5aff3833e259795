package trm

import (
	"testing"

	"arceval/models"
	"arceval/models/nn"
)

// BenchmarkStep times one supervision step of the released shapes with
// random weights and reports puzzles/s for a full 16-step run and GFLOP/s.
func BenchmarkStep(b *testing.B) {
	for _, tc := range []struct {
		preset string
		batch  int
	}{{"sudoku-mlp", 8}, {"maze-att", 1}} {
		b.Run(tc.preset, func(b *testing.B) {
			cfg, _ := Preset(tc.preset)
			cfg.NumPuzzleIdentifiers = 1
			m, err := Load(cfg, InitTensors(cfg, 1))
			if err != nil {
				b.Fatal(err)
			}
			B, S := tc.batch, cfg.SeqLen
			batch := models.Batch{Inputs: make([]int32, B*S), PuzzleIDs: make([]int32, B)}
			s, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
			m.Step(s, batch, out, models.StepOptions{}, ar)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Halted[0] = false
				m.Step(s, batch, out, models.StepOptions{}, ar)
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(B)/(16*sec), "puzzles/s")
			b.ReportMetric(cfg.FLOPsPerStep()*float64(B)/sec/1e9, "GFLOP/s")
		})
	}
}
