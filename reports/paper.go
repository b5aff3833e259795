package reports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"arceval/reports/paper"
)

// Measurement is one of our runs placed beside the paper: the run's headline
// on a paper benchmark (for the stratified Sudoku sample, the full-test
// estimate) and the paper's number for the same method, if any.
type Measurement struct {
	Run       *RunSummary
	Method    string // paper row key
	Benchmark string
	Ours      Estimate // proportion
	Paper     float64  // percent; NaN when the paper has no such row
	Note      string
}

// PaperReport is the TRM paper's Tables 4 and 5 with our measurements.
type PaperReport struct {
	Ref      *paper.Reference
	Report   *Report
	Measured []Measurement
	Unplaced []*RunSummary // runs on sets the paper does not report
}

// NewPaperReport places runs beside the paper's reference numbers.
func NewPaperReport(runs []*Run, ref *paper.Reference, o Options) (*PaperReport, error) {
	rep, err := NewReport(runs, o)
	if err != nil {
		return nil, err
	}
	p := &PaperReport{Ref: ref, Report: rep}
	for _, s := range rep.Runs {
		bench := s.Run.Benchmark()
		if bench == "" {
			p.Unplaced = append(p.Unplaced, s)
			continue
		}
		m := Measurement{Run: s, Method: s.Run.Method(), Benchmark: bench, Ours: s.Headline.Estimate, Paper: math.NaN()}
		if s.Run.StratifiedSudoku() {
			if s.FullTest != nil {
				m.Ours = s.FullTest.Estimate
				m.Note = "full-test estimate from the stratified sample"
			} else {
				m.Note = "stratified sample mean (no full-test estimate: " + strings.TrimPrefix(s.FullTestGap, "no full-test estimate: ") + ")"
			}
		}
		if v, ok := ref.Score(m.Method, bench); ok {
			m.Paper = v
		}
		p.Measured = append(p.Measured, m)
	}
	return p, nil
}

func p1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func signed1(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if v >= 0 || s == "-0.0" {
		return "+" + strings.TrimPrefix(s, "-")
	}
	return s
}

// ours formats an estimate in percent with one decimal, like the paper.
func ours(e Estimate) string {
	s := p1(100 * e.Value)
	if e.HasCI() {
		s += fmt.Sprintf(" [%s, %s]", p1(100*e.Lo), p1(100*e.Hi))
	}
	return s
}

// Tables returns the paper's tables with an "ours" column beside each
// benchmark, then one row per measurement with the difference and protocol.
func (p *PaperReport) Tables() []*Table {
	lv := levelPct(p.Report.Options.Level)
	var out []*Table
	for _, tb := range p.Ref.Tables {
		t := &Table{
			Title:  fmt.Sprintf("%s (%s; %s) — paper vs ours", tb.Title, p.Ref.Unit, tb.Protocol),
			Header: []string{"method", "params"},
			Align:  []Align{Left, Left},
		}
		for _, b := range tb.Benchmarks {
			t.Header = append(t.Header, b+" (paper)", "ours")
			t.Align = append(t.Align, Right, Right)
		}
		t.Header = append(t.Header, "source")
		t.Align = append(t.Align, Left)
		group := ""
		cell := func(method, bench string) string {
			var vals []string
			for _, m := range p.Measured {
				if m.Method == method && m.Benchmark == bench {
					vals = append(vals, ours(m.Ours))
				}
			}
			if len(vals) == 0 {
				return "–"
			}
			return strings.Join(vals, " / ")
		}
		for _, row := range tb.Rows {
			if row.Group != group {
				group = row.Group
				t.AddRow(group)
			}
			cells := []string{"  " + row.Method, row.Params}
			for _, b := range tb.Benchmarks {
				cells = append(cells, p1(row.Scores[b]), cell(row.Key, b))
			}
			t.AddRow(append(cells, row.Source)...)
		}
		// Our methods the table has no row for.
		extra := map[string]bool{}
		for _, m := range p.Measured {
			inTable := false
			for _, b := range tb.Benchmarks {
				inTable = inTable || m.Benchmark == b
			}
			if _, _, known := p.Ref.Lookup(m.Method, m.Benchmark); inTable && !known && !extra[m.Method] {
				extra[m.Method] = true
				cells := []string{"  " + m.Method + " (ours only)", ""}
				for _, b := range tb.Benchmarks {
					cells = append(cells, "–", cell(m.Method, b))
				}
				t.AddRow(append(cells, "this report")...)
			}
		}
		t.Notes = []string{"ours: our headline with its " + lv + " CI (ARC: task-macro pass@2, bootstrap over tasks; Sudoku/Maze: exact accuracy, Wilson or stratified); –: not measured."}
		out = append(out, t)
	}
	d := &Table{
		Title:  "our runs against the paper",
		Header: []string{"run", "method", "benchmark", "ours", "paper", "Δ pts", "protocol"},
		Align:  []Align{Left, Left, Left, Right, Right, Right, Left},
		Banner: subsetBanners(p.Report.runs()),
	}
	for _, m := range p.Measured {
		paperCell, delta := "–", "–"
		if !math.IsNaN(m.Paper) {
			paperCell = p1(m.Paper)
			dv := 100*m.Ours.Value - m.Paper
			delta = signed1(dv)
			if m.Ours.HasCI() {
				delta += fmt.Sprintf(" [%s, %s]", signed1(100*m.Ours.Lo-m.Paper), signed1(100*m.Ours.Hi-m.Paper))
			}
		}
		proto := m.Run.Run.Header.Set + ", " + m.Run.Run.Protocol()
		if m.Note != "" {
			proto += "; " + m.Note
		}
		d.AddRow(m.Run.Run.Name, m.Method, m.Benchmark, ours(m.Ours), paperCell, delta, proto)
	}
	for _, s := range p.Unplaced {
		d.AddRow(s.Run.Name, s.Run.Method(), "–", ours(s.Headline.Estimate), "–", "–", s.Run.Header.Set+" is not a paper benchmark; "+s.Run.Protocol())
	}
	d.Notes = []string{
		"Δ = ours − paper, with our " + lv + " CI shifted by the paper's number (the paper gives no intervals).",
		"Paper: " + p.Ref.Paper + ". LLM, Direct pred and HRM rows are quoted from the HRM paper or the ARC Prize leaderboard (see source).",
	}
	return append(out, d)
}

// Write prints the paper tables; CSV is one row per (paper row or our run,
// benchmark), JSON the same as objects.
func (p *PaperReport) Write(w io.Writer, f Format) error {
	switch f {
	case CSV:
		return p.csvTable().Write(w, CSV)
	case JSON:
		return writeJSON(w, p.jsonValue())
	}
	return writeTables(w, p.Tables(), f)
}

func (p *PaperReport) csvTable() *Table {
	t := &Table{Header: []string{"table", "method", "params", "source", "benchmark", "paper", "run", "ours", "ours_lo", "ours_hi", "delta", "protocol"}}
	for _, tb := range p.Ref.Tables {
		for _, row := range tb.Rows {
			for _, b := range tb.Benchmarks {
				found := false
				for _, m := range p.Measured {
					if m.Method == row.Key && m.Benchmark == b {
						found = true
						t.AddRow(tb.ID, row.Key, row.Params, row.Source, b, num(row.Scores[b]), m.Run.Run.Path,
							num(100*m.Ours.Value), num(100*m.Ours.Lo), num(100*m.Ours.Hi), num(100*m.Ours.Value-row.Scores[b]), m.Run.Run.Protocol())
					}
				}
				if !found {
					t.AddRow(tb.ID, row.Key, row.Params, row.Source, b, num(row.Scores[b]), "", "", "", "", "", "")
				}
			}
		}
	}
	for _, m := range p.Measured {
		if math.IsNaN(m.Paper) {
			t.AddRow("", m.Method, "", "this report", m.Benchmark, "", m.Run.Run.Path, num(100*m.Ours.Value), num(100*m.Ours.Lo), num(100*m.Ours.Hi), "", m.Run.Run.Protocol())
		}
	}
	return t
}

func (p *PaperReport) jsonValue() any {
	type meas struct {
		Run       string   `json:"run"`
		Method    string   `json:"method"`
		Benchmark string   `json:"benchmark"`
		Ours      float64  `json:"ours"`
		Lo        *float64 `json:"ours_lo,omitempty"`
		Hi        *float64 `json:"ours_hi,omitempty"`
		Paper     *float64 `json:"paper,omitempty"`
		Delta     *float64 `json:"delta,omitempty"`
		Protocol  string   `json:"protocol"`
		Note      string   `json:"note,omitempty"`
	}
	var ms []meas
	for _, m := range p.Measured {
		j := meas{Run: m.Run.Run.Path, Method: m.Method, Benchmark: m.Benchmark, Ours: 100 * m.Ours.Value,
			Lo: optNum(100 * m.Ours.Lo), Hi: optNum(100 * m.Ours.Hi), Paper: optNum(m.Paper), Protocol: m.Run.Run.Protocol(), Note: m.Note}
		if j.Paper != nil {
			j.Delta = optNum(100*m.Ours.Value - m.Paper)
		}
		ms = append(ms, j)
	}
	var unplaced []string
	for _, s := range p.Unplaced {
		unplaced = append(unplaced, s.Run.Path)
	}
	return struct {
		Unit     string        `json:"unit"`
		Paper    string        `json:"paper"`
		Tables   []paper.Table `json:"tables"`
		Measured []meas        `json:"measured"`
		Level    float64       `json:"level"`
		Unplaced []string      `json:"unplaced_runs,omitempty"`
	}{"percent", p.Ref.Paper, p.Ref.Tables, ms, p.Report.Options.Level, unplaced}
}
