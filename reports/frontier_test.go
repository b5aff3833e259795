package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"arceval/results"
)

// The report's Q-halting frontier, recomputed here from the run records by a
// plain count: for each threshold, each test input stops at its first step
// whose q exceeds it (else its last), and is right when that step's answer is.
func TestReportFrontierRecomputed(t *testing.T) {
	rep := fixtureReport(t)
	var v struct {
		Runs []struct {
			Run          string
			HaltFrontier []results.FrontierPoint `json:"halt_frontier"`
		}
	}
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return rep.Write(b, JSON) }), &v); err != nil {
		t.Fatal(err)
	}
	with := 0
	for i, s := range rep.Runs {
		got := v.Runs[i].HaltFrontier
		if !results.HasStepQHalt(s.Run.Items) {
			if got != nil {
				t.Errorf("%s: a frontier without per-step q_halt", s.Run.Name)
			}
			continue
		}
		with++
		if len(got) != len(results.DefaultHaltThresholds) {
			t.Fatalf("%s: %d frontier points", s.Run.Name, len(got))
		}
		for j, th := range results.DefaultHaltThresholds {
			right, steps, early := 0, 0, 0
			for _, it := range s.Run.Items {
				k := 0
				for k < len(it.StepQHalt)-1 && !(float64(it.StepQHalt[k]) > th) {
					k++
				}
				if k < len(it.StepQHalt)-1 {
					early++
				}
				steps += k + 1
				if it.StepExact[k] {
					right++
				}
			}
			micro := float64(right) / float64(s.Run.Header.TestInputs)
			mean := float64(steps) / float64(len(s.Run.Items))
			p := got[j]
			if p.Threshold != th || math.Abs(p.Micro-micro) > 1e-12 || math.Abs(p.MeanSteps-mean) > 1e-12 || p.Stopped != early {
				t.Errorf("%s threshold %v: report says %+v, recomputed micro %v, mean steps %v, stopped %d", s.Run.Name, th, p, micro, mean, early)
			}
		}
		// At threshold 1 nothing stops early: the full-depth accuracy.
		if last := got[len(got)-1]; last.Micro != s.Run.Summary.StepAccuracy[len(s.Run.Summary.StepAccuracy)-1] {
			t.Errorf("%s: never halting gives %v, the last step's accuracy is %v", s.Run.Name, last.Micro, s.Run.Summary.StepAccuracy)
		}
	}
	if with != 2 {
		t.Fatalf("%d fixture runs record per-step q_halt, want 2", with)
	}
	html := string(render(t, func(b *bytes.Buffer) error { return WriteHTML(b, rep, fixtureHTMLOptions(rep)) }))
	if !strings.Contains(html, `<h2 id="frontier">`) || !strings.Contains(html, "threshold 0.5 (trained rule: q_halt &gt; 0)") {
		t.Error("the HTML report has no frontier figure with the trained rule's point")
	}
}
