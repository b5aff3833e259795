package trm

import (
	"testing"
	"time"

	"arceval/models"
	"arceval/models/act"
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
			m, cfg := benchModel(b, tc.preset, act.PrecisionFloat32)
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

// benchModel loads a preset with random weights in a precision.
func benchModel(b *testing.B, preset, precision string) (*Model, Config) {
	cfg, _ := Preset(preset)
	cfg.NumPuzzleIdentifiers = 1
	m, err := Load(cfg, InitTensors(cfg, 1))
	if err == nil {
		err = m.SetPrecision(precision)
	}
	if err != nil {
		b.Fatal(err)
	}
	return m, cfg
}

// BenchmarkStepBF16 is BenchmarkStep with the model in bf16 and in float32
// alternately in one loop (side by side on a shared machine); x_fp32 is
// the float32 time over the bf16 one, x_fp32_cpu the same for the
// process's CPU time.
//
//	go test -run '^$' -bench StepBF16 -benchtime 3x ./models/trm
func BenchmarkStepBF16(b *testing.B) {
	for _, tc := range []struct {
		preset string
		batch  int
	}{{"sudoku-mlp", 8}, {"maze-att", 1}} {
		b.Run(tc.preset, func(b *testing.B) {
			B := tc.batch
			var fs, bs, fc, bc time.Duration
			step := func(m *Model, s *models.Carry, batch models.Batch, out *models.StepOutput, ar *nn.Arena) (time.Duration, time.Duration) {
				s.Halted[0] = false
				t0, c0 := time.Now(), processCPU()
				m.Step(s, batch, out, models.StepOptions{}, ar)
				return time.Since(t0), processCPU() - c0
			}
			mf, cfg := benchModel(b, tc.preset, act.PrecisionFloat32)
			mb, _ := benchModel(b, tc.preset, act.PrecisionBF16)
			S := cfg.SeqLen
			batch := models.Batch{Inputs: make([]int32, B*S), PuzzleIDs: make([]int32, B)}
			sf, of, af := mf.NewState(B), mf.NewStepOutput(B), &nn.Arena{}
			sb, ob, ab := mb.NewState(B), mb.NewStepOutput(B), &nn.Arena{}
			step(mf, sf, batch, of, af)
			step(mb, sb, batch, ob, ab)
			for b.Loop() {
				w, c := step(mf, sf, batch, of, af)
				fs, fc = fs+w, fc+c
				w, c = step(mb, sb, batch, ob, ab)
				bs, bc = bs+w, bc+c
			}
			n := float64(b.N)
			b.ReportMetric(float64(B)/(16*bs.Seconds()/n), "bf16_puzzles/s")
			b.ReportMetric(float64(B)/(16*fs.Seconds()/n), "fp32_puzzles/s")
			b.ReportMetric(fs.Seconds()/bs.Seconds(), "x_fp32")
			if bc > 0 {
				b.ReportMetric(fc.Seconds()/bc.Seconds(), "x_fp32_cpu")
			}
		})
	}
}

// BenchmarkStepBF16Only times the bf16 step alone (for -cpuprofile).
func BenchmarkStepBF16Only(b *testing.B) {
	m, cfg := benchModel(b, "sudoku-mlp", act.PrecisionBF16)
	const B = 8
	batch := models.Batch{Inputs: make([]int32, B*cfg.SeqLen), PuzzleIDs: make([]int32, B)}
	s, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
	for b.Loop() {
		s.Halted[0] = false
		m.Step(s, batch, out, models.StepOptions{}, ar)
	}
}
