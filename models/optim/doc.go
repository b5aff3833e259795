// Package optim holds the optimisers of TRM training (trm-spec.md §6), as
// the official PyTorch code runs them, on plain float32 slices:
//
//   - [Adam]: Adam-atan2 (the adam_atan2 package used by TRM and HRM: no ε,
//     bias corrections, decoupled weight decay) and, as an option, AdamW;
//     one state (m, v, step) per parameter, keyed by the parameter's name.
//   - [SparseSignSGD]: the puzzle-embedding optimiser, which updates only the
//     rows of the embedding table whose ids are in the batch.
//   - [Schedule]: linear warm-up then cosine decay to lr_min_ratio, a pure
//     function of the step.
//   - [EMA]: the exponential moving average of the weights (models/ema.py).
//   - [ZeroGrad], [AddGrad], [ScaleGrad]: gradient accumulation over
//     micro-batches.
//
// Parameters are handed over as []Param (live weights W and gradient G). The
// state of Adam and EMA is exported and imported as a [State] of named
// float32 tensors and integer counters, for the native checkpoint.
//
// Every update is element-wise, in float32 like the official kernels, with
// explicit conversions between operations so that the compiler never fuses
// a multiply and an add: results are the same on every architecture.
package optim
