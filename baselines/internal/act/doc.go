// Package act holds what HRM and the direct-prediction baseline share with
// the official ACT models of the HRM and TRM repositories: resolving
// official checkpoint keys with a full mismatch report, the input embedding
// with its puzzle prefix, the post-norm block stacks, the lm/Q heads, and the
// ACT wrapper's per-row carry (reset of halted rows, step counting, halting).
// The models differ only in their recurrent states and in the recursion of
// one supervision step, which they pass in as an Inner function; for
// training (Trainer) also in its training forward and backward.
package act
