package trm

import (
	"arceval/models"
	"arceval/models/nn"
)

// Info describes the model for the harness.
func (m *Model) Info() models.Info {
	return models.Info{Kind: "trm", SeqLen: m.Cfg.SeqLen, Vocab: m.Cfg.VocabSize, MaxSteps: m.Cfg.HaltMaxSteps, PuzzleIDs: m.Cfg.puzzleRows()}
}

// NewRun starts a batch's carry with its own arena (models.Model).
func (m *Model) NewRun(B int) models.Run { return &run{m: m, s: m.NewState(B), ar: &nn.Arena{}} }

type run struct {
	m  *Model
	s  *State
	ar *nn.Arena
}

func (r *run) Step(b models.Batch, out *models.StepOutput, opt models.StepOptions) error {
	return r.m.Step(r.s, b, out, opt, r.ar)
}

func (r *run) Done(i int) bool { return r.s.Done[i] }

var _ models.Model = (*Model)(nil)
