package models

import (
	"math/rand/v2"

	"arceval/models/nn"
	"arceval/models/tensors"
)

// TrainBatch is the data offered to a training step: inputs and labels
// (B, S) and puzzle identifiers (B). As in the official ACT wrapper, only
// rows that halted take their row of the batch; the others keep working on
// their current data.
type TrainBatch struct {
	Inputs, Labels, PuzzleIDs []int32
}

// TrainOptions control a training step.
type TrainOptions struct {
	// Loss is the token loss (the official loss_type; stablemax by default).
	Loss nn.LossKind
	// LossScale multiplies the loss whose gradient is taken; the official
	// trainer back-propagates total_loss / global_batch_size. 0 means 1.
	LossScale float64
	// ExplorationProb is the official halt exploration (the config's
	// halt_exploration_prob in training): with this probability a row
	// draws a minimum number of steps uniformly in [2, halt_max_steps] and
	// does not halt before it. Rand must be set when it is positive.
	ExplorationProb float64
	Rand            *rand.Rand
	// NoQHalt turns adaptive halting off (the paper's "w/o ACT" ablation):
	// rows halt only after halt_max_steps steps.
	NoQHalt bool
}

// TrainOutput holds a training step's outputs and losses.
type TrainOutput struct {
	Logits    []float32     // (B, S, V)
	QHalt     []float32     // (B)
	QContinue []float32     // (B)
	Stats     []nn.SeqStats // (B) supervised and correctly predicted positions per row
	// TargetQContinue (B) is the bootstrapped q_continue target; only with
	// no_ACT_continue = false.
	TargetQContinue []float32
	// The official loss head's values: sums over the batch, before
	// LossScale; Total = LM + 0.5·(QHalt + QContinue).
	LMLoss, QHaltLoss, QContinueLoss, TotalLoss float64
}

// Trainable is a model that trains with deep supervision: the trainer
// (harness) drives it through these methods only, so TRM and the baselines
// share one training loop.
type Trainable interface {
	Model
	// Params lists the dense trainable parameters (official names) with
	// live weight and gradient slices; PuzzleEmb is the sparse puzzle
	// table (nil without one).
	Params() []nn.Param
	PuzzleEmb() *nn.SparseParam
	// Repack refreshes derived weight copies after an optimiser step.
	Repack()
	// ZeroGrad clears every gradient (dense and sparse).
	ZeroGrad()
	NewTrainState(B int) *TrainState
	NewTrainOutput(B int) *TrainOutput
	// TrainStep runs one supervision step with gradients added to Params
	// and PuzzleEmb (see act.Model.TrainStep for the official semantics).
	TrainStep(s *TrainState, b TrainBatch, opt TrainOptions, out *TrainOutput, ar *nn.Arena) error
	// ExplorationProb is the config's halt exploration probability.
	ExplorationProb() float64
	// Snapshot returns an inference copy of the model whose parameters are
	// replaced by override where it has an entry (e.g. the EMA weights).
	Snapshot(override map[string][]float32) (Model, error)
	// Save writes the model, with the same overrides, as a native arceval
	// file that `arceval eval` loads.
	Save(path string, override map[string][]float32, meta map[string]string) error
	// Weights returns every tensor (parameters and buffers such as H_init
	// and the puzzle table) under its official name, sharing live slices:
	// what a training checkpoint must hold to rebuild the model.
	Weights() map[string]Tensor
	// ConfigJSON is the model's config as native files store it.
	ConfigJSON() ([]byte, error)
}

// Tensor is a tensor's shape and float32 values (package tensors).
type Tensor = tensors.Tensor

// NewTrainOutput allocates training outputs for B rows of S tokens and V
// logits per token.
func NewTrainOutput(B, S, V int) *TrainOutput {
	return &TrainOutput{Logits: make([]float32, B*S*V), QHalt: make([]float32, B),
		QContinue: make([]float32, B), Stats: make([]nn.SeqStats, B), TargetQContinue: make([]float32, B)}
}
