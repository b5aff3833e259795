package harness

import (
	"arceval/models"
	"arceval/results"
	"arceval/tasks"
)

// ProtocolOptions are the evaluation settings that shape a run's protocol.
type ProtocolOptions struct {
	Views       int          // ARC views per test input (a built split: its first Views, 0 = all)
	IDs         PuzzleIDMode // how views get their puzzle identifiers
	Identifiers bool         // an identifiers.json of the training build was given
	Steps       int          // supervision steps per view (0: the model's halt_max_steps)
	Halt        bool         // early halting on q_halt > 0
	Precision   string       // forward-pass precision (results.Precision…; "" float32)
}

// Protocol describes how evaluating this set with model info and o
// measures (results.Protocol): the set's identity, the views and where they
// come from, the puzzle identifiers, steps and halting, the model's
// training depth, precision and the headline's scoring rule.
func (s *EvalSet) Protocol(info models.Info, o ProtocolOptions) results.Protocol {
	id := s.Identity
	p := results.Protocol{
		Benchmark: id.Known.Benchmark, SetID: id.Known.ID, SetMatch: id.Match,
		SetHash: id.Hash, SetTasks: id.Tasks, SetTestInputs: id.TestInputs,
		Views: 1, ViewSource: results.ViewsPuzzle,
		PuzzleTable: info.PuzzleIDs,
		Steps:       o.Steps, EarlyHalt: o.Halt, TrainDepth: info.MaxSteps,
		Precision: results.PrecisionFloat32, Scoring: results.ScoreExact,
	}
	if p.Steps <= 0 {
		p.Steps = info.MaxSteps
	}
	if o.Precision != "" {
		p.Precision = o.Precision
	}
	if s.Built {
		p.BuildIdentifiers, p.BuildIDsHash = s.BuildIdentifiers, s.BuildIDsHash
	}
	if s.Kind == tasks.ARC {
		p.Scoring = results.ScoreTaskMacro
		if id.NoAnswers {
			p.Scoring = results.ScoreNone
		}
		switch {
		case s.Built:
			p.ViewSource, p.BuildViews, p.Views = results.ViewsBuild, s.BuildViews, s.BuildViews
			if o.Views > 0 {
				p.Views = min(o.Views, s.BuildViews)
			}
		default:
			p.ViewSource, p.Views = results.ViewsDrawn, max(o.Views, 1)
		}
	}
	switch {
	case info.PuzzleIDs <= 1:
		p.PuzzleIDs = results.IDsNone
	case o.IDs == IDsBlank:
		p.PuzzleIDs = results.IDsBlank
	case o.IDs == IDsRandom:
		p.PuzzleIDs = results.IDsRandom
	case s.Built:
		p.PuzzleIDs = results.IDsBuild
	case o.Identifiers:
		p.PuzzleIDs = results.IDsIdentifiers
	default:
		p.PuzzleIDs = results.IDsBlank
	}
	return p
}
