package harness

import (
	"context"
	"math"
	"time"

	"arceval/models"
	"arceval/models/nn"
	"arceval/results"
	"arceval/tasks"
)

// Options control an evaluation run.
type Options struct {
	Batch int  // rows per model batch (views of several items share a batch)
	Steps int  // supervision steps per view (0: the model's halt_max_steps; more continues the recursion)
	Halt  bool // stop a view early when its q_halt > 0
	// Progress, when set, is called after each batch with the items finished
	// so far and the total.
	Progress func(done, total int)
	// Timing, when set, receives where the wall time went.
	Timing *Timing
	// CPUClock reads the CPU time used so far (nil: ProcessCPU). Each
	// batch's CPU time is shared among its rows, like the wall time, into
	// the records' CPU-seconds; a clock that reads 0 records none.
	CPUClock func() time.Duration
}

// Timing splits an evaluation's wall time between the model's steps and
// everything else the harness does (encoding, decoding, voting, emitting).
type Timing struct {
	Model, Total time.Duration
}

// Overhead is the harness's share of the wall time.
func (t Timing) Overhead() float64 {
	if t.Total <= 0 {
		return 0
	}
	return float64(t.Total-t.Model) / float64(t.Total)
}

// Evaluate runs every view of every item through the model and calls emit
// with each item's record, in item order. Records depend only on the model,
// the items and Steps/Halt — not on Batch, threads or which items run
// together (rows of a batch are independent). Seconds is the item's share of
// the wall time of the batches its views ran in, CPUSeconds its share of
// their CPU time (all threads).
func Evaluate(ctx context.Context, m models.Model, items []*Item, opt Options, emit func(results.Item) error) error {
	info := m.Info()
	steps := opt.Steps
	if steps <= 0 {
		steps = info.MaxSteps
	}
	// Beyond the training depth the carry goes on (test-time compute); up
	// to it the model halts at its own depth, as it always did.
	stepOpt := models.StepOptions{HaltOnQ: opt.Halt}
	if steps > info.MaxSteps {
		stepOpt.MaxSteps = steps
	}
	began := time.Now()
	var modelTime time.Duration
	if opt.Timing != nil {
		defer func() { *opt.Timing = Timing{Model: modelTime, Total: time.Since(began)} }()
	}
	cpuClock := opt.CPUClock
	if cpuClock == nil {
		cpuClock = ProcessCPU
	}
	B := max(opt.Batch, 1)
	S, V := info.SeqLen, info.Vocab
	e := &evaluator{info: info, steps: steps, emit: emit, pending: map[int]*itemRun{}, tokens: make([]uint8, S)}

	type row struct {
		it   *itemRun
		view int
	}
	batch := make([]row, 0, B)
	inputs, ids := make([]int32, B*S), make([]int32, B)
	out := models.NewStepOutput(info, B)
	argmax := make([]int32, S)
	runBatch := func() error {
		n := len(batch)
		start, cpuStart := time.Now(), cpuClock()
		for i, r := range batch {
			v := r.it.views[r.view]
			for j, t := range v.Tokens {
				inputs[i*S+j] = int32(t)
			}
			ids[i] = v.PuzzleID
		}
		t0 := time.Now()
		run := m.NewRun(n)
		modelTime += time.Since(t0)
		b := models.Batch{Inputs: inputs[:n*S], PuzzleIDs: ids[:n]}
		o := &models.StepOutput{Logits: out.Logits[:n*S*V], QHalt: out.QHalt[:n], QContinue: out.QContinue[:n]}
		finished := make([]bool, n)
		for k := 0; k < steps; k++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			t0 := time.Now()
			if err := run.Step(b, o, stepOpt); err != nil {
				return err
			}
			modelTime += time.Since(t0)
			left := 0
			for i, r := range batch {
				if finished[i] {
					continue
				}
				logits := o.Logits[i*S*V : (i+1)*S*V]
				nn.Argmax(argmax, logits, S, V)
				r.it.record(r.view, k, argmax, nonFinite(logits) || math.IsNaN(float64(o.QHalt[i])), o.QHalt[i])
				if run.Done(i) || k == steps-1 {
					finished[i] = true
					r.it.finish(r.view, k+1)
				} else {
					left++
				}
			}
			if left == 0 {
				break
			}
		}
		share := time.Since(start).Seconds() / float64(n)
		cpuShare := 0.0
		if cpuStart > 0 {
			cpuShare = max(0, (cpuClock()-cpuStart).Seconds()) / float64(n)
		}
		for _, r := range batch {
			r.it.seconds += share
			r.it.cpu += cpuShare
		}
		batch = batch[:0]
		return e.flush()
	}
	for idx, it := range items {
		ir, err := e.start(idx, it)
		if err != nil {
			return err
		}
		for v := range ir.views {
			batch = append(batch, row{ir, v})
			if len(batch) == B {
				if err := runBatch(); err != nil {
					return err
				}
				if opt.Progress != nil {
					opt.Progress(e.next, len(items))
				}
			}
		}
	}
	if len(batch) > 0 {
		if err := runBatch(); err != nil {
			return err
		}
	}
	if opt.Progress != nil {
		opt.Progress(e.next, len(items))
	}
	return nil
}

// evaluator keeps the items in flight and emits their records in order.
type evaluator struct {
	info    models.Info
	steps   int
	emit    func(results.Item) error
	pending map[int]*itemRun
	next    int     // index of the next item to emit
	tokens  []uint8 // (S) scratch: a prediction's tokens for decoding
}

func (e *evaluator) start(idx int, it *Item) (*itemRun, error) {
	views, err := it.Views()
	if err != nil {
		return nil, err
	}
	if err := checkViews(e.info, it, views); err != nil {
		return nil, err
	}
	ir := &itemRun{item: it, views: views, left: len(views), steps: e.steps, tokens: e.tokens}
	ir.votes = make([][]vote, e.steps)
	for k := range ir.votes {
		ir.votes[k] = make([]vote, len(views))
	}
	if it.Kind == tasks.ARC {
		ir.grids = map[gridKey]tasks.Grid{}
	} else {
		ir.label = make([]uint8, len(it.Expected.Cells))
		tasks.EncodeBoard(it.Expected, ir.label)
		ir.final = make([]uint8, e.info.SeqLen)
	}
	e.pending[idx] = ir
	return ir, nil
}

// flush emits the finished items at the head of the order.
func (e *evaluator) flush() error {
	for {
		ir := e.pending[e.next]
		if ir == nil || ir.left > 0 {
			return nil
		}
		delete(e.pending, e.next)
		e.next++
		if err := e.emit(ir.result()); err != nil {
			return err
		}
	}
}

// itemRun accumulates the predictions of one item's views.
type itemRun struct {
	item    *Item
	views   []View
	left    int // views still running
	steps   int
	seconds float64
	cpu     float64 // CPU-seconds
	used    int     // most supervision steps a view used

	tokens []uint8 // scratch shared with the evaluator (S)

	votes [][]vote // [step][view]: the view's prediction after that step
	grids map[gridKey]tasks.Grid
	label []uint8 // boards: the expected tokens
	final []uint8 // boards: the last prediction's tokens
	cells int     // boards: cells of the last prediction that match
}

// record stores view v's prediction after step k (argmax tokens (S) and the
// q_halt logit). bad marks a step whose outputs hold NaN (a diverged or
// overflowing model): its prediction is no answer — it never votes and is
// never exact — and is counted in the item's record (NaNViews).
func (ir *itemRun) record(v, k int, argmax []int32, bad bool, qHalt float32) {
	q := nn.Sigmoid(float64(qHalt))
	if bad {
		ir.votes[k][v] = vote{q: math.NaN(), bad: true}
		if ir.grids == nil {
			ir.cells = 0
		}
		return
	}
	if ir.grids != nil {
		for i, t := range argmax {
			ir.tokens[i] = uint8(t)
		}
		g := ir.views[v].Aug.Invert(tasks.CropARC(ir.tokens))
		key := keyOf(g)
		if _, ok := ir.grids[key]; !ok {
			ir.grids[key] = g
		}
		ir.votes[k][v] = vote{key: key, q: q}
		return
	}
	match := 0
	for i, t := range argmax {
		ir.final[i] = uint8(t)
		if i < len(ir.label) && uint8(t) == ir.label[i] {
			match++
		}
	}
	ir.cells = match
	exact := match == len(ir.label) && len(argmax) == len(ir.label)
	var key gridKey
	if exact {
		key[0] = 1
	}
	ir.votes[k][v] = vote{key: key, q: q}
}

// finish marks view v done after using `used` steps; later steps repeat its
// last prediction (a halted view's answer stands).
func (ir *itemRun) finish(v, used int) {
	for k := used; k < ir.steps; k++ {
		ir.votes[k][v] = ir.votes[used-1][v]
	}
	ir.used = max(ir.used, used)
	ir.left--
}

// result turns the accumulated predictions into the item's record.
func (ir *itemRun) result() results.Item {
	it := ir.item
	r := results.Item{TaskID: it.TaskID, TestIndex: it.TestIndex, Tests: it.Tests, Steps: ir.used, Seconds: ir.seconds, CPUSeconds: ir.cpu, Rating: it.Rating,
		StepExact: make([]bool, ir.steps), StepQHalt: make([]results.Prob, ir.steps)}
	last := ir.votes[ir.steps-1]
	for _, v := range last {
		if v.bad {
			r.NaNViews++
		}
	}
	if ir.grids == nil {
		for k := range ir.steps {
			r.StepExact[k] = ir.votes[k][0].key[0] == 1
			r.StepQHalt[k] = results.Prob(ir.votes[k][0].q)
		}
		grid := make([][]int, it.Expected.H)
		for i := range grid {
			grid[i] = make([]int, it.Expected.W)
			for j := range grid[i] {
				grid[i][j] = int(ir.final[i*it.Expected.W+j]) - 1 // token − 1; PAD shows as −1
			}
		}
		ok := r.StepExact[ir.steps-1]
		if last[0].bad {
			grid = [][]int{} // no answer (an empty prediction, counted wrong)
		}
		r.Attempts = []results.Attempt{{Grid: grid, Correct: ok}}
		r.Cells = &results.Cells{Correct: ir.cells, Total: len(ir.label)}
		r.QHalt, r.Candidates = results.Prob(last[0].q), 1
		if ok {
			r.Rank = 1
		}
		return r
	}
	// Without an answer (a hidden test set) nothing is correct or ranked:
	// the attempts are predictions only.
	want := keyOf(it.Expected)
	pos := func(cands []candidate) int {
		if it.NoAnswer {
			return 0
		}
		return position(cands, want)
	}
	for k := range ir.steps {
		cands := rank(ir.votes[k])
		p := pos(cands)
		r.StepExact[k] = p > 0 && p <= 2
		r.StepQHalt[k] = results.Prob(math.NaN()) // no view without NaN: no leading answer
		if len(cands) > 0 {
			r.StepQHalt[k] = results.Prob(cands[0].meanQ())
		}
	}
	cands := rank(last)
	r.Rank, r.Candidates = pos(cands), len(cands)
	if len(cands) == 0 { // every view's outputs were NaN: no answer
		r.Attempts = []results.Attempt{{Grid: [][]int{}}, {Grid: [][]int{}}}
		r.QHalt = results.Prob(math.NaN())
		return r
	}
	for a := 0; a < 2; a++ {
		c := cands[min(a, len(cands)-1)] // fewer than two answers: repeat the first
		r.Attempts = append(r.Attempts, results.Attempt{Grid: ir.grids[c.key].Rows(), Correct: !it.NoAnswer && c.key == want})
	}
	for _, c := range cands[:min(len(cands), 10)] {
		r.Votes = append(r.Votes, c.count)
	}
	r.QHalt = results.Prob(cands[0].meanQ())
	return r
}

// nonFinite reports whether x holds a NaN (an Inf logit still has an
// argmax; a NaN has none).
func nonFinite(x []float32) bool {
	for _, v := range x {
		if v != v {
			return true
		}
	}
	return false
}
