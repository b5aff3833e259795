package act

import (
	"math"

	"arceval/models"
	"arceval/models/nn"
)

// HaltRule is how a model's rows halt on their Q values (trm-spec §3.7):
// in training, and in evaluation with StepOptions.HaltOnQ. The official
// wrapper applies it only when halt_max_steps > 1.
type HaltRule int

const (
	HaltAtMax           HaltRule = iota // only after MaxSteps steps (no Q halting, no exploration)
	HaltOnQPositive                     // q_halt > 0 (TRM, no_ACT_continue)
	HaltOnQOverContinue                 // q_halt > q_continue (HRM, the transformer baseline, TRM with ACT continue)
)

// halts reports whether a row with Q logits qHalt, qCont halts by the rule
// (before the step limit and exploration are taken into account).
func (rule HaltRule) halts(qHalt, qCont float32) bool {
	switch rule {
	case HaltOnQPositive:
		return qHalt > 0
	case HaltOnQOverContinue:
		return qHalt > qCont
	}
	return false
}

// trainHalt records a step's Q logits q (B, 2) in out, counts the step and
// decides which rows halt, as the official wrapper does in training mode:
// at maxSteps, or by the rule (unless opt.NoQHalt) but not before the
// exploration minimum that a row draws with probability opt.ExplorationProb
// (uniform in [2, maxSteps]).
func trainHalt(s *models.Carry, out *models.TrainOutput, q []float32, maxSteps int, rule HaltRule, opt models.TrainOptions) {
	if opt.NoQHalt {
		rule = HaltAtMax
	}
	for r := 0; r < s.B; r++ {
		out.QHalt[r], out.QContinue[r] = q[2*r], q[2*r+1]
		s.Steps[r]++
		halted := s.Steps[r] >= maxSteps
		if maxSteps > 1 && rule != HaltAtMax {
			halted = halted || rule.halts(q[2*r], q[2*r+1])
			if opt.ExplorationProb > 0 {
				minHalt := 0
				if opt.Rand.Float64() < opt.ExplorationProb {
					minHalt = 2 + opt.Rand.IntN(maxSteps-1)
				}
				halted = halted && s.Steps[r] >= minHalt
			}
		}
		s.Halted[r] = halted
	}
}

// QContinueTarget writes the bootstrapped q_continue target (HRM's ACT
// rule) of each row from the next step's Q logits q (B, 2): sigmoid of the
// next q_halt for a row at its last step (steps ≥ maxSteps), else of
// max(next q_halt, next q_continue).
func QContinueTarget(target, q []float32, steps []int, maxSteps int) {
	for r := range target {
		v := float64(q[2*r])
		if steps[r] < maxSteps {
			v = math.Max(v, float64(q[2*r+1]))
		}
		target[r] = float32(nn.Sigmoid(v))
	}
}

// trainLosses computes the official loss head (trm-spec §5.2) of a step
// whose logits (B, S, V) and Q logits q (B, 2) are in out and q: lm_loss,
// q_halt_loss against each row's exactness and, with withTarget, the
// q_continue loss against out.TargetQContinue; it sets out's losses and
// writes scale·∂total/∂logits into dlogits (B, S, V) and ∂total/∂q into dq
// (B, 2, zeroed by the caller), where scale is opt.LossScale (0 means 1).
func trainLosses(out *models.TrainOutput, s *models.Carry, q, dlogits, dq []float32, S, V int, withTarget bool, opt models.TrainOptions) error {
	B := s.B
	scale := opt.LossScale
	if scale == 0 {
		scale = 1
	}
	lm, err := nn.LMLoss(opt.Loss, dlogits, out.Logits, s.Labels, B, S, V, scale, out.Stats)
	if err != nil {
		return err
	}
	var qh, qc float64
	for r := 0; r < B; r++ {
		exact := 0.0
		if out.Stats[r].Exact() {
			exact = 1
		}
		l, g := nn.BCEWithLogits(float64(q[2*r]), exact)
		qh += l
		dq[2*r] = float32(0.5 * scale * g)
		if withTarget {
			l, g := nn.BCEWithLogits(float64(q[2*r+1]), float64(out.TargetQContinue[r]))
			qc += l
			dq[2*r+1] = float32(0.5 * scale * g)
		}
	}
	out.LMLoss, out.QHaltLoss, out.QContinueLoss = lm, qh, qc
	out.TotalLoss = lm + 0.5*(qh+qc)
	return nil
}
