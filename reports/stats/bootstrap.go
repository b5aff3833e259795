package stats

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"

	mstats "github.com/montanaflynn/stats"
)

// TaskResult is one ARC task's score: Solved of its Total test inputs were
// solved (under the two-attempt rule). Total comes from the canonical task
// list and is at least 1.
type TaskResult struct {
	Solved, Total int
}

// Score returns the task's fractional credit Solved/Total.
func (t TaskResult) Score() float64 { return float64(t.Solved) / float64(t.Total) }

// Item is one scored test input: the index of its task and whether it was
// solved.
type Item struct {
	Task    int
	Correct bool
}

// TasksFromItems groups per-input results into per-task results for nTasks
// tasks numbered 0..nTasks−1. Every task must have at least one item: the
// denominators come from the canonical task list, so a task with no items is
// an error (record a missing prediction as an incorrect item instead).
func TasksFromItems(items []Item, nTasks int) ([]TaskResult, error) {
	if nTasks <= 0 {
		return nil, fmt.Errorf("stats: TasksFromItems: %d tasks, want ≥ 1", nTasks)
	}
	tasks := make([]TaskResult, nTasks)
	for i, it := range items {
		if it.Task < 0 || it.Task >= nTasks {
			return nil, fmt.Errorf("stats: TasksFromItems: item %d: task index %d out of range [0, %d)", i, it.Task, nTasks)
		}
		tasks[it.Task].Total++
		if it.Correct {
			tasks[it.Task].Solved++
		}
	}
	for t, r := range tasks {
		if r.Total == 0 {
			return nil, fmt.Errorf("stats: TasksFromItems: task %d has no items", t)
		}
	}
	return tasks, nil
}

// TaskMacro returns the task-macro accuracy, the official ARC Prize and TRM
// aggregation: the mean over tasks of each task's Solved/Total,
//
//	acc = (1/T) Σ_t s_t / n_t.
func TaskMacro(tasks []TaskResult) (float64, error) {
	s, err := taskScores(tasks)
	if err != nil {
		return 0, fmt.Errorf("stats: TaskMacro: %w", err)
	}
	return s.mean(), nil
}

// Defaults of BootstrapOptions.
const (
	DefaultResamples = 10000
	DefaultLevel     = 0.95
)

// BootstrapOptions configures the task bootstrap.
type BootstrapOptions struct {
	Resamples int     // number of bootstrap resamples B; 0 means DefaultResamples
	Level     float64 // two-sided confidence level; 0 means DefaultLevel
	Seed      uint64  // seed of the resampling generator (see BootstrapTaskMacro)
}

// withDefaults fills in the defaults and validates Resamples; Level is
// validated by checkLevel where it is used.
func (o BootstrapOptions) withDefaults() (BootstrapOptions, error) {
	if o.Resamples == 0 {
		o.Resamples = DefaultResamples
	}
	if o.Level == 0 {
		o.Level = DefaultLevel
	}
	if o.Resamples < 1 {
		return o, fmt.Errorf("%d resamples, want ≥ 1", o.Resamples)
	}
	return o, nil
}

func (o BootstrapOptions) checkLevel() error {
	if !(o.Level > 0 && o.Level < 1) {
		return fmt.Errorf("confidence level %v not in (0, 1)", o.Level)
	}
	return nil
}

// Estimate is a point estimate with its bootstrap percentile interval.
type Estimate struct {
	Value     float64  // estimate on the observed data
	CI        Interval // percentile interval at CI.Level
	Resamples int      // B
}

// BootstrapTaskMacro returns the task-macro accuracy of tasks with a
// percentile bootstrap confidence interval, clustered by task.
//
// Each of B resamples draws T tasks uniformly with replacement from the T
// tasks and averages their scores s_t/n_t, so a task's test inputs stay
// together (resampling inputs independently would understate the variance on
// ARC-AGI-2, where many tasks have several test inputs). The interval is
// [q(α/2), q(1−α/2)] of the B resampled accuracies, α = 1 − Level, where q is
// the linear-interpolation quantile of the sorted values (R type 7, NumPy's
// default): q(f) = x₍ⱼ₎ + h·(x₍ⱼ₊₁₎ − x₍ⱼ₎), j + h = f·(B − 1).
//
// Determinism: the result depends only on the inputs and the options. The
// generator is math/rand/v2's PCG (PCG-DXSM, a fixed algorithm) seeded with
// (Seed, 0x6172636576616c73); each task index is drawn from its 64-bit
// outputs by Lemire's multiply-and-reject method, implemented here, so the
// numbers do not depend on how math/rand/v2 maps outputs to ranges.
//
// Cost: B·T draws, 4·10⁶ for ARC-AGI-1's 400 tasks at the default B = 10⁴
// (a few milliseconds). For large item sets (Sudoku-Extreme's 423k puzzles)
// use the closed forms instead: Wilson, McNemarExact, DropCheck.Items.
func BootstrapTaskMacro(tasks []TaskResult, opt BootstrapOptions) (Estimate, error) {
	opt, err := opt.withDefaults()
	if err == nil {
		err = opt.checkLevel()
	}
	if err != nil {
		return Estimate{}, fmt.Errorf("stats: BootstrapTaskMacro: %w", err)
	}
	s, err := taskScores(tasks)
	if err != nil {
		return Estimate{}, fmt.Errorf("stats: BootstrapTaskMacro: %w", err)
	}
	boot := resampleMeans(s, opt)
	alpha := 1 - opt.Level
	return Estimate{
		Value:     s.mean(),
		CI:        Interval{Lo: quantile(boot, alpha/2), Hi: quantile(boot, 1-alpha/2), Level: opt.Level},
		Resamples: opt.Resamples,
	}, nil
}

// Comparison is the paired difference B − A between two runs on the same
// tasks, with its bootstrap interval and two-sided p-value.
type Comparison struct {
	A, B  float64  // task-macro accuracy of each run
	Delta Estimate // B − A (Delta.Value equals B − A up to rounding)
	P     float64  // two-sided bootstrap p-value for "no difference"
}

// BootstrapPaired compares two runs, a and b, scored on the same tasks in
// the same order (task t has the same Total in both). It resamples tasks with
// replacement as BootstrapTaskMacro does, using the same draw for both runs,
// so each resample yields a paired difference
//
//	δ* = (1/T) Σ_t (sᴮ_t − sᴬ_t)/n_t    over the drawn tasks t.
//
// Delta.CI is the percentile interval of the δ*. The two-sided p-value is the
// smallest α at which the percentile interval of level 1 − α excludes 0, with
// the usual +1 so it is never 0:
//
//	p = min(1, 2 · (1 + min(#{δ* ≤ 0}, #{δ* ≥ 0})) / (B + 1))
//
// Identical runs give δ* = 0 throughout, Delta 0 and p = 1; the smallest
// attainable p is 2/(B + 1). Items of Sudoku or Maze can be compared the same
// way as tasks with Total 1, though McNemarExact is the exact test there.
func BootstrapPaired(a, b []TaskResult, opt BootstrapOptions) (Comparison, error) {
	opt, err := opt.withDefaults()
	if err == nil {
		err = opt.checkLevel()
	}
	if err != nil {
		return Comparison{}, fmt.Errorf("stats: BootstrapPaired: %w", err)
	}
	diff, sa, sb, err := pairedDiffs(a, b)
	if err != nil {
		return Comparison{}, fmt.Errorf("stats: BootstrapPaired: %w", err)
	}
	boot := resampleMeans(diff, opt)
	alpha := 1 - opt.Level
	le, ge := countLE(boot, 0), countGE(boot, 0)
	p := min(1, 2*float64(1+min(le, ge))/float64(opt.Resamples+1))
	return Comparison{
		A: sa, B: sb,
		Delta: Estimate{
			Value:     diff.mean(),
			CI:        Interval{Lo: quantile(boot, alpha/2), Hi: quantile(boot, 1-alpha/2), Level: opt.Level},
			Resamples: opt.Resamples,
		},
		P: p,
	}, nil
}

// pairedDiffs validates two paired task lists and returns the per-task
// differences sᴮ_t − sᴬ_t and each run's task-macro accuracy.
func pairedDiffs(a, b []TaskResult) (diff scores, accA, accB float64, err error) {
	if len(a) != len(b) {
		return scores{}, 0, 0, fmt.Errorf("runs have %d and %d tasks", len(a), len(b))
	}
	for t := range a {
		if a[t].Total != b[t].Total {
			return scores{}, 0, 0, fmt.Errorf("task %d: %d test inputs in run A, %d in run B", t, a[t].Total, b[t].Total)
		}
	}
	sa, err := taskScores(a)
	if err != nil {
		return scores{}, 0, 0, fmt.Errorf("run A: %w", err)
	}
	sb, err := taskScores(b) // same totals, so the same denominator as sa
	if err != nil {
		return scores{}, 0, 0, fmt.Errorf("run B: %w", err)
	}
	diff = scores{num: make([]int64, len(a)), den: sa.den}
	for t := range a {
		diff.num[t] = sb.num[t] - sa.num[t]
	}
	return diff, sa.mean(), sb.mean(), nil
}

// scores holds task scores as fractions num[t]/den over one common
// denominator, so that bootstrap sums are exact integers: a resampled mean is
// computed with a single rounding, does not depend on summation order, and
// compares exactly with 0 (identical runs give exactly 0, not ±1e-17).
type scores struct {
	num []int64
	den int64
}

// mean returns (1/T) Σ num[t]/den.
func (s scores) mean() float64 {
	var sum int64
	for _, v := range s.num {
		sum += v
	}
	return s.meanOf(sum)
}

// meanOf converts a sum of T numerators into a mean.
func (s scores) meanOf(sum int64) float64 {
	return float64(sum) / (float64(s.den) * float64(len(s.num)))
}

// taskScores validates tasks and returns their scores Solved/Total. The
// denominator is the least common multiple of the totals (1 for Sudoku/Maze
// items; 12 for ARC tasks with 1–4 test inputs). Should it exceed
// 2⁵³/T (which needs dozens of distinct large totals), sums could no longer
// be held exactly; the scores are then rounded to multiples of 1/den with
// den = ⌊2⁵³/T⌋, an error below 10⁻⁹ for any realistic T.
func taskScores(tasks []TaskResult) (scores, error) {
	if len(tasks) == 0 {
		return scores{}, fmt.Errorf("no tasks")
	}
	limit := int64(1<<53) / int64(len(tasks))
	den, exact := int64(1), true
	for t, r := range tasks {
		if r.Total < 1 || r.Solved < 0 || r.Solved > r.Total {
			return scores{}, fmt.Errorf("task %d: solved %d of %d, want 0 ≤ solved ≤ total and total ≥ 1", t, r.Solved, r.Total)
		}
		if exact {
			n := int64(r.Total)
			g := gcd(den, n)
			if den/g > limit/n {
				exact = false
				continue
			}
			den = den / g * n
		}
	}
	if !exact {
		den = limit
	}
	s := scores{num: make([]int64, len(tasks)), den: den}
	for t, r := range tasks {
		if exact {
			s.num[t] = int64(r.Solved) * (den / int64(r.Total))
		} else {
			s.num[t] = int64(math.Round(r.Score() * float64(den)))
		}
	}
	return s, nil
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// pcgStream is the second PCG seed word ("arcevals" in ASCII).
const pcgStream = 0x6172636576616c73

// resampleMeans returns the sorted means of opt.Resamples bootstrap
// resamples of x (each: T draws with replacement from the T scores).
func resampleMeans(x scores, opt BootstrapOptions) []float64 {
	src := rand.NewPCG(opt.Seed, pcgStream)
	n := uint64(len(x.num))
	out := make([]float64, opt.Resamples)
	for i := range out {
		var sum int64
		for range n {
			sum += x.num[uintN(src, n)]
		}
		out[i] = x.meanOf(sum)
	}
	slices.Sort(out)
	return out
}

// uintN returns a uniform integer in [0, n), n ≥ 1, from src by Lemire's
// method ("Fast random integer generation in an interval", 2019): the high
// word of u·n for a uniform 64-bit u, rejecting the few u whose low word falls
// below 2⁶⁴ mod n.
func uintN(src *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(src.Uint64(), n)
		}
	}
	return hi
}

// quantile returns the type-7 quantile f ∈ (0, 1) of x (len ≥ 1):
// montanaflynn/stats' Percentile, x₍ⱼ₎ + h·(x₍ⱼ₊₁₎ − x₍ⱼ₎) with
// j + h = f·(len − 1). The callers' f are validated, so its errors (no
// values, f outside (0, 1]) cannot occur; they would give NaN.
func quantile(x []float64, f float64) float64 {
	q, _ := mstats.Percentile(x, 100*f)
	return q
}

// countLE returns #{x_i ≤ v} for sorted x.
func countLE(x []float64, v float64) int {
	i, found := slices.BinarySearch(x, v)
	for found && i < len(x) && x[i] == v {
		i++
	}
	return i
}

// countGE returns #{x_i ≥ v} for sorted x.
func countGE(x []float64, v float64) int {
	i, _ := slices.BinarySearch(x, v) // first index with x[i] ≥ v
	return len(x) - i
}
