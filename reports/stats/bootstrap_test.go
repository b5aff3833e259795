package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	gstat "gonum.org/v1/gonum/stat"
)

// tenTasks is a small ARC-like run: ten tasks with one to three test inputs.
// Task-macro accuracy (1+0+1+½+0+1+1+0+⅓+1)/10 = 0.58333….
var tenTasks = []TaskResult{{1, 1}, {0, 1}, {2, 2}, {1, 2}, {0, 2}, {1, 1}, {3, 3}, {0, 1}, {1, 3}, {1, 1}}

// tenTasksB is another run on the same tasks: (1+1+1+1+0+0+1+1+⅔+1)/10.
var tenTasksB = []TaskResult{{1, 1}, {1, 1}, {2, 2}, {2, 2}, {0, 2}, {0, 1}, {3, 3}, {1, 1}, {2, 3}, {1, 1}}

func TestTaskMacro(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tasks []TaskResult
		want  float64
	}{
		{"one task", []TaskResult{{1, 2}}, 0.5},
		{"fractional credit", []TaskResult{{1, 2}, {3, 3}}, 0.75},
		{"all or none", []TaskResult{{0, 4}, {4, 4}, {4, 4}, {0, 1}}, 0.5},
		{"ten tasks", tenTasks, 0.58333333333333333},
		{"ten tasks B", tenTasksB, 0.76666666666666667},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := TaskMacro(tc.tasks)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("TaskMacro = %.17g, want %.17g", got, tc.want)
			}
		})
	}
}

func TestTaskMacroErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tasks []TaskResult
	}{
		{"no tasks", nil},
		{"zero total", []TaskResult{{0, 1}, {0, 0}}},
		{"solved above total", []TaskResult{{3, 2}}},
		{"negative solved", []TaskResult{{-1, 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := TaskMacro(tc.tasks); err == nil {
				t.Error("no error")
			}
			if _, err := BootstrapTaskMacro(tc.tasks, BootstrapOptions{Resamples: 10}); err == nil {
				t.Error("BootstrapTaskMacro: no error")
			}
		})
	}
}

func TestTasksFromItems(t *testing.T) {
	items := []Item{{0, true}, {1, false}, {1, true}, {2, false}, {1, true}}
	got, err := TasksFromItems(items, 3)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]TaskResult{{1, 1}, {2, 3}, {0, 1}}, got); diff != "" {
		t.Errorf("TasksFromItems (-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name   string
		items  []Item
		nTasks int
	}{
		{"task without items", []Item{{0, true}, {2, true}}, 3},
		{"index out of range", []Item{{0, true}, {3, true}}, 3},
		{"negative index", []Item{{-1, true}}, 1},
		{"no tasks", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := TasksFromItems(tc.items, tc.nTasks); err == nil {
				t.Error("no error")
			}
		})
	}
}

// The pinned numbers below were reproduced by an independent Python
// implementation of the documented procedure (PCG-DXSM seeded with
// (Seed, 0x6172636576616c73), Lemire's method, exact rational sums, type-7
// quantiles).

func TestUintNPinned(t *testing.T) {
	src := rand.NewPCG(1, pcgStream)
	var got []uint64
	for range 8 {
		got = append(got, uintN(src, 10))
	}
	if want := []uint64{7, 7, 8, 5, 9, 4, 6, 4}; !slices.Equal(got, want) {
		t.Errorf("first draws = %v, want %v (PCG or uintN changed: pinned bootstrap numbers will move)", got, want)
	}
}

func TestUintNRange(t *testing.T) {
	src := rand.NewPCG(3, 4)
	for _, n := range []uint64{1, 2, 3, 7, 1 << 40, 1<<63 + 1, math.MaxUint64} {
		for range 200 {
			if v := uintN(src, n); v >= n {
				t.Fatalf("uintN(%d) = %d", n, v)
			}
		}
	}
	// Roughly uniform: 60000 draws in 6 bins, each within 5 % of 10000.
	var counts [6]int
	for range 60000 {
		counts[uintN(src, 6)]++
	}
	for i, c := range counts {
		if c < 9500 || c > 10500 {
			t.Errorf("bin %d: %d draws of 60000", i, c)
		}
	}
}

func TestBootstrapTaskMacroPinned(t *testing.T) {
	got, err := BootstrapTaskMacro(tenTasks, BootstrapOptions{Resamples: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := Estimate{Value: 0.58333333333333333, CI: Interval{Lo: 0.3, Hi: 0.85, Level: 0.95}, Resamples: 2000}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBootstrapTaskMacroProperties(t *testing.T) {
	// 400 tasks, a quarter with several test inputs.
	r := rand.New(rand.NewPCG(42, 0))
	tasks := make([]TaskResult, 400)
	for i := range tasks {
		n := 1 + min(r.IntN(8), 3)
		tasks[i] = TaskResult{Solved: r.IntN(n + 1), Total: n}
	}
	acc, _ := TaskMacro(tasks)
	opt := BootstrapOptions{Resamples: 1000, Seed: 9}
	first, err := BootstrapTaskMacro(tasks, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("deterministic", func(t *testing.T) {
		again, _ := BootstrapTaskMacro(tasks, opt)
		if again != first {
			t.Errorf("same seed: %+v then %+v", first, again)
		}
		other, _ := BootstrapTaskMacro(tasks, BootstrapOptions{Resamples: 1000, Seed: 10})
		if other.CI == first.CI {
			t.Errorf("seeds 9 and 10 gave the same interval %+v", other.CI)
		}
	})
	t.Run("contains estimate", func(t *testing.T) {
		for seed := range uint64(5) {
			e, _ := BootstrapTaskMacro(tasks, BootstrapOptions{Resamples: 500, Seed: seed})
			if e.Value != acc || !e.CI.Contains(acc) {
				t.Errorf("seed %d: %v not in %+v", seed, acc, e)
			}
		}
	})
	t.Run("width near normal theory", func(t *testing.T) {
		// 1.96·sd(scores)/√T; the percentile interval agrees within 15 %.
		s := make([]float64, len(tasks))
		for i, r := range tasks {
			s[i] = r.Score()
		}
		sd := gstat.StdDev(s, nil)
		want := 2 * 1.96 * sd / math.Sqrt(float64(len(s)))
		if w := first.CI.Hi - first.CI.Lo; math.Abs(w-want) > 0.15*want {
			t.Errorf("width %.4f, normal theory %.4f", w, want)
		}
	})
	t.Run("higher level is wider", func(t *testing.T) {
		e99, _ := BootstrapTaskMacro(tasks, BootstrapOptions{Resamples: 1000, Seed: 9, Level: 0.99})
		if !(e99.CI.Lo < first.CI.Lo && e99.CI.Hi > first.CI.Hi) {
			t.Errorf("99%% %+v not wider than 95%% %+v", e99.CI, first.CI)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		e, _ := BootstrapTaskMacro(tasks[:20], BootstrapOptions{})
		if e.Resamples != DefaultResamples || e.CI.Level != DefaultLevel {
			t.Errorf("defaults: %+v", e)
		}
	})
}

// Resampling inputs one by one would ignore that a task's inputs succeed or
// fail together; clustering by task must give a wider interval then.
func TestBootstrapClustering(t *testing.T) {
	var tasks []TaskResult
	var items []TaskResult // the same inputs, one "task" each
	for i := range 100 {
		solved := 0
		if i%2 == 0 {
			solved = 4 // all or nothing
		}
		tasks = append(tasks, TaskResult{solved, 4})
		for j := range 4 {
			items = append(items, TaskResult{btoi(j < solved), 1})
		}
	}
	opt := BootstrapOptions{Resamples: 1000, Seed: 1}
	clustered, _ := BootstrapTaskMacro(tasks, opt)
	naive, _ := BootstrapTaskMacro(items, opt)
	if clustered.Value != naive.Value {
		t.Fatalf("estimates differ: %v vs %v", clustered.Value, naive.Value)
	}
	wc, wn := clustered.CI.Hi-clustered.CI.Lo, naive.CI.Hi-naive.CI.Lo
	if wc < 1.6*wn { // √4 = 2 in theory
		t.Errorf("clustered width %.4f, per-input width %.4f: want about twice", wc, wn)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestBootstrapPairedPinned(t *testing.T) {
	got, err := BootstrapPaired(tenTasks, tenTasksB, BootstrapOptions{Resamples: 2000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := Comparison{
		A: 0.58333333333333333, B: 0.76666666666666667,
		Delta: Estimate{
			Value:     0.18333333333333332,
			CI:        Interval{Lo: -0.18333333333333332, Hi: 0.5, Level: 0.95},
			Resamples: 2000,
		},
		P: 0.31084457771114443, // 2·(1 + 310)/2001: 310 of 2000 δ* ≤ 0
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestBootstrapPairedProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 0))
	base := make([]TaskResult, 400)
	for i := range base {
		n := 1 + min(r.IntN(6), 2)
		base[i] = TaskResult{Solved: r.IntN(n + 1), Total: n}
	}
	opt := BootstrapOptions{Resamples: 2000, Seed: 3}

	t.Run("identical runs", func(t *testing.T) {
		c, err := BootstrapPaired(base, slices.Clone(base), opt)
		if err != nil {
			t.Fatal(err)
		}
		if c.Delta.Value != 0 || c.Delta.CI.Lo != 0 || c.Delta.CI.Hi != 0 || c.P != 1 {
			t.Errorf("identical runs: %+v, want delta 0, CI [0, 0], p = 1", c)
		}
	})
	t.Run("noise flips", func(t *testing.T) {
		// Three single-input tasks flip to solved, three to unsolved.
		b := slices.Clone(base)
		up, down := 0, 0
		for i := range b {
			switch {
			case up < 3 && b[i].Solved == 0 && b[i].Total == 1:
				b[i].Solved++
				up++
			case down < 3 && b[i].Solved == 1 && b[i].Total == 1:
				b[i].Solved--
				down++
			}
		}
		c, _ := BootstrapPaired(base, b, opt)
		if up != 3 || down != 3 || c.Delta.Value != 0 {
			t.Fatalf("setup: %d up, %d down, delta %v", up, down, c.Delta.Value)
		}
		if c.P < 0.5 || !c.Delta.CI.Contains(0) {
			t.Errorf("noise: %+v, want p ≥ 0.5 and 0 in the interval", c)
		}
	})
	t.Run("large shift", func(t *testing.T) {
		// B solves every input of 60 more tasks (about +10 points).
		b := slices.Clone(base)
		moved := 0
		for i := range b {
			if moved < 60 && b[i].Solved < b[i].Total {
				b[i].Solved = b[i].Total
				moved++
			}
		}
		c, _ := BootstrapPaired(base, b, opt)
		if c.P != 2.0/2001 || c.Delta.CI.Lo <= 0 || !c.Delta.CI.Contains(c.Delta.Value) {
			t.Errorf("large shift: %+v, want p = 2/(B+1) and a positive interval around the delta", c)
		}
		if d := c.B - c.A; math.Abs(c.Delta.Value-d) > 1e-15 {
			t.Errorf("Delta %v, B − A = %v", c.Delta.Value, d)
		}
		// Swapping the runs mirrors the result.
		s, _ := BootstrapPaired(b, base, opt)
		if s.Delta.Value != -c.Delta.Value || s.Delta.CI.Lo != -c.Delta.CI.Hi || s.Delta.CI.Hi != -c.Delta.CI.Lo || s.P != c.P {
			t.Errorf("swapped: %+v, want the mirror of %+v", s, c)
		}
	})
}

func TestBootstrapPairedErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []TaskResult
		opt  BootstrapOptions
	}{
		{"lengths differ", tenTasks, tenTasksB[:9], BootstrapOptions{}},
		{"totals differ", []TaskResult{{1, 2}}, []TaskResult{{1, 3}}, BootstrapOptions{}},
		{"bad task in B", []TaskResult{{1, 2}}, []TaskResult{{3, 2}}, BootstrapOptions{}},
		{"empty", nil, nil, BootstrapOptions{}},
		{"negative resamples", tenTasks, tenTasksB, BootstrapOptions{Resamples: -1}},
		{"level 95", tenTasks, tenTasksB, BootstrapOptions{Level: 95}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := BootstrapPaired(tc.a, tc.b, tc.opt); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestTaskScoresDenominator(t *testing.T) {
	for _, tc := range []struct {
		name   string
		totals []int
		den    int64
	}{
		{"items", []int{1, 1, 1}, 1},
		{"ARC 1-4 inputs", []int{1, 2, 3, 4, 2}, 12},
		{"primes", []int{7, 11, 13}, 1001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tasks := make([]TaskResult, len(tc.totals))
			for i, n := range tc.totals {
				tasks[i] = TaskResult{Solved: n / 2, Total: n}
			}
			s, err := taskScores(tasks)
			if err != nil {
				t.Fatal(err)
			}
			if s.den != tc.den {
				t.Errorf("den = %d, want %d", s.den, tc.den)
			}
		})
	}
	// Totals whose least common multiple overflows the exact range fall back
	// to rounded scores on a large denominator.
	var tasks []TaskResult
	for _, p := range []int{101, 103, 107, 109, 113, 127, 131, 137, 139} {
		tasks = append(tasks, TaskResult{Solved: 1, Total: p})
	}
	s, err := taskScores(tasks)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(1<<53) / int64(len(tasks)); s.den != want {
		t.Errorf("fallback den = %d, want %d", s.den, want)
	}
	var exact float64
	for _, r := range tasks {
		exact += r.Score()
	}
	exact /= float64(len(tasks))
	if got := s.mean(); math.Abs(got-exact) > 1e-15 {
		t.Errorf("fallback mean %.17g, want %.17g", got, exact)
	}
}

// The bootstrap intervals are type-7 quantiles (R's and NumPy's default);
// this pins the library's definition.
func TestQuantile(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	for _, tc := range []struct{ f, want float64 }{
		{0.001, 1.004}, {1, 5}, {0.5, 3}, {0.25, 2}, {0.1, 1.4}, {0.975, 4.9},
	} {
		if got := quantile(x, tc.f); !(math.Abs(got-tc.want) <= 1e-15) {
			t.Errorf("quantile(%v) = %v, want %v", tc.f, got, tc.want)
		}
	}
	if got := quantile([]float64{7}, 0.3); got != 7 {
		t.Errorf("quantile of one value = %v", got)
	}
	s := []float64{-1, 0, 0, 0, 2}
	if le, ge := countLE(s, 0), countGE(s, 0); le != 4 || ge != 4 {
		t.Errorf("countLE, countGE = %d, %d; want 4, 4", le, ge)
	}
}
