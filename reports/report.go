package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"arceval/results"
)

// Report is the score table of several runs: one row per run with its
// headline metric and confidence interval, secondary metrics, steps and
// time; pass@K for ARC runs; the full-test estimate for runs on the
// stratified Sudoku sample.
type Report struct {
	Options Options
	Runs    []*RunSummary
}

// NewReport summarizes runs.
func NewReport(runs []*Run, o Options) (*Report, error) {
	o = o.withDefaults()
	rep := &Report{Options: o}
	for _, r := range runs {
		s, err := Summarize(r, o)
		if err != nil {
			return nil, err
		}
		rep.Runs = append(rep.Runs, s)
	}
	return rep, nil
}

func pct(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) }

// ci formats an interval in percent: "[36.50, 46.00]", or "—".
func ci(e Estimate) string {
	if !e.HasCI() {
		return "—"
	}
	return fmt.Sprintf("[%.2f, %.2f]", 100*e.Lo, 100*e.Hi)
}

func withCI(e Estimate) string {
	if !e.HasCI() {
		return pct(e.Value)
	}
	return pct(e.Value) + " " + ci(e)
}

func levelPct(l float64) string { return strconv.FormatFloat(100*l, 'f', -1, 64) + "%" }

// subsetBanners returns the SUBSET line of every partial run (one line when
// all runs share the same subset).
func subsetBanners(runs []*Run) []string {
	var out []string
	seen := map[string]bool{}
	same := len(runs) > 1
	for _, r := range runs {
		same = same && r.Header.Subset != "" && r.Header.Subset == runs[0].Header.Subset
	}
	if same {
		return []string{fmt.Sprintf("SUBSET (all %d runs): %s — not comparable with full-set numbers", len(runs), runs[0].Header.Subset)}
	}
	for _, r := range runs {
		if r.Header.Subset != "" && !seen[r.Name] {
			seen[r.Name] = true
			out = append(out, fmt.Sprintf("SUBSET %s: %s — not comparable with full-set numbers", r.Name, r.Header.Subset))
		}
	}
	return out
}

// compareIDs orders task ids naturally: numerically when both are integers
// (Sudoku and Maze rows), else as strings.
func compareIDs(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return x - y
	}
	return strings.Compare(a, b)
}

// compareItems orders test inputs by task (compareIDs), then test index.
func compareItems(a, b results.Item) int {
	if c := compareIDs(a.TaskID, b.TaskID); c != 0 {
		return c
	}
	return a.TestIndex - b.TestIndex
}

func (rep *Report) runs() []*Run {
	var out []*Run
	for _, s := range rep.Runs {
		out = append(out, s.Run)
	}
	return out
}

func (s *RunSummary) size() string {
	sm := s.Run.Summary
	if s.Run.Header.TaskKind == "arc" {
		return fmt.Sprintf("%d tasks, %d inputs", sm.Tasks, sm.TestInputs)
	}
	return strconv.Itoa(sm.TestInputs)
}

func (s *RunSummary) steps() string {
	sm, h := s.Run.Summary, s.Run.Header
	if sm.Items == 0 {
		return "—"
	}
	if sm.MeanSteps == float64(h.Steps) {
		return strconv.Itoa(h.Steps)
	}
	return fmt.Sprintf("%.1f of %d", sm.MeanSteps, h.Steps)
}

func (s *RunSummary) timePerItem() string {
	sm := s.Run.Summary
	if sm.Items == 0 || sm.Seconds == 0 {
		return "—"
	}
	return results.FormatSeconds(sm.Seconds/float64(sm.Items), 3)
}

// cpuPerTask is the run's mean CPU-seconds per task, "—" when not recorded.
func (s *RunSummary) cpuPerTask() string {
	sm := s.Run.Summary
	if sm.CPUSeconds == 0 {
		return "—"
	}
	return CPUSeconds(sm.CPUPerTask())
}

// CPUSeconds formats CPU-seconds with three significant digits below 100
// (0.00433, 0.95, 12.3), whole seconds above.
func CPUSeconds(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// costPerTask is cpuPerTask at a price per CPU-hour.
func (s *RunSummary) costPerTask(price float64) string {
	sm := s.Run.Summary
	if sm.CPUSeconds == 0 {
		return "—"
	}
	return Money(results.Cost(sm.CPUPerTask(), price))
}

// Money formats an amount: cents from 1 up, else three significant digits in
// fixed notation (a per-task cost of $0.000412 stays readable).
func Money(v float64) string {
	if v <= 0 || v >= 1 {
		return fmt.Sprintf("$%.2f", v)
	}
	d := min(12, int(math.Ceil(-math.Log10(v)))+2)
	return fmt.Sprintf("$%.*f", d, v)
}

// Tables returns the report as tables, in the order printed.
func (rep *Report) Tables() []*Table {
	lv := levelPct(rep.Options.Level)
	main := &Table{
		Header: []string{"run", "model", "set", "n", "metric", "accuracy", lv + " CI", "secondary", "steps", "time/item", "CPU-s/task"},
		Align:  []Align{Left, Left, Left, Right, Left, Right, Left, Left, Right, Right, Right},
		Banner: subsetBanners(rep.runs()),
	}
	price := rep.Options.PricePerCPUHour
	if price > 0 {
		main.Header = append(main.Header, "cost/task")
		main.Align = append(main.Align, Right)
	}
	var costs []string
	var arc, boot, wilson bool
	for _, s := range rep.Runs {
		var sec []string
		for _, m := range s.Secondary {
			sec = append(sec, m.Name+" "+withCI(m.Estimate))
		}
		row := []string{s.Run.Name, s.Run.Model(), s.Run.Header.Set, s.size(), s.Headline.Name,
			pct(s.Headline.Value), ci(s.Headline.Estimate), strings.Join(sec, ", "), s.steps(), s.timePerItem(), s.cpuPerTask()}
		if price > 0 {
			row = append(row, s.costPerTask(price))
		}
		main.AddRow(row...)
		sm := s.Run.Summary
		if sm.CPUSeconds > 0 {
			c := fmt.Sprintf("%s %.1f CPU-s over %d tasks", s.Run.Name, sm.CPUSeconds, sm.Recorded)
			if price > 0 {
				c += " = " + Money(results.Cost(sm.CPUSeconds, price))
			}
			costs = append(costs, c)
		}
		if sm.Missing+sm.Empty+sm.Malformed > 0 {
			main.Notes = append(main.Notes, fmt.Sprintf("%s: %d missing, %d empty test inputs (counted wrong)", s.Run.Name, sm.Missing, sm.Empty))
		}
		if s.Run.Header.TaskKind == "arc" {
			arc, boot = true, true
		} else {
			wilson = true
		}
	}
	var how []string
	if boot {
		how = append(how, fmt.Sprintf("task-macro: bootstrap over tasks (a task's test inputs resampled together; %d resamples, seed %d)", rep.Options.Resamples, rep.Options.Seed))
	}
	if arc {
		how = append(how, "all-or-nothing: Wilson over tasks; micro: none (test inputs cluster by task)")
	}
	if wilson {
		how = append(how, "exact: Wilson")
	}
	main.Notes = append(main.Notes, lv+" CIs — "+strings.Join(how, "; ")+".")
	if len(costs) > 0 {
		note := "CPU-s/task: CPU time of every thread (user + system) per task with a record, comparable across machines; in total: " + strings.Join(costs, ", ")
		if price > 0 {
			note += fmt.Sprintf(" (at %s per CPU-hour)", Money(price))
		}
		main.Notes = append(main.Notes, note+".")
	}
	tables := []*Table{main, rep.protocolTable()}

	if arc {
		pk := &Table{
			Title:  "pass@K (ARC, task-macro: the right answer among the K most voted candidates)",
			Header: []string{"run"},
			Align:  []Align{Left},
		}
		for i, s := range rep.Runs {
			if s.Run.Header.TaskKind != "arc" {
				continue
			}
			if len(pk.Header) == 1 {
				for _, m := range rep.Runs[i].PassK {
					pk.Header = append(pk.Header, m.Name)
					pk.Align = append(pk.Align, Right)
				}
			}
			row := []string{s.Run.Name}
			for _, m := range s.PassK {
				row = append(row, withCI(m.Estimate))
			}
			pk.AddRow(row...)
		}
		pk.Notes = []string{"pass@1 with its " + lv + " CI (task bootstrap); pass@2 is the two-attempt headline when the attempts are the two most voted candidates."}
		tables = append(tables, pk)
	}
	for _, s := range rep.Runs {
		if s.Run.StratifiedSudoku() {
			tables = append(tables, s.fullTestTable(lv))
		}
	}
	if t := rep.frontierTable(); t != nil {
		tables = append(tables, t)
	}
	return tables
}

// protocolTable shows how each run measured (results.Protocol): the set as
// identified from its content, the views and their source, the puzzle
// identifiers, the steps against the model's training depth, halting,
// precision and the headline's rule.
func (rep *Report) protocolTable() *Table {
	t := &Table{
		Title:  "protocol (how each run measured)",
		Header: []string{"run", "set (identified)", "views", "puzzle ids", "steps", "halting", "precision", "headline"},
	}
	unknown := false
	for _, s := range rep.Runs {
		r := s.Run
		p := r.Header.Protocol
		if p == nil {
			unknown = true
			t.AddRow(r.Name, setDesc(r.Header), "not recorded", "not recorded", plural(r.Header.Steps, "step"), "not recorded", "not recorded", "not recorded")
			continue
		}
		views, ids := "1 (the puzzle)", "–"
		if r.Header.TaskKind == "arc" {
			views, ids = viewsDesc(r.Header), idsDesc(r.Header)
		} else if p.PuzzleIDs != results.IDsNone {
			ids = idsDesc(r.Header)
		}
		halting := "every step"
		if p.EarlyHalt {
			halting = "early (q_halt > 0)"
		}
		set := setDesc(r.Header)
		if r.Header.Subset != "" {
			set += ", SUBSET " + r.Header.Subset
		}
		t.AddRow(r.Name, set, views, ids, stepsDesc(r.Header), halting, p.Precision, p.Scoring)
	}
	if unknown {
		t.Notes = append(t.Notes, "not recorded: the run file holds no protocol (written before arceval recorded it); report --paper never places such a run beside the paper.")
	}
	return t
}

func (s *RunSummary) fullTestTable(lv string) *Table {
	t := &Table{
		Title:  fmt.Sprintf("Sudoku-Extreme full-test estimate — %s: rating buckets weighted by the official test histogram (422,786 puzzles)", s.Run.Name),
		Header: []string{"bucket", "test share", "puzzles", "solved", "accuracy", lv + " CI"},
		Align:  []Align{Left, Right, Right, Right, Right, Left},
	}
	for _, b := range s.Buckets {
		acc := "—"
		if b.N > 0 {
			acc = pct(b.Acc.Value)
		}
		t.AddRow(b.Label, pct(b.TestShare), strconv.Itoa(b.N), strconv.Itoa(b.Solved), acc, ci(b.Acc))
	}
	if s.FullTest != nil {
		t.AddRow("full test", "100.00%", "", "", pct(s.FullTest.Value), ci(s.FullTest.Estimate))
		t.Notes = append(t.Notes, fmt.Sprintf("Sample mean %s is not the full-test accuracy: the sample has equal puzzles per bucket. Estimate interval: Wilson at the stratified effective sample size (stats.Stratified).", pct(s.Run.Summary.Exact)))
	}
	if s.FullTestGap != "" {
		t.Notes = append(t.Notes, s.FullTestGap)
	}
	return t
}

// Write prints the report in format f (text, markdown, csv or json).
func (rep *Report) Write(w io.Writer, f Format) error {
	switch f {
	case JSON:
		return writeJSON(w, rep.jsonValue())
	case CSV:
		return rep.csvTable().Write(w, CSV)
	}
	return writeTables(w, rep.Tables(), f)
}

func writeTables(w io.Writer, tables []*Table, f Format) error {
	for i, t := range tables {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := t.Write(w, f); err != nil {
			return err
		}
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// num formats a number for CSV: 12 significant digits (no last-bit noise
// of summation), empty for NaN.
func num(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', 12, 64)
}

// csvTable is the machine-readable report: one row per run, proportions in
// [0, 1] at full precision.
func (rep *Report) csvTable() *Table {
	t := &Table{Header: []string{"run", "path", "model_kind", "method", "model_sha256", "set", "task_kind", "subset",
		"views", "steps", "tasks", "test_inputs", "missing", "metric", "value", "ci_lo", "ci_hi", "ci_method",
		"micro", "all_or_nothing", "cell_accuracy", "pass_at_1", "pass_at_2", "full_test_estimate", "full_test_lo", "full_test_hi",
		"mean_steps", "seconds_per_item", "cpu_seconds", "cpu_seconds_per_task", "cost", "cost_per_task",
		"benchmark", "set_id", "set_hash", "view_source", "build_views", "puzzle_ids", "train_depth", "early_halt", "precision", "scoring", "protocol"}}
	for _, s := range rep.Runs {
		r, sm := s.Run, s.Run.Summary
		row := []string{r.Name, r.Path, r.Header.ModelKind, r.Method(), r.Header.ModelSHA256, r.Header.Set, r.Header.TaskKind, r.Header.Subset,
			strconv.Itoa(r.Header.Views), strconv.Itoa(r.Header.Steps), strconv.Itoa(sm.Tasks), strconv.Itoa(sm.TestInputs), strconv.Itoa(sm.Missing),
			s.Headline.Name, num(s.Headline.Value), num(s.Headline.Lo), num(s.Headline.Hi), s.Headline.Method}
		if r.Header.TaskKind == "arc" {
			row = append(row, num(sm.Micro), num(sm.AllOrNothing), "", num(sm.PassK[1]), num(sm.PassK[2]))
		} else {
			row = append(row, "", "", num(sm.CellAccuracy), "", "")
		}
		if s.FullTest != nil {
			row = append(row, num(s.FullTest.Value), num(s.FullTest.Lo), num(s.FullTest.Hi))
		} else {
			row = append(row, "", "", "")
		}
		spi := ""
		if sm.Items > 0 {
			spi = num(sm.Seconds / float64(sm.Items))
		}
		row = append(row, num(sm.MeanSteps), spi)
		cpu, cpuTask, cost, costTask := "", "", "", ""
		if sm.CPUSeconds > 0 {
			cpu, cpuTask = num(sm.CPUSeconds), num(sm.CPUPerTask())
			if price := rep.Options.PricePerCPUHour; price > 0 {
				cost, costTask = num(results.Cost(sm.CPUSeconds, price)), num(results.Cost(sm.CPUPerTask(), price))
			}
		}
		row = append(row, cpu, cpuTask, cost, costTask)
		if p := r.Header.Protocol; p != nil {
			row = append(row, p.Benchmark, p.SetID, p.SetHash, p.ViewSource, strconv.Itoa(p.BuildViews), p.PuzzleIDs, strconv.Itoa(p.TrainDepth),
				strconv.FormatBool(p.EarlyHalt), p.Precision, p.Scoring)
		} else {
			row = append(row, "", "", "", "", "", "", "", "", "", "")
		}
		row = append(row, r.Protocol())
		t.AddRow(row...)
	}
	return t
}

// jsonEstimate is an Estimate in JSON (no NaN: the interval is omitted).
type jsonEstimate struct {
	Name   string   `json:"metric,omitempty"`
	Value  float64  `json:"value"`
	Lo     *float64 `json:"ci_lo,omitempty"`
	Hi     *float64 `json:"ci_hi,omitempty"`
	Method string   `json:"ci_method,omitempty"`
}

func toJSON(name string, e Estimate) jsonEstimate {
	j := jsonEstimate{Name: name, Value: e.Value, Method: e.Method}
	if math.IsNaN(e.Value) {
		j.Value = 0
	}
	if e.HasCI() {
		lo, hi := e.Lo, e.Hi
		j.Lo, j.Hi = &lo, &hi
	}
	return j
}

func metricsJSON(ms []Metric) []jsonEstimate {
	var out []jsonEstimate
	for _, m := range ms {
		out = append(out, toJSON(m.Name, m.Estimate))
	}
	return out
}

type jsonBucket struct {
	Label     string       `json:"bucket"`
	Lo        int          `json:"rating_lo"`
	Hi        *int         `json:"rating_hi,omitempty"`
	TestShare float64      `json:"test_share,omitempty"`
	N         int          `json:"n"`
	Solved    int          `json:"solved"`
	Acc       jsonEstimate `json:"accuracy"`
}

type jsonRun struct {
	Name         string                  `json:"run"`
	Path         string                  `json:"path"`
	ModelKind    string                  `json:"model_kind"`
	Method       string                  `json:"method"`
	ModelSHA256  string                  `json:"model_sha256"`
	Set          string                  `json:"set"`
	TaskKind     string                  `json:"task_kind"`
	Benchmark    string                  `json:"benchmark,omitempty"`
	Subset       string                  `json:"subset,omitempty"`
	Views        int                     `json:"views"`
	Steps        int                     `json:"steps"`
	Protocol     string                  `json:"protocol"`
	Record       *results.Protocol       `json:"protocol_record,omitempty"`
	Tasks        int                     `json:"tasks"`
	TestInputs   int                     `json:"test_inputs"`
	Items        int                     `json:"items"`
	Missing      int                     `json:"missing"`
	Empty        int                     `json:"empty"`
	Headline     jsonEstimate            `json:"headline"`
	Secondary    []jsonEstimate          `json:"secondary"`
	PassK        []jsonEstimate          `json:"pass_at_k,omitempty"`
	StepAccuracy []float64               `json:"step_accuracy,omitempty"`
	MeanSteps    float64                 `json:"mean_steps"`
	Seconds      float64                 `json:"seconds"`
	CPUSeconds   float64                 `json:"cpu_seconds,omitempty"`
	CPUPerTask   float64                 `json:"cpu_seconds_per_task,omitempty"`
	Cost         *float64                `json:"cost,omitempty"`
	CostPerTask  *float64                `json:"cost_per_task,omitempty"`
	Buckets      []jsonBucket            `json:"buckets,omitempty"`
	FullTest     *jsonEstimate           `json:"full_test_estimate,omitempty"`
	FullTestNote string                  `json:"full_test_note,omitempty"`
	HaltFrontier []results.FrontierPoint `json:"halt_frontier,omitempty"`
}

func (rep *Report) jsonValue() any {
	var runs []jsonRun
	for _, s := range rep.Runs {
		r, sm := s.Run, s.Run.Summary
		j := jsonRun{
			Name: r.Name, Path: r.Path, ModelKind: r.Header.ModelKind, Method: r.Method(), ModelSHA256: r.Header.ModelSHA256,
			Set: r.Header.Set, TaskKind: r.Header.TaskKind, Benchmark: r.Benchmark(), Subset: r.Header.Subset,
			Views: r.Header.Views, Steps: r.Header.Steps, Protocol: r.Protocol(), Record: r.Header.Protocol,
			Tasks: sm.Tasks, TestInputs: sm.TestInputs, Items: sm.Items, Missing: sm.Missing, Empty: sm.Empty,
			Headline: toJSON(s.Headline.Name, s.Headline.Estimate), Secondary: metricsJSON(s.Secondary), PassK: metricsJSON(s.PassK),
			StepAccuracy: sm.StepAccuracy, MeanSteps: sm.MeanSteps, Seconds: sm.Seconds, FullTestNote: s.FullTestGap,
			HaltFrontier: s.Frontier, CPUSeconds: sm.CPUSeconds, CPUPerTask: sm.CPUPerTask(),
		}
		if price := rep.Options.PricePerCPUHour; price > 0 && sm.CPUSeconds > 0 {
			cost, perTask := results.Cost(sm.CPUSeconds, price), results.Cost(sm.CPUPerTask(), price)
			j.Cost, j.CostPerTask = &cost, &perTask
		}
		for _, b := range s.Buckets {
			jb := jsonBucket{Label: b.Label, Lo: b.Lo, TestShare: b.TestShare, N: b.N, Solved: b.Solved, Acc: toJSON("", b.Acc)}
			if b.Hi >= 0 {
				hi := b.Hi
				jb.Hi = &hi
			}
			j.Buckets = append(j.Buckets, jb)
		}
		if s.FullTest != nil {
			e := toJSON("", s.FullTest.Estimate)
			j.FullTest = &e
		}
		runs = append(runs, j)
	}
	return struct {
		Level     float64   `json:"level"`
		Resamples int       `json:"resamples"`
		Seed      uint64    `json:"seed"`
		Price     float64   `json:"price_per_cpu_hour,omitempty"`
		Runs      []jsonRun `json:"runs"`
	}{rep.Options.Level, rep.Options.Resamples, rep.Options.Seed, rep.Options.PricePerCPUHour, runs}
}
