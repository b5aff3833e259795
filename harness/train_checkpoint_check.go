package harness

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"arceval/models"
	"arceval/models/nn"
)

// checkPosition checks the run's position and counters read from the file
// against the recipe and the data (groups per epoch), so that a corrupt or
// hand-edited checkpoint is an error naming the field, not a panic in the
// sampler or a NaN in Adam's bias correction.
func (c *Checkpoint) checkPosition(groups int) error {
	bad := func(field string, v int64, want string) error {
		return fmt.Errorf("%s: %s: %s %d is outside %s", c.Path, MetaTrain, field, v, want)
	}
	m := c.meta
	epi := m.Config.EpochsPerIter
	// Every sampler iteration that has ended gave at least one batch (one
	// with fewer examples than a batch is an error), so at step s at most
	// s+1 iterations have begun: epoch < (s+1)·epochs_per_iter.
	lastEpoch := math.MaxInt
	if m.Step >= 0 && m.Step < math.MaxInt/epi-1 {
		lastEpoch = (m.Step+1)*epi - 1
	}
	switch {
	case m.Step < 0 || m.Step > m.Config.Steps:
		return bad("step", int64(m.Step), fmt.Sprintf("0..%d (the run's steps)", m.Config.Steps))
	case m.Epoch < 0 || m.Epoch > lastEpoch:
		return bad("epoch", int64(m.Epoch), fmt.Sprintf("0..%d (at step %d, at most %d sampler iterations of %d epochs have begun)", lastEpoch, m.Step, m.Step+1, epi))
	case m.Offset < 0 || m.Offset > groups:
		return bad("offset", int64(m.Offset), fmt.Sprintf("0..%d (the groups of an epoch of the training data)", groups))
	}
	// Optimiser and EMA counters count updates: one per step at most.
	for _, cs := range []struct {
		field    string
		counters map[string]int64
	}{{"adam_counters", m.AdamCounters}, {"ema_counters", m.EMACounters}} {
		for _, name := range sortedKeys(cs.counters) {
			if v := cs.counters[name]; v < 0 || v > int64(m.Step) {
				return bad(cs.field+"["+strconv.Quote(name)+"]", v, fmt.Sprintf("0..%d (the step)", m.Step))
			}
		}
	}
	return nil
}

// carryFields are the tensors of each ACT carry, carry/<k>/<field>.
var carryFields = []string{"z_H", "z_L", "steps", "halted", "inputs", "labels", "puzzle_ids"}

// checkLayout checks, before the trainer allocates anything, that the file
// holds the carries the recipe's batch needs (one per micro-batch, each
// with micro_batch·seqLen input tokens) and no tensor outside the training
// state: the memory a resume allocates is then backed by the file's data,
// not by a number in its metadata.
func (c *Checkpoint) checkLayout(seqLen int) error {
	cfg := c.meta.Config
	if want := cfg.GlobalBatch / cfg.MicroBatch; c.meta.Carries != want {
		return fmt.Errorf("%s: %s: carries %d, want %d (global batch %d in micro-batches of %d)", c.Path, MetaTrain, c.meta.Carries, want, cfg.GlobalBatch, cfg.MicroBatch)
	}
	for k := range c.meta.Carries {
		name := fmt.Sprintf("%s%d/inputs", prefixCarry, k)
		tn, ok := c.file.Tensor(name)
		if !ok {
			return fmt.Errorf("%s: no tensor %s", c.Path, name)
		}
		if tn.NumElements() != cfg.MicroBatch*seqLen {
			return fmt.Errorf("%s: tensor %s has %d values, want %d (micro-batch %d × sequence length %d)", c.Path, name, tn.NumElements(), cfg.MicroBatch*seqLen, cfg.MicroBatch, seqLen)
		}
	}
	for _, name := range c.file.Keys() {
		if strings.HasPrefix(name, prefixModel) || strings.HasPrefix(name, prefixAdam) || strings.HasPrefix(name, prefixEMA) {
			continue
		}
		if rest, ok := strings.CutPrefix(name, prefixCarry); ok {
			ks, field, _ := strings.Cut(rest, "/")
			k, err := strconv.Atoi(ks)
			if err == nil && k >= 0 && k < c.meta.Carries && strconv.Itoa(k) == ks && contains(carryFields, field) {
				continue
			}
		}
		return fmt.Errorf("%s: tensor %s is no part of a training state (model/, adam/, ema/, carry/<k>/<field> for %d carries)", c.Path, name, c.meta.Carries)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkFinite refuses NaN and ±Inf in a state tensor (EMA shadow, Adam
// moments, carried latents): a run resumed from them is lost at its first
// step.
func (c *Checkpoint) checkFinite(name string, v []float32) error {
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("%s: tensor %s: element %d is %v", c.Path, name, i, x)
		}
	}
	return nil
}

// checkMoment checks an Adam moment: finite, and the second moment
// (exp_avg_sq, a mean of squares) ≥ 0, whose square root Adam takes.
func (c *Checkpoint) checkMoment(name string, v []float32) error {
	if err := c.checkFinite(name, v); err != nil {
		return err
	}
	if strings.HasSuffix(name, ".exp_avg_sq") {
		for i, x := range v {
			if x < 0 {
				return fmt.Errorf("%s: tensor %s: element %d is %v, a second moment must be ≥ 0", c.Path, name, i, x)
			}
		}
	}
	return nil
}

// carryLimits are the ranges of a carry's integer fields: steps 0..max
// steps, tokens and labels in the model's vocabulary (labels also
// nn.IgnoreLabel), puzzle ids in the model's table (the data's ids when
// the model has none).
type carryLimits struct{ maxSteps, vocab, ids int }

func carryBounds(info models.Info, data TrainData) carryLimits {
	ids := info.PuzzleIDs
	if ids == 0 {
		ids = max(data.NumPuzzleIDs(), 1)
	}
	return carryLimits{maxSteps: info.MaxSteps, vocab: info.Vocab, ids: ids}
}

// checkCarry checks one tensor of a carry (tensor name, its field) before
// it is used: latents finite, integers whole and in range, flags 0 or 1.
func (c *Checkpoint) checkCarry(name, field string, v []float32, l carryLimits) error {
	if field == "z_H" || field == "z_L" {
		return c.checkFinite(name, v)
	}
	lo, hi, extra := 0, 0, math.MinInt
	switch field {
	case "steps":
		hi = l.maxSteps
	case "halted":
		hi = 1
	case "inputs":
		hi = l.vocab - 1
	case "labels":
		hi, extra = l.vocab-1, nn.IgnoreLabel
	case "puzzle_ids":
		hi = l.ids - 1
	}
	for i, x := range v {
		f := float64(x)
		if f != math.Trunc(f) || (f < float64(lo) || f > float64(hi)) && f != float64(extra) {
			want := fmt.Sprintf("a whole number in %d..%d", lo, hi)
			if extra != math.MinInt {
				want += fmt.Sprintf(" or %d", extra)
			}
			return fmt.Errorf("%s: tensor %s: element %d is %v, want %s", c.Path, name, i, x, want)
		}
	}
	return nil
}
