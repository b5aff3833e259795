package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// With a price per CPU-hour the report gives each run's cost, total and per
// task: CPU-seconds summed over the records, / 3600 × price; the per-task
// figure divides by the tasks with a record.
func TestReportCost(t *testing.T) {
	o := fixtureOptions()
	o.PricePerCPUHour = 3.6 // one thousandth of a dollar per CPU-second
	rep, err := NewReport(fixtureRuns(), o)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Price float64 `json:"price_per_cpu_hour"`
		Runs  []struct {
			Run         string
			CPUSeconds  float64 `json:"cpu_seconds"`
			CPUPerTask  float64 `json:"cpu_seconds_per_task"`
			Cost        float64 `json:"cost"`
			CostPerTask float64 `json:"cost_per_task"`
		}
	}
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return rep.Write(b, JSON) }), &v); err != nil {
		t.Fatal(err)
	}
	if v.Price != 3.6 {
		t.Errorf("price %v", v.Price)
	}
	for i, s := range rep.Runs {
		cpu := 0.0
		tasks := map[string]bool{}
		for _, it := range s.Run.Items {
			cpu += it.CPUSeconds
			tasks[it.TaskID] = true
		}
		j := v.Runs[i]
		near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }
		if !near(j.CPUSeconds, cpu) || !near(j.CPUPerTask, cpu/float64(len(tasks))) || !near(j.Cost, cpu/1000) || !near(j.CostPerTask, cpu/1000/float64(len(tasks))) {
			t.Errorf("%s: %+v; recomputed %v CPU-s over %d tasks", s.Run.Name, j, cpu, len(tasks))
		}
	}
	text := string(render(t, func(b *bytes.Buffer) error { return rep.Write(b, Text) }))
	if !strings.Contains(text, "cost/task") || !strings.Contains(text, "(at $3.60 per CPU-hour)") {
		t.Errorf("the text report has no cost column or price note:\n%s", text)
	}
}

func TestMoney(t *testing.T) {
	for v, want := range map[float64]string{0: "$0.00", 12.345: "$12.35", 1: "$1.00", 0.5: "$0.500", 0.000412: "$0.000412", 0.0123: "$0.0123"} {
		if got := Money(v); got != want {
			t.Errorf("Money(%v) = %s, want %s", v, got, want)
		}
	}
}
