package main

import (
	"fmt"
	"time"

	"arceval/harness"
	"arceval/models"
	"arceval/models/nn"
)

// benchPrecisions times full runs of one shape in several precisions (one
// model each), alternately: rep r runs every model once before rep r+1, so
// that a shared machine's load falls on all of them alike. It returns, per
// model, puzzles/s of a 16-step run by wall time and by CPU time (puzzles
// per CPU-second × threads: the rate of the machine to itself), after one
// warm-up step each.
func benchPrecisions(ms []models.Model, B, steps, reps, threads int) (wall, cpu []float64, err error) {
	type timed struct {
		sm    stepper
		s     *models.Carry
		out   *models.StepOutput
		ar    *nn.Arena
		wall  time.Duration
		cpu   time.Duration
		batch models.Batch
	}
	ts := make([]*timed, len(ms))
	for i, m := range ms {
		sm, ok := m.(stepper)
		if !ok {
			return nil, nil, fmt.Errorf("bench: a %s model has no evaluation step on a carry", m.Info().Kind)
		}
		info := m.Info()
		b := benchBatch(info, B)
		t := &timed{sm: sm, out: models.NewStepOutput(info, B), ar: &nn.Arena{}, batch: b}
		if err := sm.Step(sm.NewState(B), b, t.out, models.StepOptions{}, t.ar); err != nil { // sizes the arena
			return nil, nil, err
		}
		ts[i] = t
	}
	for r := 0; r < reps; r++ {
		for _, t := range ts {
			s := t.sm.NewState(B)
			c0, w0 := harness.ProcessCPU(), time.Now()
			for k := 0; k < steps; k++ {
				if err := t.sm.Step(s, t.batch, t.out, models.StepOptions{}, t.ar); err != nil {
					return nil, nil, err
				}
			}
			t.wall += time.Since(w0)
			t.cpu += harness.ProcessCPU() - c0
		}
	}
	puzzles16 := float64(B*reps) * float64(steps) / 16
	for _, t := range ts {
		wall = append(wall, puzzles16/t.wall.Seconds())
		c := 0.0
		if t.cpu > 0 {
			c = puzzles16 / t.cpu.Seconds() * float64(threads)
		}
		cpu = append(cpu, c)
	}
	return wall, cpu, nil
}

// benchBatch is bench's random batch of B rows (every row runs every step).
func benchBatch(info models.Info, B int) models.Batch {
	b := models.Batch{Inputs: make([]int32, B*info.SeqLen), PuzzleIDs: make([]int32, B)}
	for i := range b.Inputs {
		b.Inputs[i] = int32(1 + i%(info.Vocab-1))
	}
	return b
}
