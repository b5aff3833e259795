//go:build linux

package trm

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"arceval/models"
	"arceval/models/act"
	"arceval/models/nn"
)

// BenchmarkStepCPU times one supervision step of the released shapes on one
// thread by the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so a loaded
// shared machine does not count against the engine: cpu_GFLOP/s is the
// work done per CPU-second; compare it with one thread's measured FMA peak
// (go test -run '^$' -bench Peak ./models/nn).
//
// The …/bf16 cases run the model in --precision bf16; their
// cpu_GFLOP/s counts the same float32-equivalent work.
//
//	go test -run '^$' -bench StepCPU -benchtime 4x ./models/trm
func BenchmarkStepCPU(b *testing.B) {
	for _, tc := range []struct {
		preset    string
		batch     int
		precision string
	}{{"sudoku-mlp", 8, ""}, {"maze-att", 1, ""}, {"maze-att", 8, ""},
		{"maze-att", 1, act.PrecisionBF16}} {
		name := tc.preset + "/b" + itoa(tc.batch)
		if tc.precision != "" {
			name += "/bf16"
		}
		b.Run(name, func(b *testing.B) {
			defer nn.SetThreads(nn.SetThreads(1))
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cfg, _ := Preset(tc.preset)
			cfg.NumPuzzleIdentifiers = 1
			m, err := Load(cfg, InitTensors(cfg, 1))
			if err == nil && tc.precision != "" {
				err = m.SetPrecision(tc.precision)
			}
			if err != nil {
				b.Fatal(err)
			}
			B, S := tc.batch, cfg.SeqLen
			batch := models.Batch{Inputs: make([]int32, B*S), PuzzleIDs: make([]int32, B)}
			s, out, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
			m.Step(s, batch, out, models.StepOptions{}, ar)
			var cpu float64
			for b.Loop() {
				s.Halted[0] = false
				c := threadCPU()
				m.Step(s, batch, out, models.StepOptions{}, ar)
				cpu += threadCPU() - c
			}
			b.ReportMetric(cfg.FLOPsPerStep()*float64(B)*float64(b.N)/cpu/1e9, "cpu_GFLOP/s")
		})
	}
}

// threadCPU is the calling OS thread's CPU time in seconds.
func threadCPU() float64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return float64(ts.Sec) + float64(ts.Nsec)/1e9
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
