package reports

import (
	"fmt"
	"math"
	"slices"

	"arceval/reports/stats"
	"arceval/results"
)

// Options are the statistical settings shared by the report, compare and
// check commands.
type Options struct {
	Level     float64 // two-sided confidence level of intervals (0: 0.95)
	Alpha     float64 // significance level of tests (0: 0.05)
	Resamples int     // bootstrap resamples (0: 10000)
	Seed      uint64  // bootstrap seed
	// PricePerCPUHour, when above zero, adds each run's cost in money beside
	// its CPU-seconds.
	PricePerCPUHour float64
}

func (o Options) withDefaults() Options {
	if o.Level == 0 {
		o.Level = stats.DefaultLevel
	}
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if o.Resamples == 0 {
		o.Resamples = stats.DefaultResamples
	}
	return o
}

func (o Options) boot() stats.BootstrapOptions {
	return stats.BootstrapOptions{Resamples: o.Resamples, Level: o.Level, Seed: o.Seed}
}

// Estimate is a proportion with its confidence interval (Lo and Hi are NaN
// when none is given) and the method that produced the interval.
type Estimate struct {
	Value  float64
	Lo, Hi float64
	Method string // "wilson", "task bootstrap", "stratified", ""
}

func pointOnly(v float64) Estimate { return Estimate{Value: v, Lo: math.NaN(), Hi: math.NaN()} }

// HasCI reports whether the estimate carries an interval.
func (e Estimate) HasCI() bool { return !math.IsNaN(e.Lo) }

// Metric is a named estimate.
type Metric struct {
	Name string
	Estimate
}

// Bucket is the accuracy of the items in one rating bucket (Sudoku) or
// path-length bin (Maze).
type Bucket struct {
	Label        string
	Lo, Hi       int     // rating range, inclusive (Hi = -1: no upper end)
	TestShare    float64 // share of the official full test set (Sudoku), 0 if unknown
	N, Solved    int
	Acc          Estimate // Wilson
	FullTestSize int      // size of the bucket in the full test set (Sudoku)
}

// RunSummary is a run's scores with confidence intervals.
type RunSummary struct {
	Run       *Run
	Headline  Metric   // ARC task-macro; Sudoku/Maze exact accuracy
	Secondary []Metric // ARC micro, all-or-nothing; Sudoku/Maze cell accuracy
	PassK     []Metric // ARC task-macro pass@K
	Buckets   []Bucket // Sudoku rating buckets / Maze path lengths (items with a rating)
	FullTest  *Metric  // Sudoku: full-test estimate from the stratified sample
	// FullTestGap says why a stratified Sudoku run has no full-test estimate.
	FullTestGap string
	// Frontier is Q-halting replayed at results.DefaultHaltThresholds (nil
	// when the run file records no per-step q_halt).
	Frontier []results.FrontierPoint
}

// SudokuTestHistogram is the rating histogram of the official Sudoku-Extreme
// test set (422,786 puzzles; rating = tdoku guesses), from
// ../shared/data/sudoku/README.txt (hengyuf/diffusion-vs-ar
// data/processed/manifest.json).
var SudokuTestHistogram = []struct {
	Label  string
	Lo, Hi int
	Count  int
}{
	{"r0", 0, 0, 61127},
	{"r1-4", 1, 4, 58717},
	{"r5-19", 5, 19, 111831},
	{"r20-49", 20, 49, 143851},
	{"r50-99", 50, 99, 42896},
	{"r100+", 100, -1, 4364},
}

// Summarize scores a run with confidence intervals: Wilson for proportions
// of independent items (Sudoku/Maze exact accuracy, ARC all-or-nothing over
// tasks), the task bootstrap for ARC task-macro and pass@K (a task's test
// inputs resampled together). ARC micro accuracy gets no interval (its test
// inputs cluster by task).
func Summarize(r *Run, o Options) (*RunSummary, error) {
	o = o.withDefaults()
	s := r.Summary
	rs := &RunSummary{Run: r}
	if results.HasStepQHalt(r.Items) {
		f, err := results.HaltFrontier(r.Header, r.Items, results.DefaultHaltThresholds)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Path, err)
		}
		rs.Frontier = f
	}
	wilson := func(k, n int) Estimate {
		if n == 0 {
			return pointOnly(0)
		}
		iv, err := stats.Wilson(k, n, o.Level)
		if err != nil {
			return pointOnly(float64(k) / float64(n))
		}
		return Estimate{Value: float64(k) / float64(n), Lo: iv.Lo, Hi: iv.Hi, Method: "wilson"}
	}
	if r.Header.TaskKind == "arc" {
		tasks := taskResults(r.Header, r.Items, func(it results.Item) bool { return it.Solved() })
		est, err := bootTaskMacro(tasks, o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Path, err)
		}
		rs.Headline = Metric{"task-macro", est}
		aon := 0
		for _, t := range tasks {
			if t.Solved == t.Total {
				aon++
			}
		}
		rs.Secondary = []Metric{{"micro", pointOnly(s.Micro)}, {"all-or-nothing", wilson(aon, len(tasks))}}
		for _, k := range results.PassKs {
			rs.PassK = append(rs.PassK, Metric{fmt.Sprintf("pass@%d", k), pointOnly(s.PassK[k])})
		}
		// pass@1 gets its interval too (pass@2 is, in practice, the headline).
		p1 := taskResults(r.Header, r.Items, func(it results.Item) bool { return it.PassAt(1) })
		if est, err := bootTaskMacro(p1, o); err == nil {
			rs.PassK[0].Estimate = est
		}
		return rs, nil
	}
	if len(r.Items) > 0 && r.Header.TestInputs == 0 {
		return nil, fmt.Errorf("%s: header selects no test inputs", r.Path)
	}
	rs.Headline = Metric{"exact", wilson(s.Solved, s.TestInputs)}
	rs.Secondary = []Metric{{"cells", pointOnly(s.CellAccuracy)}}
	if r.Header.TaskKind == "sudoku" {
		rs.Buckets = sudokuBuckets(r.Items, o)
		if r.StratifiedSudoku() {
			rs.FullTest, rs.FullTestGap = fullTestEstimate(rs.Buckets, r.Summary.Missing, o)
		}
	} else {
		lo, edges := mazeEdges(r.Items)
		rs.Buckets = mazeBuckets(r.Items, lo, edges, o)
	}
	return rs, nil
}

func bootTaskMacro(tasks []stats.TaskResult, o Options) (Estimate, error) {
	if len(tasks) == 0 {
		return pointOnly(0), nil
	}
	e, err := stats.BootstrapTaskMacro(tasks, o.boot())
	if err != nil {
		return Estimate{}, err
	}
	return Estimate{Value: e.Value, Lo: e.CI.Lo, Hi: e.CI.Hi, Method: "task bootstrap"}, nil
}

// taskResults groups a run's items into per-task results in task-id order,
// solved as ok says. Tasks of the selection without any record are added as
// unsolved one-input tasks, so that the mean runs over the header's tasks.
func taskResults(h results.Header, items []results.Item, ok func(results.Item) bool) []stats.TaskResult {
	byTask := map[string]*stats.TaskResult{}
	var ids []string
	for _, it := range items {
		t := byTask[it.TaskID]
		if t == nil {
			t = &stats.TaskResult{Total: it.Tests}
			byTask[it.TaskID] = t
			ids = append(ids, it.TaskID)
		}
		if ok(it) {
			t.Solved++
		}
	}
	slices.SortFunc(ids, compareIDs)
	out := make([]stats.TaskResult, 0, max(h.Tasks, len(ids)))
	for _, id := range ids {
		out = append(out, *byTask[id])
	}
	for len(out) < h.Tasks {
		out = append(out, stats.TaskResult{Total: 1})
	}
	return out
}

func sudokuBuckets(items []results.Item, o Options) []Bucket {
	var out []Bucket
	for _, h := range SudokuTestHistogram {
		out = append(out, Bucket{Label: h.Label, Lo: h.Lo, Hi: h.Hi, TestShare: float64(h.Count) / 422786, FullTestSize: h.Count})
	}
	for _, it := range items {
		for i := range out {
			b := &out[i]
			if it.Rating >= b.Lo && (b.Hi < 0 || it.Rating <= b.Hi) {
				b.N++
				if it.Solved() {
					b.Solved++
				}
			}
		}
	}
	fillBuckets(out, o)
	return out
}

func fillBuckets(bs []Bucket, o Options) {
	for i := range bs {
		b := &bs[i]
		b.Acc = pointOnly(math.NaN())
		if b.N > 0 {
			iv, _ := stats.Wilson(b.Solved, b.N, o.Level)
			b.Acc = Estimate{Value: float64(b.Solved) / float64(b.N), Lo: iv.Lo, Hi: iv.Hi, Method: "wilson"}
		}
	}
}

// mazeEdges returns the inclusive upper ends of up to five bins of
// shortest-path length with about equal counts (integer edges; Maze-Hard's
// lengths are skewed, most near the 110 minimum), and the smallest length.
func mazeEdges(items []results.Item) (lo int, edges []int) {
	var lens []int
	for _, it := range items {
		if it.Rating >= 0 {
			lens = append(lens, it.Rating)
		}
	}
	if len(lens) == 0 {
		return 0, nil
	}
	slices.Sort(lens)
	for q := 1; q <= 5; q++ {
		e := lens[(len(lens)*q-1)/5]
		if len(edges) == 0 || e > edges[len(edges)-1] {
			edges = append(edges, e)
		}
	}
	return lens[0], edges
}

// mazeBuckets counts items by path length into the bins of mazeEdges.
func mazeBuckets(items []results.Item, lo int, edges []int, o Options) []Bucket {
	var out []Bucket
	for _, e := range edges {
		label := fmt.Sprintf("%d–%d", lo, e)
		if lo == e {
			label = fmt.Sprint(e)
		}
		out = append(out, Bucket{Label: label, Lo: lo, Hi: e})
		lo = e + 1
	}
	for _, it := range items {
		for i := range out {
			if it.Rating >= out[i].Lo && it.Rating <= out[i].Hi {
				out[i].N++
				if it.Solved() {
					out[i].Solved++
				}
			}
		}
	}
	fillBuckets(out, o)
	return out
}

// fullTestEstimate weights the bucket accuracies of the stratified sample by
// the official test histogram.
func fullTestEstimate(bs []Bucket, missing int, o Options) (*Metric, string) {
	var strata []stats.Stratum
	var empty []string
	for _, b := range bs {
		if b.N == 0 {
			empty = append(empty, b.Label)
			continue
		}
		strata = append(strata, stats.Stratum{Weight: float64(b.FullTestSize), K: b.Solved, N: b.N})
	}
	if len(empty) > 0 {
		return nil, fmt.Sprintf("no full-test estimate: rating bucket(s) %v have no puzzles in this run", empty)
	}
	p, iv, err := stats.Stratified(strata, o.Level)
	if err != nil {
		return nil, "no full-test estimate: " + err.Error()
	}
	gap := ""
	if missing > 0 {
		gap = fmt.Sprintf("%d puzzles without a record are left out of the bucket accuracies", missing)
	}
	return &Metric{"full-test estimate", Estimate{Value: p, Lo: iv.Lo, Hi: iv.Hi, Method: "stratified"}}, gap
}
