package reports

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"arceval/reports/paper"
	"arceval/results"
)

// Measurement is one of our runs set against the paper: the run's value on
// its benchmark under the paper row's scoring rule (for the stratified
// Sudoku sample, the full-test estimate; for HRM on ARC, all-or-nothing),
// the paper's number for the same method when the run's protocol is the
// paper's, and otherwise the elements of its protocol that differ.
type Measurement struct {
	Run       *RunSummary
	Method    string // paper row key
	Benchmark string // "" when the set is not identified
	Rule      string // scoring rule of Ours
	Ours      Estimate
	Paper     float64 // percent; NaN when the paper has no such row or the run is not placed
	Note      string
	// Differences says how the run's protocol differs from the paper's;
	// empty for a placed run.
	Differences []string
}

// PaperReport is the TRM paper's Tables 4 and 5 with our measurements.
type PaperReport struct {
	Ref    *paper.Reference
	Report *Report
	// Measured are the runs whose protocol is the paper's: placed beside
	// its numbers.
	Measured []Measurement
	// Others are the runs whose protocol differs (or was not recorded),
	// listed apart with the differences; they never enter the paper tables.
	Others []Measurement
}

// NewPaperReport places runs beside the paper's reference numbers: a run
// whose protocol is the paper's (see place) goes beside the number of its
// method on its benchmark; every other run goes to Others with the reasons.
func NewPaperReport(runs []*Run, ref *paper.Reference, o Options) (*PaperReport, error) {
	rep, err := NewReport(runs, o)
	if err != nil {
		return nil, err
	}
	p := &PaperReport{Ref: ref, Report: rep}
	for _, s := range rep.Runs {
		pl := place(s)
		m := Measurement{Run: s, Method: pl.Method, Benchmark: pl.Benchmark, Rule: pl.Rule, Ours: pl.Ours,
			Paper: math.NaN(), Note: pl.Note, Differences: pl.Differences}
		if len(m.Differences) > 0 {
			p.Others = append(p.Others, m)
			continue
		}
		if v, ok := ref.Score(m.Method, m.Benchmark); ok {
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
		t.Notes = []string{"ours: runs whose protocol is the paper's, with their " + lv + " CI (ARC: task-macro pass@2, bootstrap over tasks; " +
			"the HRM row all-or-nothing pass@2, Wilson over tasks, as HRM's notebook scores; Sudoku/Maze: exact accuracy, Wilson or stratified); –: not measured. " +
			"Runs measured otherwise are listed apart below."}
		out = append(out, t)
	}
	var placed []*Run
	for _, m := range p.Measured {
		placed = append(placed, m.Run.Run)
	}
	d := &Table{
		Title:  "our runs against the paper (protocol as the paper's)",
		Header: []string{"run", "method", "benchmark", "rule", "ours", "paper", "Δ pts", "protocol"},
		Align:  []Align{Left, Left, Left, Left, Right, Right, Right, Left},
		Banner: subsetBanners(placed),
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
		proto := m.Run.Run.Protocol()
		if m.Note != "" {
			proto += "; " + m.Note
		}
		d.AddRow(m.Run.Run.Name, m.Method, m.Benchmark, m.Rule, ours(m.Ours), paperCell, delta, proto)
	}
	if len(p.Measured) == 0 {
		d.AddRow("(none)", "", "", "", "", "", "", "no run's protocol is the paper's")
	}
	d.Notes = []string{
		"Δ = ours − paper, with our " + lv + " CI shifted by the paper's number (the paper gives no intervals).",
		"Paper: " + p.Ref.Paper + ". LLM, Direct pred and HRM rows are quoted from the HRM paper or the ARC Prize leaderboard (see source); HRM's ARC numbers were computed on HRM's own build.",
		p.precisionNote(),
	}
	out = append(out, d)
	if len(p.Others) > 0 {
		o := &Table{
			Title:  "runs NOT placed beside the paper: their protocol differs from the paper's",
			Header: []string{"run", "method", "benchmark", "rule", "ours", "differs from the paper's protocol", "protocol"},
			Align:  []Align{Left, Left, Left, Left, Right, Left, Left},
		}
		for _, m := range p.Others {
			bench := m.Benchmark
			if bench == "" {
				bench = "–"
			}
			o.AddRow(m.Run.Run.Name, m.Method, bench, m.Rule, ours(m.Ours), strings.Join(m.Differences, "; "), m.Run.Run.Protocol())
		}
		o.Notes = []string{paperProtocolNote}
		out = append(out, o)
	}
	return out
}

// paperProtocolNote states the protocol a run must follow to be placed.
const paperProtocolNote = "The paper's protocol: ARC — the benchmark's evaluation set (ARC-AGI-2: the 172-input copy TRM used for the TRM rows, " +
	"the 167-input copy HRM's build read for the HRM and Direct pred rows), " +
	"all 1001 views per test input of the official 1000-augmentation build with the build's puzzle identifiers " +
	"(TRM rows: TRM's released seed-42 build, recognised by its identifiers), 16 supervision steps, " +
	"no early halting, the whole set; Sudoku-Extreme — the full test set (or the stratified sample's full-test estimate); " +
	"Maze-Hard — the test set; Direct pred — a one-step model; HRM on ARC — all-or-nothing per task."

// precisionNote states the one known difference that is not a protocol
// element, for runs all in float32.
const precisionNote = "Precision: arceval runs float32; the paper's models ran a bfloat16 forward pass (trm-spec §3.8). " +
	"Stated here, not counted as a protocol difference: expect small deviations, not a different protocol."

// precisionNoteBF16 is the note when some placed run ran in bfloat16
// (--precision bf16).
const precisionNoteBF16 = "Precision: runs recorded as bfloat16 ran the paper's bfloat16 forward pass (--precision bf16: bf16 weights and activations, float32 accumulation); " +
	"float32 runs differ from it by rounding (trm-spec §3.8). Stated here, not counted as a protocol difference."

// precisionNote is the precision note for the report's runs.
func (p *PaperReport) precisionNote() string {
	for _, m := range append(append([]Measurement(nil), p.Measured...), p.Others...) {
		if pr := m.Run.Run.Header.Protocol; pr != nil && pr.Precision == results.PrecisionBF16 {
			return precisionNoteBF16
		}
	}
	return precisionNote
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

// csvTable: one row per (paper row, benchmark) with the placed run beside
// it, one per placed run of a method the paper has no row for, and one per
// run not placed (placed = no, with its differences).
func (p *PaperReport) csvTable() *Table {
	t := &Table{Header: []string{"table", "method", "params", "source", "benchmark", "paper", "run", "rule", "ours", "ours_lo", "ours_hi", "delta",
		"protocol", "placed", "differences"}}
	row := func(table, method, params, source, bench, paperV string, m *Measurement, delta string) {
		if m == nil {
			t.AddRow(table, method, params, source, bench, paperV, "", "", "", "", "", "", "", "", "")
			return
		}
		placed := "yes"
		if len(m.Differences) > 0 {
			placed = "no"
		}
		t.AddRow(table, method, params, source, bench, paperV, m.Run.Run.Path, m.Rule, num(100*m.Ours.Value), num(100*m.Ours.Lo), num(100*m.Ours.Hi),
			delta, m.Run.Run.Protocol(), placed, strings.Join(m.Differences, "; "))
	}
	for _, tb := range p.Ref.Tables {
		for _, r := range tb.Rows {
			for _, b := range tb.Benchmarks {
				found := false
				for i := range p.Measured {
					if m := &p.Measured[i]; m.Method == r.Key && m.Benchmark == b {
						found = true
						row(tb.ID, r.Key, r.Params, r.Source, b, num(r.Scores[b]), m, num(100*m.Ours.Value-r.Scores[b]))
					}
				}
				if !found {
					row(tb.ID, r.Key, r.Params, r.Source, b, num(r.Scores[b]), nil, "")
				}
			}
		}
	}
	for i := range p.Measured {
		if m := &p.Measured[i]; math.IsNaN(m.Paper) {
			row("", m.Method, "", "this report", m.Benchmark, "", m, "")
		}
	}
	for i := range p.Others {
		m := &p.Others[i]
		row("", m.Method, "", "this report", m.Benchmark, "", m, "")
	}
	return t
}

func (p *PaperReport) jsonValue() any {
	type meas struct {
		Run         string            `json:"run"`
		Method      string            `json:"method"`
		Benchmark   string            `json:"benchmark,omitempty"`
		Rule        string            `json:"rule"`
		Ours        float64           `json:"ours"`
		Lo          *float64          `json:"ours_lo,omitempty"`
		Hi          *float64          `json:"ours_hi,omitempty"`
		Paper       *float64          `json:"paper,omitempty"`
		Delta       *float64          `json:"delta,omitempty"`
		Protocol    string            `json:"protocol"`
		Record      *results.Protocol `json:"protocol_record,omitempty"`
		Note        string            `json:"note,omitempty"`
		Differences []string          `json:"differences,omitempty"`
	}
	conv := func(list []Measurement) []meas {
		var ms []meas
		for _, m := range list {
			j := meas{Run: m.Run.Run.Path, Method: m.Method, Benchmark: m.Benchmark, Rule: m.Rule, Ours: 100 * m.Ours.Value,
				Lo: optNum(100 * m.Ours.Lo), Hi: optNum(100 * m.Ours.Hi), Paper: optNum(m.Paper), Protocol: m.Run.Run.Protocol(),
				Record: m.Run.Run.Header.Protocol, Note: m.Note, Differences: m.Differences}
			if j.Paper != nil {
				j.Delta = optNum(100*m.Ours.Value - m.Paper)
			}
			ms = append(ms, j)
		}
		return ms
	}
	return struct {
		Unit          string        `json:"unit"`
		Paper         string        `json:"paper"`
		Tables        []paper.Table `json:"tables"`
		Measured      []meas        `json:"measured"`
		Others        []meas        `json:"other_runs,omitempty"`
		Level         float64       `json:"level"`
		PaperProtocol string        `json:"paper_protocol"`
		Precision     string        `json:"precision_note"`
	}{"percent", p.Ref.Paper, p.Ref.Tables, conv(p.Measured), conv(p.Others), p.Report.Options.Level, paperProtocolNote, p.precisionNote()}
}
