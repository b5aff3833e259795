package reports

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"

	"arceval/results"
)

// thresholdLabel names a Q-halting threshold, with the three that mean
// something on their own.
func thresholdLabel(th float64) string {
	s := strconv.FormatFloat(th, 'f', -1, 64)
	switch th {
	case 0:
		return s + " (after step 1)"
	case 0.5:
		return s + " (trained rule: q_halt > 0)"
	case 1:
		return s + " (never: full depth)"
	}
	return s
}

// frontierTable lists the Q-halting frontier of every run that records its
// per-step q_halt (nil when none does).
func (rep *Report) frontierTable() *Table {
	arc := false
	for _, s := range rep.Runs {
		arc = arc || (s.Frontier != nil && s.Run.Header.TaskKind == "arc")
	}
	t := &Table{
		Title:  "Q-halting frontier (replayed from each step's sigmoid(q_halt): a test input stops at its first step above the threshold)",
		Header: []string{"run", "threshold", "accuracy (micro)", "mean steps", "stopped early"},
		Align:  []Align{Left, Left, Right, Right, Right},
	}
	if arc {
		t.Header = []string{"run", "threshold", "accuracy (micro)", "task-macro", "mean steps", "stopped early"}
		t.Align = []Align{Left, Left, Right, Right, Right, Right}
	}
	var without []string
	for _, s := range rep.Runs {
		if s.Frontier == nil {
			without = append(without, s.Run.Name)
			continue
		}
		for _, p := range s.Frontier {
			row := []string{s.Run.Name, thresholdLabel(p.Threshold), pct(p.Micro)}
			if arc {
				macro := "—"
				if s.Run.Header.TaskKind == "arc" {
					macro = pct(p.TaskMacro)
				}
				row = append(row, macro)
			}
			row = append(row, fmt.Sprintf("%.2f", p.MeanSteps), strconv.Itoa(p.Stopped))
			t.AddRow(row...)
		}
	}
	if len(t.Rows) == 0 {
		return nil
	}
	t.Notes = append(t.Notes, "Mean steps per test input (ARC: every view of a test input stops together, on the confidence of the leading answer). A run with early halting never replays past the steps a view used. Missing test inputs count wrong.")
	if len(without) > 0 {
		t.Notes = append(t.Notes, "No frontier for "+strings.Join(without, ", ")+": the run file records no per-step q_halt (written before arceval recorded step_q_halt_prob).")
	}
	return t
}

// frontierChart plots, per run, accuracy against mean supervision steps for
// Q-halting at each threshold (solid, the trained rule's point ringed) and for
// stopping every test input at a fixed step (dashed: the step curve).
func frontierChart(runs []*RunSummary) template.HTML {
	maxSteps := 1
	for _, s := range runs {
		maxSteps = max(maxSteps, len(s.Run.Summary.StepAccuracy))
	}
	f := newFrame("accuracy against compute under Q-halting", "mean supervision steps per test input", "exact accuracy (micro)", nil, len(runs))
	f.continuous = true
	sx := func(steps float64) float64 { return f.x(steps / float64(maxSteps)) }
	tick := max(1, maxSteps/8)
	for k := 0; k <= maxSteps; k += tick {
		f.s.text(sx(float64(k)), f.top+f.ph+16, "middle", "tick", strconv.Itoa(k))
	}
	for i, s := range runs {
		var fixed []string
		for k, a := range s.Run.Summary.StepAccuracy {
			fixed = append(fixed, f1(sx(float64(k+1)))+","+f1(f.y(a)))
		}
		f.s.raw(`<polyline points="%s" fill="none" stroke="%s" stroke-width="1.2" stroke-dasharray="4 3"/>`, strings.Join(fixed, " "), colour(i))
		var pts []string
		for _, p := range s.Frontier {
			pts = append(pts, f1(sx(p.MeanSteps))+","+f1(f.y(p.Micro)))
		}
		f.s.raw(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), colour(i))
		for _, p := range s.Frontier {
			if p.Threshold == 0.5 {
				f.s.raw(`<circle cx="%s" cy="%s" r="6" fill="none" stroke="%s" stroke-width="1.5"/>`, f1(sx(p.MeanSteps)), f1(f.y(p.Micro)), colour(i))
			}
			f.s.raw(`<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s: threshold %s, accuracy %s at %.2f steps</title></circle>`,
				f1(sx(p.MeanSteps)), f1(f.y(p.Micro)), colour(i), html.EscapeString(s.Run.Name), html.EscapeString(thresholdLabel(p.Threshold)), pct(p.Micro), p.MeanSteps)
		}
		f.legendEntry(i, s.Run.Name)
	}
	return f.s.html()
}

// frontierFigure is the HTML figure of the Q-halting frontier, or false when
// no run records its per-step q_halt.
func frontierFigure(rep *Report) (htmlFigure, bool) {
	var runs []*RunSummary
	for _, s := range rep.Runs {
		if s.Frontier != nil {
			runs = append(runs, s)
		}
	}
	if len(runs) == 0 {
		return htmlFigure{}, false
	}
	var ths []string
	for _, th := range results.DefaultHaltThresholds {
		ths = append(ths, strconv.FormatFloat(th, 'f', -1, 64))
	}
	return htmlFigure{ID: "frontier", Title: "Q-halting: accuracy vs compute",
		SVG: frontierChart(runs),
		Caption: "Solid: each test input stops at its first supervision step whose sigmoid(q_halt) exceeds a threshold (" + strings.Join(ths, ", ") +
			"; the ringed point is 0.5, the trained rule q_halt > 0), replayed from the run's per-step q_halt; x is the mean steps used. Dashed: every test input stops at the same step (the accuracy-vs-step curve). Where the solid line lies above the dashed one, Q-halting buys accuracy for less compute."}, true
}
