package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"arceval/internal/atomicfile"
	"arceval/internal/runlock"
	"arceval/models"
	"arceval/results"
	"arceval/tasks"
)

// OptionError is an evaluation option that cannot apply to this model or
// set (an identifiers file for a model without a puzzle table, a
// submission of a Sudoku run, …): bad use rather than bad data, which a
// command reports as a usage error.
type OptionError struct{ Msg string }

func (e OptionError) Error() string { return e.Msg }

// OpenedModel is the model an evaluation runs: the model, its effective
// config and the digest of its file (both recorded in the run header), and
// how to release it.
type OpenedModel struct {
	models.Model
	Config json.RawMessage
	SHA256 string
	Close  func()
}

// EvalSpec is one evaluation of a selection of a set into a run file: the
// library form of `arceval eval` (its flags name the same settings).
type EvalSpec struct {
	// Open opens the model; it is called once the run file's lock is held,
	// so that a refused second writer loads nothing.
	Open func() (OpenedModel, error)
	// ModelPath names the model in messages.
	ModelPath string

	DataRoot, Set string   // the set: a name under DataRoot, a path or a built split
	Limit         int      // the first Limit tasks only (0: all)
	IDs           []string // these task ids only
	Shard         string   // "K/N": this shard of the selection (needs Out)

	Views       int          // ARC views per test input
	Seed        uint64       // root seed of the views and random puzzle ids
	PuzzleIDs   PuzzleIDMode // how views get their puzzle identifiers
	PuzzleIDArg string       // the mode as given (recorded in the header's flags)
	Identifiers string       // identifiers.json of the training build ("" none)
	Steps       int          // supervision steps (0: the model's)
	Halt        bool         // stop a view early on q_halt > 0
	Batch       int          // rows per model batch
	Precision   string       // the precision Open's model runs in, recorded in the protocol ("" float32)

	Out        string // run file ("" none: scores only)
	Resume     bool   // continue an existing Out
	Submission string // ARC: also write the submission JSON here ("" none)

	Provenance Provenance     // build that writes the run
	Flags      map[string]any // extra header flags (e.g. the catalog name)

	// Log receives notes and warnings (resuming, subset, timing); Progress
	// is called as test inputs finish; Done when the model work ends, before
	// the closing notes (e.g. to end a progress line). Any may be nil.
	Log      io.Writer
	Progress func(stage string, done, total int)
	Done     func()
}

// EvalRun is an evaluation opened by OpenEval: its run file is locked, its
// model open, and its selection, header and protocol are made. Evaluate
// runs it (or a dry run uses Model, Items and Header); Close releases it.
type EvalRun struct {
	Spec   EvalSpec
	Model  OpenedModel
	Info   models.Info
	Set    *EvalSet
	Items  []*Item // the test inputs of this run (the shard's, when sharded)
	Header results.Header
	// Steps is the supervision steps every view runs (the protocol's).
	Steps int

	tests   map[string]int // test inputs per task of the whole selection
	shardN  int
	unknown *atomic.Int64
	lock    *runlock.Lock
}

// EvalResult is a finished evaluation: every record of the run (resumed
// ones first) and, for a whole run (not a shard), its scores.
type EvalResult struct {
	Header  results.Header
	Items   []results.Item
	Summary *results.Summary // nil for a shard
}

// OpenEval locks the run file (one writer per run file: a second one is
// refused, naming the process that writes it), opens the model, loads the
// set and makes the selection, the protocol and the run header.
func OpenEval(spec EvalSpec) (_ *EvalRun, err error) {
	shardK, shardN := 0, 0
	if spec.Shard != "" {
		if shardK, shardN, err = results.ParseShard(spec.Shard); err != nil {
			return nil, OptionError{err.Error()}
		}
		if spec.Out == "" {
			return nil, OptionError{"eval: --shard needs --out (shards are merged from their run files)"}
		}
	}
	if spec.Resume && spec.Out == "" {
		return nil, OptionError{"eval: --resume needs --out"}
	}
	r := &EvalRun{Spec: spec, shardN: shardN, unknown: new(atomic.Int64)}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	if spec.Out != "" {
		if r.lock, err = runlock.Acquire(runlock.ForFile(spec.Out), spec.Out); err != nil {
			return nil, err
		}
	}
	if r.Model, err = spec.Open(); err != nil {
		return nil, err
	}
	info := r.Model.Info()
	r.Info = info
	vo := ViewOptions{Views: spec.Views, Seed: spec.Seed, IDs: spec.PuzzleIDs, NumIDs: info.PuzzleIDs, Unknown: r.unknown}
	if spec.Identifiers != "" {
		if info.PuzzleIDs == 0 {
			return nil, OptionError{fmt.Sprintf("eval: --identifiers: %s has no puzzle-embedding table", spec.ModelPath)}
		}
		if vo.Identifiers, err = ReadIdentifiers(spec.Identifiers, info.PuzzleIDs); err != nil {
			return nil, err
		}
	}
	es, err := LoadEvalSet(spec.DataRoot, spec.Set, vo)
	if err != nil {
		return nil, err
	}
	r.Set = es
	if spec.Submission != "" && es.Kind != tasks.ARC {
		return nil, OptionError{"eval: --submission is for ARC sets"} // before any work, not after it
	}
	if es.Identity.NoAnswers && spec.Submission == "" && spec.Out == "" {
		return nil, OptionError{fmt.Sprintf("eval: %s has no answers (a challenges file without solutions): nothing can be scored; pass --submission FILE (and/or --out) to keep the predictions", es.Name)}
	}
	if info.PuzzleIDs > 1 && spec.PuzzleIDs == IDsAuto && spec.Identifiers == "" && !es.Built {
		r.logf("warning: the model has a %d-row puzzle-embedding table but no identifiers were given; every view runs with the blank id 0 (pass --identifiers, a built split, or --puzzle-id blank to silence this)\n", info.PuzzleIDs)
	}
	items, subset, err := Select(es.Items, spec.Limit, spec.IDs)
	if err != nil {
		return nil, OptionError{err.Error()}
	}
	selection := items // the whole selection, before sharding: the header's denominators
	r.tests = map[string]int{}
	for _, it := range items {
		r.tests[it.TaskID] = it.Tests
	}
	if shardN > 0 {
		items = ShardOf(items, shardK, shardN)
	}
	r.Items = items
	// The protocol depends on the whole set only (never on the shard), so
	// that every shard of a run has the same header.
	proto := es.Protocol(info, ProtocolOptions{Views: spec.Views, IDs: spec.PuzzleIDs, Identifiers: spec.Identifiers != "", Steps: spec.Steps, Halt: spec.Halt, Precision: spec.Precision})
	h := NewHeader(spec.Provenance, info, r.Model.Config, es, selection, subset, spec.Seed, proto)
	h.ModelSHA256, h.Shard = r.Model.SHA256, spec.Shard
	if spec.Shard != "" {
		h.ShardBy = ShardBy
	}
	h.Flags = map[string]any{"halt": spec.Halt, "puzzle_id": spec.PuzzleIDArg, "identifiers": spec.Identifiers, "limit": spec.Limit, "ids": strings.Join(spec.IDs, ",")}
	for k, v := range spec.Flags {
		h.Flags[k] = v
	}
	r.Header, r.Steps = h, proto.Steps
	return r, nil
}

// Close releases the model and the run file's lock.
func (r *EvalRun) Close() {
	if r.Model.Close != nil {
		r.Model.Close()
		r.Model.Close = nil
	}
	if r.lock != nil {
		r.lock.Release()
		r.lock = nil
	}
}

func (r *EvalRun) logf(format string, args ...any) {
	if r.Spec.Log != nil {
		fmt.Fprintf(r.Spec.Log, format, args...)
	}
}

// Evaluate runs the evaluation: it creates the run file (or, with Resume,
// continues it, skipping the test inputs it holds), appends and flushes a
// record as each test input finishes, writes the submission when asked and
// scores a whole run. Cancelling ctx stops it; the records written so far
// stay for a resume.
func (r *EvalRun) Evaluate(ctx context.Context) (*EvalResult, error) {
	spec, h := r.Spec, r.Header
	var w *results.Writer
	done := map[string]bool{}
	var prior []results.Item
	if spec.Out != "" {
		var err error
		if _, statErr := os.Stat(spec.Out); statErr == nil {
			if !spec.Resume {
				return nil, fmt.Errorf("%s exists: pass --resume to continue it, or choose another --out", spec.Out)
			}
			if w, prior, err = results.Append(spec.Out, h); err != nil {
				return nil, err
			}
			for _, it := range prior {
				done[it.Key()] = true
			}
			r.logf("resuming %s: %d of %d test inputs already done\n", spec.Out, len(prior), len(r.Items))
		} else if w, err = results.Create(spec.Out, h); err != nil {
			return nil, err
		}
		defer w.Close()
	}
	var todo []*Item
	for _, it := range r.Items {
		if !done[it.Key()] {
			todo = append(todo, it)
		}
	}
	if h.Subset != "" {
		r.logf("subset: %s\n", h.Subset)
	}
	all := prior
	var timing Timing
	progress := func(d, total int) {
		if spec.Progress != nil {
			spec.Progress("evaluating "+r.Set.Name, d, total)
		}
	}
	err := Evaluate(ctx, r.Model.Model, todo, Options{Batch: spec.Batch, Steps: r.Steps, Halt: spec.Halt, Timing: &timing, Progress: progress},
		func(it results.Item) error {
			all = append(all, it)
			if w != nil {
				return w.Add(it)
			}
			return nil
		})
	if spec.Done != nil {
		spec.Done()
	}
	if err != nil {
		if ctx.Err() != nil && spec.Out != "" {
			return nil, fmt.Errorf("interrupted after %d of %d test inputs; continue with the same flags and --resume", len(all), len(r.Items))
		}
		return nil, err
	}
	if w != nil {
		if err := w.Close(); err != nil {
			return nil, err
		}
	}
	if n := r.unknown.Load(); n > 0 {
		r.logf("warning: %d views have no puzzle identifier in %s and ran with the blank id 0 (their augmentations are not the training build's; evaluate the build's test split to use its exact views)\n", n, spec.Identifiers)
	}
	if len(todo) > 0 {
		r.logf("evaluated %d test inputs in %.1f s: model %.1f s, harness overhead %.1f%%\n",
			len(todo), timing.Total.Seconds(), timing.Model.Seconds(), 100*timing.Overhead())
	}
	if spec.Submission != "" {
		if r.Set.Kind != tasks.ARC {
			return nil, OptionError{"eval: --submission is for ARC sets"}
		}
		sub := NewSubmission(all, r.tests)
		if err := atomicfile.Write(spec.Submission, sub.Write); err != nil {
			return nil, err
		}
	}
	res := &EvalResult{Header: h, Items: all}
	if r.shardN > 0 {
		return res, nil
	}
	s, err := results.Score(h, all)
	if err != nil {
		return nil, err
	}
	res.Summary = &s
	return res, nil
}

// EvaluateRun opens an evaluation, runs it and closes it: the whole of
// `arceval eval` but its flags and printing.
func EvaluateRun(ctx context.Context, spec EvalSpec) (*EvalResult, error) {
	r, err := OpenEval(spec)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Evaluate(ctx)
}
