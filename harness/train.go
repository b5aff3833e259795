package harness

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"arceval/models"
	"arceval/models/nn"
	"arceval/models/optim"
)

// TrainConfig is a training recipe (trm-spec §6); it is saved in every
// checkpoint, so a resumed run continues with exactly the same one.
type TrainConfig struct {
	Seed        uint64  `json:"seed"`         // data order, augmentations and halt exploration
	GlobalBatch int     `json:"global_batch"` // examples per optimiser step (official 768)
	MicroBatch  int     `json:"micro_batch"`  // rows per model call; gradients accumulate over GlobalBatch/MicroBatch calls
	Steps       int     `json:"steps"`        // optimiser steps
	LR          float64 `json:"lr"`
	LRMinRatio  float64 `json:"lr_min_ratio"` // 1: constant after warm-up (all released configs)
	Warmup      int     `json:"warmup_steps"`
	WeightDecay float64 `json:"weight_decay"`
	Beta1       float64 `json:"beta1"`
	Beta2       float64 `json:"beta2"`
	PuzzleLR    float64 `json:"puzzle_emb_lr"`
	PuzzleWD    float64 `json:"puzzle_emb_weight_decay"`
	EMA         float64 `json:"ema_rate"`         // 0: no EMA (evaluate and save the live weights)
	Optimizer   string  `json:"optimizer"`        // adam_atan2 (official) or adamw
	Loss        string  `json:"loss"`             // stablemax_cross_entropy (official) or softmax_cross_entropy
	NoACT       bool    `json:"no_act,omitempty"` // rows run halt_max_steps steps; no Q halting (ablation)
	// Recipe names the recipe the values started from (LookupRecipe) and
	// RecipeOverrides the values set apart from it (flag names, e.g. "lr").
	Recipe          string   `json:"recipe,omitempty"`
	RecipeOverrides []string `json:"recipe_overrides,omitempty"`
	// EpochsPerIter is the sampler's iteration: epochs whose group orders
	// run on into each other, the incomplete last batch of each being
	// dropped. Officially the evaluation interval (eval_interval: 5000
	// epochs Sudoku/Maze, 10000 ARC); see sampler.
	EpochsPerIter int `json:"epochs_per_iter"`
}

// Official sampler iterations (eval_interval of the README commands, trm-spec §6.6).
const (
	EpochsPerIterBoards = 5000
	EpochsPerIterARC    = 10000
)

// DefaultTrainConfig is TRM's official Sudoku recipe (trm-sudoku,
// trm-spec §6.6) for a run of the given number of steps.
func DefaultTrainConfig(steps int) TrainConfig {
	r, err := LookupRecipe("trm-sudoku")
	if err != nil {
		panic(err) // the registry is a constant
	}
	return r.Train(steps)
}

// Validate checks that the recipe is usable.
func (c TrainConfig) Validate() error {
	switch {
	case c.GlobalBatch < 1 || c.MicroBatch < 1 || c.GlobalBatch%c.MicroBatch != 0:
		return fmt.Errorf("train: global batch %d must be a positive multiple of the micro batch %d", c.GlobalBatch, c.MicroBatch)
	case c.Steps < 1:
		return fmt.Errorf("train: steps %d must be ≥ 1", c.Steps)
	case !(c.LR > 0) || math.IsInf(c.LR, 1) || c.Warmup < 0 || !(c.LRMinRatio >= 0 && c.LRMinRatio <= 1):
		return fmt.Errorf("train: lr %g, warm-up %d and lr_min_ratio %g must be positive and finite, ≥ 0 and in [0, 1]", c.LR, c.Warmup, c.LRMinRatio)
	case !(c.Beta1 >= 0 && c.Beta1 < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1):
		// β = 1 makes Adam's bias correction 1 − βᵗ zero: every update infinite.
		return fmt.Errorf("train: beta1 %g and beta2 %g must be in [0, 1)", c.Beta1, c.Beta2)
	case !finiteNonNeg(c.WeightDecay) || !finiteNonNeg(c.PuzzleLR) || !finiteNonNeg(c.PuzzleWD):
		return fmt.Errorf("train: weight_decay %g, puzzle_emb_lr %g and puzzle_emb_weight_decay %g must be finite and ≥ 0", c.WeightDecay, c.PuzzleLR, c.PuzzleWD)
	case !(c.EMA >= 0 && c.EMA < 1):
		return fmt.Errorf("train: ema_rate %g must be in [0, 1)", c.EMA)
	case c.EpochsPerIter < 1:
		return fmt.Errorf("train: epochs per iteration %d must be ≥ 1", c.EpochsPerIter)
	case c.Optimizer != "adam_atan2" && c.Optimizer != "adamw":
		return fmt.Errorf("train: optimizer %q (want adam_atan2 or adamw)", c.Optimizer)
	}
	_, err := nn.ParseLossKind(c.Loss)
	return err
}

func finiteNonNeg(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }

// Trainer runs the official deep-supervision training loop on any
// models.Trainable: the global batch is split into micro-batches, each with
// its own ACT carry (rows halt and take new examples independently, exactly
// as one carry of GlobalBatch rows would), gradients of
// total_loss/GlobalBatch accumulate over the micro-batches, then Adam-atan2
// (or AdamW) updates the parameters, sparse SignSGD the puzzle-embedding
// rows, and the EMA follows. Everything that decides the next step — weights,
// optimiser and EMA state, carries, sampler position and the exploration
// random stream — is saved by Save, so a resumed run is bit-identical to an
// uninterrupted one.
type Trainer struct {
	Cfg   TrainConfig
	Model models.Trainable
	Step  int // optimiser steps done

	samp    *sampler
	adam    *optim.Adam
	sgd     *optim.SparseSignSGD
	ema     *optim.EMA
	sched   optim.Schedule
	psched  optim.Schedule
	loss    nn.LossKind
	carries []*models.TrainState
	outs    []*models.TrainOutput
	batch   models.TrainBatch // one micro-batch's data, reused every step
	ar      *nn.Arena
	pcg     *rand.PCG
	rng     *rand.Rand
	seqLen  int
}

// NewTrainer starts a run of cfg on a freshly initialised model.
func NewTrainer(cfg TrainConfig, m models.Trainable, data TrainData) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	info := m.Info()
	if data.SeqLen() != info.SeqLen {
		return nil, fmt.Errorf("train: the data's puzzles are %d tokens, the model reads %d", data.SeqLen(), info.SeqLen)
	}
	if data.Groups() < 1 {
		return nil, errors.New("train: the training data has no groups")
	}
	for g := range data.Groups() {
		if data.Members(g) < 1 {
			return nil, fmt.Errorf("train: group %d of the training data has no puzzle", g)
		}
	}
	if info.PuzzleIDs > 0 && data.NumPuzzleIDs() > info.PuzzleIDs {
		return nil, fmt.Errorf("train: the data has %d puzzle identifiers, the model's table %d rows", data.NumPuzzleIDs(), info.PuzzleIDs)
	}
	rule := optim.ATan2
	if cfg.Optimizer == "adamw" {
		rule = optim.AdamW
	}
	adam, err := optim.NewAdam(optim.AdamConfig{Rule: rule, Beta1: cfg.Beta1, Beta2: cfg.Beta2, WeightDecay: cfg.WeightDecay, Eps: 1e-8})
	if err != nil {
		return nil, err
	}
	loss, _ := nn.ParseLossKind(cfg.Loss)
	t := &Trainer{Cfg: cfg, Model: m, samp: newSampler(data, cfg.Seed, cfg.EpochsPerIter), adam: adam,
		sgd:    &optim.SparseSignSGD{WeightDecay: cfg.PuzzleWD},
		sched:  optim.Schedule{BaseLR: cfg.LR, WarmupSteps: cfg.Warmup, TotalSteps: cfg.Steps, MinRatio: cfg.LRMinRatio},
		psched: optim.Schedule{BaseLR: cfg.PuzzleLR, WarmupSteps: cfg.Warmup, TotalSteps: cfg.Steps, MinRatio: cfg.LRMinRatio},
		loss:   loss, ar: &nn.Arena{}, pcg: rand.NewPCG(cfg.Seed, 0x45_58_50_4c), seqLen: info.SeqLen}
	t.rng = rand.New(t.pcg)
	if cfg.EMA > 0 {
		if t.ema, err = optim.NewEMA(cfg.EMA, m.Params()); err != nil {
			return nil, err
		}
	}
	B, S := cfg.MicroBatch, info.SeqLen
	t.batch = models.TrainBatch{Inputs: make([]int32, B*S), Labels: make([]int32, B*S), PuzzleIDs: make([]int32, B)}
	for range cfg.GlobalBatch / cfg.MicroBatch {
		t.carries = append(t.carries, m.NewTrainState(cfg.MicroBatch))
		t.outs = append(t.outs, m.NewTrainOutput(cfg.MicroBatch))
	}
	return t, nil
}

// StepStats are the official training metrics of one optimiser step
// (trm-spec §5.3): losses per example of the global batch; accuracies and
// steps over the rows that halted at this step.
type StepStats struct {
	Step          int     `json:"step"`
	Epoch         int     `json:"epoch"`
	LR            float64 `json:"lr"`
	Loss          float64 `json:"loss"`
	LMLoss        float64 `json:"lm_loss"`
	QHaltLoss     float64 `json:"q_halt_loss"`
	QContinueLoss float64 `json:"q_continue_loss,omitempty"`
	Halted        int     `json:"halted"`
	Accuracy      float64 `json:"accuracy"`
	ExactAccuracy float64 `json:"exact_accuracy"`
	QHaltAccuracy float64 `json:"q_halt_accuracy"`
	MeanSteps     float64 `json:"steps"`
}

// TrainStep runs one optimiser step on the next global batch.
func (t *Trainer) TrainStep() (StepStats, error) {
	if t.Step >= t.Cfg.Steps {
		return StepStats{}, errors.New("train: all steps are done")
	}
	m, cfg := t.Model, t.Cfg
	S, B := t.seqLen, cfg.MicroBatch
	batch, err := t.samp.next(cfg.GlobalBatch)
	if err != nil {
		return StepStats{}, err
	}
	m.ZeroGrad()
	st := StepStats{Step: t.Step + 1}
	var tokAcc float64
	in, lab, ids := t.batch.Inputs, t.batch.Labels, t.batch.PuzzleIDs
	for k, carry := range t.carries {
		for r := 0; r < B; r++ {
			ex := batch[k*B+r]
			copy(in[r*S:(r+1)*S], ex.Inputs)
			copy(lab[r*S:(r+1)*S], ex.Labels)
			ids[r] = ex.PuzzleID
		}
		out := t.outs[k]
		opt := models.TrainOptions{Loss: t.loss, LossScale: 1 / float64(cfg.GlobalBatch), ExplorationProb: m.ExplorationProb(), Rand: t.rng, NoQHalt: cfg.NoACT}
		if err := m.TrainStep(carry, t.batch, opt, out, t.ar); err != nil {
			return st, err
		}
		st.LMLoss += out.LMLoss
		st.QHaltLoss += out.QHaltLoss
		st.QContinueLoss += out.QContinueLoss
		st.Loss += out.TotalLoss
		for r := 0; r < B; r++ {
			s := out.Stats[r]
			if !carry.Halted[r] || s.Valid == 0 {
				continue
			}
			st.Halted++
			tokAcc += float64(s.Correct) / float64(s.Valid)
			if s.Exact() {
				st.ExactAccuracy++
			}
			if (out.QHalt[r] >= 0) == s.Exact() {
				st.QHaltAccuracy++
			}
			st.MeanSteps += float64(carry.Steps[r])
		}
	}
	// A diverged step changes no weight: its loss or gradients are refused
	// before the optimiser runs.
	if !finite32(float32(st.Loss)) {
		return st, &DivergedError{Step: t.Step + 1, What: "loss", Value: st.Loss}
	}
	if err := checkGradients(t.Step+1, m.Params(), m.PuzzleEmb()); err != nil {
		return st, err
	}
	t.Step++
	st.LR = t.sched.LR(t.Step)
	if err := t.adam.Step(m.Params(), st.LR); err != nil {
		return st, err
	}
	if pe := m.PuzzleEmb(); pe != nil && len(pe.IDs) > 0 {
		if err := t.sgd.Step(pe.W, pe.Shape[1], pe.G, pe.IDs, t.psched.LR(t.Step)); err != nil {
			return st, err
		}
	}
	if err := checkWeights(t.Step, m.Params(), m.PuzzleEmb()); err != nil {
		return st, err
	}
	m.Repack()
	if t.ema != nil {
		if err := t.ema.Update(m.Params()); err != nil {
			return st, err
		}
	}
	n := float64(cfg.GlobalBatch)
	st.Loss, st.LMLoss, st.QHaltLoss, st.QContinueLoss = st.Loss/n, st.LMLoss/n, st.QHaltLoss/n, st.QContinueLoss/n
	if st.Halted > 0 {
		h := float64(st.Halted)
		st.Accuracy, st.ExactAccuracy, st.QHaltAccuracy, st.MeanSteps = tokAcc/h, st.ExactAccuracy/h, st.QHaltAccuracy/h, st.MeanSteps/h
	}
	st.Epoch = t.samp.Epoch
	return st, nil
}

// weights returns the weights to evaluate and save: the EMA shadow when
// EMA is on (the official evaluation and checkpoint use it), else nil (the
// live weights).
func (t *Trainer) weights() map[string][]float32 {
	if t.ema == nil {
		return nil
	}
	w := map[string][]float32{}
	for _, p := range t.Model.Params() {
		w[p.Name] = t.ema.Shadow(p.Name)
	}
	return w
}

// EvalModel returns an inference copy of the model with the weights that
// are evaluated (EMA when on).
func (t *Trainer) EvalModel() (models.Model, error) { return t.Model.Snapshot(t.weights()) }

// SaveModel writes the evaluated weights as a native model file.
func (t *Trainer) SaveModel(path string, meta map[string]string) error {
	return t.Model.Save(path, t.weights(), meta)
}
