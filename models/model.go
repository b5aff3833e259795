// Package models is the one interface that joins every model (TRM, HRM,
// the direct-prediction baselines) to the harness and the command line:
// Model and Run (evaluation), Trainable (training), the Carry they keep
// between supervision steps, and Family and Config, which make models.
// Evaluation, training, voting, scoring and reports never special-case a
// model; the machinery the models share is in package act.
package models

// Info describes what a model reads and writes.
type Info struct {
	Kind      string // "trm", "hrm", "transformer_baseline", "mlp_baseline"
	SeqLen    int    // S: tokens per puzzle
	Vocab     int    // V: logits per token
	MaxSteps  int    // supervision steps of a full run (halt_max_steps)
	PuzzleIDs int    // rows of the puzzle-embedding table (0: none)
}

// Batch is the data offered to a step: inputs (B, S) tokens and puzzle
// identifiers (B).
type Batch struct {
	Inputs    []int32
	PuzzleIDs []int32
}

// StepOutput holds one supervision step's outputs: logits (B, S, V) of the
// answer positions and the Q-head's halt and continue logits (B).
type StepOutput struct {
	Logits    []float32
	QHalt     []float32
	QContinue []float32
}

// NewStepOutput allocates outputs for B rows of a model.
func NewStepOutput(info Info, B int) *StepOutput {
	return &StepOutput{Logits: make([]float32, B*info.SeqLen*info.Vocab), QHalt: make([]float32, B), QContinue: make([]float32, B)}
}

// StepOptions control a step.
type StepOptions struct {
	// HaltOnQ ends a row early by the model's halting rule on its Q
	// logits — the rule it trains with: q_halt > 0 for TRM, q_halt >
	// q_continue for HRM and the transformer baseline — when it takes more
	// than one step (evaluation normally runs every row for MaxSteps).
	// Finished rows are Done and skipped afterwards.
	HaltOnQ bool
	// MaxSteps, when above zero, replaces halt_max_steps as the step after
	// which a row halts (and is reset at the next Step). Above the model's
	// halt_max_steps the carry goes on past the training depth (test-time
	// compute); 0 keeps the model's own depth.
	MaxSteps int
}

// Depth is the step after which a row halts: opt.MaxSteps when set, else the
// model's halt_max_steps.
func (o StepOptions) Depth(haltMaxSteps int) int {
	if o.MaxSteps > 0 {
		return o.MaxSteps
	}
	return haltMaxSteps
}

// Model runs supervision steps on batches of encoded puzzles.
type Model interface {
	Info() Info
	// NewRun starts the carry of B rows, all waiting for data: the first
	// Step loads its batch into every row.
	NewRun(B int) Run
}

// Run is the carry of one batch between supervision steps.
type Run interface {
	// Step runs one supervision step; rows that are Done keep their outputs.
	Step(b Batch, out *StepOutput, opt StepOptions) error
	// Done reports whether row r stopped early (StepOptions.HaltOnQ).
	Done(r int) bool
}
