// Package harness evaluates models on task sets: it turns test inputs into
// views (augmented copies, as the official ARC builder draws them), runs them
// through any models.Model in batches for the supervision steps, votes on the
// inverse-transformed predictions (ARC's two-attempt rule), and produces one
// results.Item per test input, independent of batching and threads.
// EvaluateRun (evalrun.go) is a whole evaluation into a run file — lock,
// selection, shard, header, resume, submission, scores — the library form
// of `arceval eval`, which parses flags and calls it. It also writes and
// scores ARC Prize submissions, and trains models (train*.go) on
// an official built split or on sets drawn as the official build would hold
// them (traindata*.go), sampled as the official loader does (sampler.go).
package harness
