package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDropCheckItemsGate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n, b, c  int
		maxDrop  float64
		alpha    float64
		wantFail bool
	}{
		// 5 % of the baseline's correct items flipped to wrong, 1000 items.
		{"5% of 800 correct flipped, 1 pt allowed", 1000, 40, 0, 0.01, 0.05, true},
		{"5% of 800 correct flipped, 0 pt allowed", 1000, 40, 0, 0, 0.05, true},
		{"5% of 800 correct flipped, alpha 0.01", 1000, 40, 0, 0.01, 0.01, true},
		{"5% of 1000 correct flipped", 1000, 50, 0, 0.01, 0.05, true},
		{"5% of 500 correct flipped", 1000, 25, 0, 0.01, 0.05, true},
		// A re-run that differs by a handful of noise flips.
		{"3 flips each way, 1 pt allowed", 1000, 3, 3, 0.01, 0.05, false},
		{"3 flips each way, 0 pt allowed", 1000, 3, 3, 0, 0.05, false},
		{"3 flips each way, alpha 0.2", 1000, 3, 3, 0, 0.2, false},
		{"5 lost 2 gained, 0 pt allowed", 1000, 5, 2, 0, 0.05, false},
		// A real but allowed drop: 1.5 pts with 1 allowed. McNemar finds it
		// significantly above 0 (p = 0.004), but not above the allowance.
		{"1.5 pt drop, 1 pt allowed", 1000, 20, 5, 0.01, 0.05, false},
		{"1.5 pt drop, 0 pt allowed", 1000, 20, 5, 0, 0.05, true},
		{"drop exactly the allowance", 1000, 10, 0, 0.01, 0.05, false},
		{"candidate better", 1000, 0, 40, 0, 0.05, false},
		{"identical", 1000, 0, 0, 0, 0.05, false},
		{"Sudoku-sized, 0.5 pt drop, 0.2 allowed", 423000, 2600, 485, 0.002, 0.05, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := DropCheck{MaxDrop: tc.maxDrop, Alpha: tc.alpha}
			v, err := d.Items(tc.n, tc.b, tc.c)
			if err != nil {
				t.Fatal(err)
			}
			if v.Fail != tc.wantFail {
				t.Errorf("Fail = %v, want %v (%+v)", v.Fail, tc.wantFail, v)
			}
			if want := float64(tc.b-tc.c) / float64(tc.n); v.Drop != want {
				t.Errorf("Drop = %v, want %v", v.Drop, want)
			}
			if v.DropLo > v.Drop {
				t.Errorf("lower bound %v above the observed drop %v", v.DropLo, v.Drop)
			}
			// Failing is the same as the lower bound clearing the allowance.
			if math.Abs(v.DropLo-tc.maxDrop) > 1e-9 && v.Fail != (v.DropLo > tc.maxDrop) {
				t.Errorf("Fail = %v but DropLo = %v, MaxDrop = %v", v.Fail, v.DropLo, tc.maxDrop)
			}
		})
	}
}

func TestDropCheckItemsValues(t *testing.T) {
	// Z, p and the lower bound recomputed with 40-digit arithmetic (mpmath),
	// maximising the restricted likelihood by bisection rather than through
	// the closed-form root used here.
	for _, tc := range []struct {
		name       string
		n, b, c    int
		maxDrop    float64
		z, p, lo   float64
		checkLower bool
	}{
		{"40/0, 1 pt", 1000, 40, 0, 0.01, 5.4500431463456969, 2.5178800815687023e-8, 0.0309867734418684, true},
		{"20/5, 1 pt", 1000, 20, 5, 0.01, 1.0482231880240888, 0.14726789475809548, 0.00719609579142874, true},
		{"3/3, 1 pt", 1000, 3, 3, 0.01, -2.7408544828549207, 0.99693601798052997, 0, false},
		{"3/3, 0 pt", 1000, 3, 3, 0, 0, 0.5, 0, false},
		{"6/16 (Cavo et al.), 0 pt", 161, 6, 16, 0, -2.1320071635561043, 0.98349687116938374, -0.113126053052453, true},
		{"50/0, 2 pt", 1000, 50, 0, 0.02, 5.4232614454664043, 2.9260649769737107e-8, 0, false},
		{"30/10 of 400, 3 pt", 400, 30, 10, 0.03, 1.3097302831539573, 0.095143547586245662, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if z := tangoZ(tc.n, tc.b, tc.c, tc.maxDrop); math.Abs(z-tc.z) > 1e-13 {
				t.Errorf("Z = %.17g, want %.17g", z, tc.z)
			}
			v, err := DropCheck{MaxDrop: tc.maxDrop, Alpha: 0.05}.Items(tc.n, tc.b, tc.c)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(v.P-tc.p) > 1e-12*tc.p {
				t.Errorf("P = %.17g, want %.17g", v.P, tc.p)
			}
			if tc.checkLower && math.Abs(v.DropLo-tc.lo) > 1e-12 {
				t.Errorf("DropLo = %.15g, want %.15g", v.DropLo, tc.lo)
			}
		})
	}
	// At margin 0 Tango's Z is McNemar's (b − c)/√(b + c).
	for _, bc := range [][2]int{{1, 0}, {7, 2}, {40, 0}, {300, 350}} {
		b, c := bc[0], bc[1]
		want := float64(b-c) / math.Sqrt(float64(b+c))
		if z := tangoZ(5000, b, c, 0); math.Abs(z-want) > 1e-12 {
			t.Errorf("tangoZ(5000, %d, %d, 0) = %.17g, McNemar %.17g", b, c, z, want)
		}
	}
}

// P is the p-value of a monotone family of tests: it grows with the
// allowance, and the lower bound is where it crosses Alpha.
func TestDropCheckItemsMonotone(t *testing.T) {
	for _, bc := range [][2]int{{40, 0}, {20, 5}, {3, 3}, {0, 9}, {120, 60}} {
		prev := -1.0
		for md := 0.0; md < 0.2; md += 0.005 {
			v, err := DropCheck{MaxDrop: md, Alpha: 0.05}.Items(1000, bc[0], bc[1])
			if err != nil {
				t.Fatal(err)
			}
			if v.P < prev {
				t.Errorf("b, c = %v: P fell from %v to %v at MaxDrop %v", bc, prev, v.P, md)
			}
			prev = v.P
		}
		v, _ := DropCheck{Alpha: 0.05}.Items(1000, bc[0], bc[1])
		if v.DropLo > -1 {
			if p := upperTail(tangoZ(1000, bc[0], bc[1], v.DropLo)); math.Abs(p-0.05) > 1e-9 {
				t.Errorf("b, c = %v: P at the lower bound %v is %v, want 0.05", bc, v.DropLo, p)
			}
		}
	}
}

func TestDropCheckErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		d       DropCheck
		n, b, c int
	}{
		{"max drop in points", DropCheck{MaxDrop: 1, Alpha: 0.05}, 100, 1, 0},
		{"negative max drop", DropCheck{MaxDrop: -0.01, Alpha: 0.05}, 100, 1, 0},
		{"alpha 0", DropCheck{MaxDrop: 0.01}, 100, 1, 0},
		{"alpha 0.5", DropCheck{MaxDrop: 0.01, Alpha: 0.5}, 100, 1, 0},
		{"no items", DropCheck{Alpha: 0.05}, 0, 0, 0},
		{"negative count", DropCheck{Alpha: 0.05}, 10, -1, 0},
		{"more flips than items", DropCheck{Alpha: 0.05}, 10, 6, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.d.Items(tc.n, tc.b, tc.c); err == nil {
				t.Error("Items: no error")
			}
		})
	}
	d := DropCheck{MaxDrop: 0.01, Alpha: 0.05}
	if _, err := d.Tasks(tenTasks, tenTasks[:3], BootstrapOptions{}); err == nil {
		t.Error("Tasks with unpaired runs: no error")
	}
	if _, err := (DropCheck{MaxDrop: 2, Alpha: 0.05}).Tasks(tenTasks, tenTasks, BootstrapOptions{}); err == nil {
		t.Error("Tasks with MaxDrop 2: no error")
	}
}

// itemRun returns n single-input tasks, the first `correct` solved.
func itemRun(n, correct int) []TaskResult {
	r := make([]TaskResult, n)
	for i := range r {
		r[i] = TaskResult{Solved: btoi(i < correct), Total: 1}
	}
	return r
}

func TestDropCheckTasksGate(t *testing.T) {
	opt := BootstrapOptions{Resamples: 2000, Seed: 11}
	gate := DropCheck{MaxDrop: 0.01, Alpha: 0.05}

	// 1000 items, 800 correct in A.
	a := itemRun(1000, 800)
	lost := slices.Clone(a) // 5 % of the correct items (40) flipped to wrong
	for i := 0; i < 800; i += 20 {
		lost[i].Solved = 0
	}
	noise := slices.Clone(a) // 3 flips each way
	for _, i := range []int{10, 400, 790} {
		noise[i].Solved = 0
	}
	for _, i := range []int{850, 900, 950} {
		noise[i].Solved = 1
	}

	// 400 ARC-like tasks with 1–3 inputs; B loses 5 % of A's solved inputs.
	r := rand.New(rand.NewPCG(8, 0))
	arcA := make([]TaskResult, 400)
	solved := 0
	for i := range arcA {
		n := 1 + min(r.IntN(6), 2)
		arcA[i] = TaskResult{Solved: r.IntN(n + 1), Total: n}
		solved += arcA[i].Solved
	}
	arcLost := slices.Clone(arcA)
	for i, left := 0, solved*5/100; left > 0; i += 7 {
		if j := i % len(arcLost); arcLost[j].Solved > 0 {
			arcLost[j].Solved--
			left--
		}
	}

	for _, tc := range []struct {
		name     string
		a, b     []TaskResult
		wantFail bool
	}{
		{"items: 5% of correct flipped", a, lost, true},
		{"items: 3 flips each way", a, noise, false},
		{"items: identical", a, slices.Clone(a), false},
		{"items: candidate better", lost, a, false},
		{"ARC: 5% of solved inputs lost", arcA, arcLost, true},
		{"ARC: identical", arcA, slices.Clone(arcA), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := gate.Tasks(tc.a, tc.b, opt)
			if err != nil {
				t.Fatal(err)
			}
			if v.Fail != tc.wantFail {
				t.Errorf("Fail = %v, want %v (%+v)", v.Fail, tc.wantFail, v)
			}
			if v.DropLo > v.Drop {
				t.Errorf("lower bound %v above the observed drop %v", v.DropLo, v.Drop)
			}
		})
	}

	t.Run("identical runs", func(t *testing.T) {
		v, _ := DropCheck{Alpha: 0.05}.Tasks(arcA, slices.Clone(arcA), opt)
		if v.Drop != 0 || math.Signbit(v.Drop) || v.DropLo != 0 || v.P != 1 || v.Fail {
			t.Errorf("identical runs: %+v, want drop +0, bound 0, P = 1, pass", v)
		}
	})
	t.Run("agrees with Tango on items", func(t *testing.T) {
		// Both methods put the 40-flip drop's 95 % lower bound near 3.1 points.
		vb, _ := gate.Tasks(a, lost, opt)
		vt, _ := gate.Items(1000, 40, 0)
		if math.Abs(vb.DropLo-vt.DropLo) > 0.003 {
			t.Errorf("bootstrap bound %v, Tango bound %v", vb.DropLo, vt.DropLo)
		}
	})
}

func TestDropCheckTasksPinned(t *testing.T) {
	// A = tenTasksB, B = tenTasks: B is 0.1833 worse (same draws as
	// TestBootstrapPairedPinned, mirrored). Reproduced in Python.
	opt := BootstrapOptions{Resamples: 2000, Seed: 7}
	for _, tc := range []struct {
		maxDrop float64
		want    DropVerdict
	}{
		{0, DropVerdict{Drop: 0.18333333333333332, DropLo: -0.1, P: 0.15542228885557222}},
		{0.1, DropVerdict{Drop: 0.18333333333333332, DropLo: -0.1, P: 0.33833083458270863}},
	} {
		got, err := DropCheck{MaxDrop: tc.maxDrop, Alpha: 0.05}.Tasks(tenTasksB, tenTasks, opt)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("MaxDrop %v (-want +got):\n%s", tc.maxDrop, diff)
		}
	}
}

// A candidate whose true drop equals the allowance must fail at most about
// Alpha of the time (simulated: 50 of 1000); the reading "observed drop >
// MaxDrop and significantly above 0" (one-sided McNemar at Alpha) would fail
// it about half the time (490 of 1000).
func TestDropCheckItemsFalseFailRate(t *testing.T) {
	const (
		n    = 2000
		reps = 1000
		p10  = 0.03 // P(A right, B wrong)
		p01  = 0.02 // P(A wrong, B right): true drop 0.01
	)
	gate := DropCheck{MaxDrop: 0.01, Alpha: 0.05}
	r := rand.New(rand.NewPCG(2024, 0))
	fails, naive := 0, 0
	for range reps {
		b, c := 0, 0
		for range n {
			switch u := r.Float64(); {
			case u < p10:
				b++
			case u < p10+p01:
				c++
			}
		}
		v, err := gate.Items(n, b, c)
		if err != nil {
			t.Fatal(err)
		}
		if v.Fail {
			fails++
		}
		if p, _ := McNemarExact(b, c); v.Drop > gate.MaxDrop && b > c && p < 2*gate.Alpha {
			naive++
		}
	}
	if rate := float64(fails) / reps; rate > 0.075 {
		t.Errorf("false-fail rate %.3f at the allowance, want ≤ 0.05 (+ noise)", rate)
	}
	if rate := float64(naive) / reps; rate < 0.3 {
		t.Errorf("the naive rule failed %.3f of the time; expected about half (test setup?)", rate)
	}
}
