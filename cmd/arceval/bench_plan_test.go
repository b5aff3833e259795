package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"arceval/harness"
	"arceval/results"
)

// The plan's printout for every benchmark with injected speeds (no clock):
// the work comes from harness.ReproPlan, the rate and the measured memory
// are given.
func TestPrintBenchPlanGolden(t *testing.T) {
	names, err := planBenchmarks([]string{"all"})
	if err != nil {
		t.Fatal(err)
	}
	var ests []planEstimate
	for i, name := range names {
		ps, err := harness.ReproPlan(name)
		if err != nil {
			t.Fatal(err)
		}
		for j, p := range ps {
			fam, err := family(p.Kind)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := benchConfig(fam, p.Preset)
			if err != nil {
				t.Fatal(err)
			}
			if name == "arc1" {
				p.TaskViews = syntheticTaskViews(p.Tasks, p.Views)
			}
			same := ""
			if name == "arc2" && j == 0 {
				same = "trm arc1-att"
			}
			ests = append(ests, planEstimate{SameAs: same, ReproProtocol: p, Batch: 1 << j, Rate: 0.5 + float64(4*i+j), CPURate: 2 * (0.5 + float64(4*i+j)),
				Timed: 3 * time.Second, LiveBytes: 100e6 + int64(j)*1e6, TableRest: p.WeightBytes() - harness.ConfigBytes(cfg)})
		}
	}
	h := planHeader{Kernel: "avx512", Threads: 2, Peak: 440, Precision: results.PrecisionFloat32, Load: "0.50 0.40 0.30", Machine: "test machine"}
	var b bytes.Buffer
	if err := printBenchPlan(&b, h, ests, []int{1, 8, 100}); err != nil {
		t.Fatal(err)
	}
	golden(t, "bench_plan.text", b.Bytes())
	b.Reset()
	if err := printBenchPlanJSON(&b, h, ests, []int{1, 8, 100}); err != nil {
		t.Fatal(err)
	}
	golden(t, "bench_plan.json", b.Bytes())
}

// syntheticTaskViews spreads views over tasks, every third task twice the
// size of the others, as a counted protocol has them.
func syntheticTaskViews(tasks, views int) []int {
	weights, total := make([]int, tasks), 0
	for i := range weights {
		weights[i] = 1 + btoi(i%3 == 0)
		total += weights[i]
	}
	out, left := make([]int, tasks), views
	for i, w := range weights {
		out[i] = views * w / total
		left -= out[i]
	}
	out[0] += left
	return out
}

func TestBenchPlanUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown benchmark", []string{"bench", "--plan", "chess"}, `unknown benchmark "chess"`},
		{"zero shards", []string{"bench", "--plan", "maze", "--shards", "0"}, "--shards 0"},
		{"no budget", []string{"bench", "--plan", "maze", "--plan-time", "0s"}, "--plan-time 0s"},
		{"format", []string{"bench", "--plan", "maze", "--format", "csv"}, `--format "csv"`},
		{"preset", []string{"bench", "--plan", "maze", "--preset", "maze-att"}, "--preset does not apply"},
		{"train", []string{"bench", "--plan", "maze", "--train"}, "--train does not apply"},
		{"shards without plan", []string{"bench", "--shards", "8"}, "--shards applies to --plan only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v; want one with %q", err, tc.want)
			}
		})
	}
}

// A precision the engine does not have ("bf16" is the flag's spelling, not
// a record name) is refused before any model is made; float32 and bfloat16
// are accepted.
func TestPlanPrecision(t *testing.T) {
	ps, err := harness.ReproPlan("maze")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadForPrecision(ps[0], ps[0].Config, "bf16"); err == nil || !strings.Contains(err.Error(), `"bf16"`) {
		t.Errorf("bf16: %v", err)
	}
	for _, p := range []string{results.PrecisionFloat32, results.PrecisionBF16} {
		if err := checkPrecision(p); err != nil {
			t.Errorf("%s refused: %v", p, err)
		}
	}
}

// reproduce and bench --plan agree on each benchmark's TRM preset.
func TestPlanPresetsAreReproduces(t *testing.T) {
	for _, b := range harness.ReproBenchmarks {
		p, ok := protocols[b.Name]
		if !ok || p.preset != b.TRMPreset {
			t.Errorf("%s: reproduce uses preset %q (known %v), the plan %q", b.Name, p.preset, ok, b.TRMPreset)
		}
	}
	if len(protocols) != len(harness.ReproBenchmarks) {
		t.Errorf("reproduce has %d benchmarks, the plan %d", len(protocols), len(harness.ReproBenchmarks))
	}
}

// Protocols whose models differ only in their puzzle tables share a shape
// (timed once); others do not.
func TestShapeKey(t *testing.T) {
	key := func(bench string, i int) string {
		ps, err := harness.ReproPlan(bench)
		if err != nil {
			t.Fatal(err)
		}
		k, err := shapeKey(ps[i])
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	if key("arc1", 0) != key("arc2", 0) {
		t.Error("TRM arc1-att and arc2-att (puzzle tables apart) have different shapes")
	}
	if key("arc2", 0) == key("arc2", 1) || key("sudoku", 0) == key("maze", 0) {
		t.Error("different models share a shape")
	}
}

// reproduce states the whole protocol's work and points to bench --plan
// for its time, instead of a time measured once.
func TestReproWork(t *testing.T) {
	for _, b := range harness.ReproBenchmarks {
		ps, err := harness.ReproPlan(b.Name)
		if err != nil {
			t.Fatal(err)
		}
		got := reproWork(b.Name)
		for _, want := range []string{fmt.Sprintf("%s views × %d steps", commas(int64(ps[0].Views)), ps[0].Steps), "arceval bench --plan " + b.Name} {
			if !strings.Contains(got, want) {
				t.Errorf("%s: %q lacks %q", b.Name, got, want)
			}
		}
	}
}
