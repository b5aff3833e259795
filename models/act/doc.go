// Package act is the one ACT core every model family uses (TRM, HRM, the
// transformer and MLP baselines), as the official ACT wrapper and loss head
// (ACTLossHead) compute it: the per-row carry with reset and loading of
// halted rows, the evaluation step that validates a batch before it
// changes anything, the halting rules with exploration, the Q-learning
// target, the training step with the losses and the backward pass of the
// heads and the input embedding, parameters, snapshots and native files.
//
// A family supplies only what differs: its config and tensor layout (Def)
// and its inner network (Net: the recursion of one supervision step, its
// training forward and backward). The shared pieces of the networks — the
// input embedding with its puzzle prefix, the post-norm block stacks, the
// lm and Q heads, resolving official checkpoint keys with a full mismatch
// report, the official initialisation — are here too.
//
// Beside the fast evaluation step, which gathers the running rows into
// contiguous buffers, is a plain per-row reference (Model.Reference), the
// oracle of the conformance suite (internal/parity), as llm.c keeps a naive
// forward beside its optimised one.
package act
