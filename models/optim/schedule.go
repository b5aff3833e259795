package optim

import "math"

// Schedule is the learning-rate schedule of pretrain.py
// (cosine_schedule_with_warmup_lr_lambda with num_cycles 0.5, trm-spec.md
// §6.3): linear warm-up from 0, then half a cosine from BaseLR down to
// MinRatio·BaseLR at TotalSteps. With MinRatio = 1 (all released configs)
// the rate is constant after warm-up. The same shape, with its own BaseLR,
// drives Adam-atan2 and the puzzle-embedding SignSGD.
type Schedule struct {
	BaseLR      float64
	WarmupSteps int     // pretrain.py: round(lr_warmup_steps); 2000 in all configs
	TotalSteps  int     // int(epochs · total_groups · mean_puzzle_examples / global_batch_size)
	MinRatio    float64 // lr_min_ratio
}

// LR returns the learning rate of training step step. The step counter is
// incremented before use, so the first update is step 1:
//
//	step < W:  lr = base · step / max(1, W)
//	else:      p  = (step − W) / max(1, T − W)
//	           lr = base · (r + max(0, (1 − r) · ½ · (1 + cos(π·p))))
//
// with W = WarmupSteps, T = TotalSteps and r = MinRatio. Past T the formula
// keeps going (p > 1), as the official one does; no update is applied there
// (see [Schedule.Updates]).
func (s Schedule) LR(step int) float64 {
	if step < s.WarmupSteps {
		return s.BaseLR * float64(step) / float64(max(1, s.WarmupSteps))
	}
	p := float64(step-s.WarmupSteps) / float64(max(1, s.TotalSteps-s.WarmupSteps))
	r := s.MinRatio
	return s.BaseLR * (r + max(0, (1-r)*0.5*(1+math.Cos(math.Pi*p))))
}

// Updates reports whether training step step applies the optimisers:
// pretrain.py keeps consuming batches after TotalSteps (the step counter
// still increases and the EMA still updates) but skips the forward,
// backward and optimiser steps.
func (s Schedule) Updates(step int) bool { return step <= s.TotalSteps }
