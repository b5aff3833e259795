package stats_test

import (
	"fmt"

	"arceval/reports/stats"
)

func ExampleWilson() {
	// 81 of 263 correct (Newcombe 1998's first example).
	iv, err := stats.Wilson(81, 263, 0.95)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.4f [%.4f, %.4f]\n", 81.0/263, iv.Lo, iv.Hi)
	// Output: 0.3080 [0.2553, 0.3662]
}

func ExampleMcNemarExact() {
	// On the same items, run A alone solved 3 and run B alone solved 12.
	p, err := stats.McNemarExact(3, 12)
	if err != nil {
		panic(err)
	}
	fmt.Printf("p = %.4f\n", p)
	// Output: p = 0.0352
}

func ExampleBootstrapTaskMacro() {
	tasks := []stats.TaskResult{{1, 1}, {0, 1}, {2, 2}, {1, 2}, {0, 2}, {1, 1}, {3, 3}, {0, 1}, {1, 3}, {1, 1}}
	e, err := stats.BootstrapTaskMacro(tasks, stats.BootstrapOptions{Resamples: 2000, Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("task-macro %.3f, 95%% CI [%.3f, %.3f]\n", e.Value, e.CI.Lo, e.CI.Hi)
	// Output: task-macro 0.583, 95% CI [0.300, 0.850]
}

func ExampleBootstrapPaired() {
	a := []stats.TaskResult{{1, 1}, {0, 1}, {2, 2}, {1, 2}, {0, 2}, {1, 1}, {3, 3}, {0, 1}, {1, 3}, {1, 1}}
	b := []stats.TaskResult{{1, 1}, {1, 1}, {2, 2}, {2, 2}, {0, 2}, {0, 1}, {3, 3}, {1, 1}, {2, 3}, {1, 1}}
	c, err := stats.BootstrapPaired(a, b, stats.BootstrapOptions{Resamples: 2000, Seed: 7})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.3f → %.3f: %+.3f [%+.3f, %+.3f] (p=%.2f n=%d)\n",
		c.A, c.B, c.Delta.Value, c.Delta.CI.Lo, c.Delta.CI.Hi, c.P, len(a))
	// Output: 0.583 → 0.767: +0.183 [-0.183, +0.500] (p=0.31 n=10)
}

func ExampleDropCheck_Items() {
	// check --max-drop 1 --alpha 0.05 on 1000 items.
	gate := stats.DropCheck{MaxDrop: 0.01, Alpha: 0.05}
	for _, run := range []struct {
		name string
		b, c int // right→wrong, wrong→right
	}{
		{"40 correct items lost", 40, 0},
		{"3 flips each way", 3, 3},
		{"1.5 points lost", 20, 5},
	} {
		v, err := gate.Items(1000, run.b, run.c)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-22s drop %+.1f pts, ≥ %+.1f at 95%%, p=%.2g, fail=%v\n",
			run.name, 100*v.Drop, 100*v.DropLo, v.P, v.Fail)
	}
	// Output:
	// 40 correct items lost  drop +4.0 pts, ≥ +3.1 at 95%, p=2.5e-08, fail=true
	// 3 flips each way       drop +0.0 pts, ≥ -0.5 at 95%, p=1, fail=false
	// 1.5 points lost        drop +1.5 pts, ≥ +0.7 at 95%, p=0.15, fail=false
}
