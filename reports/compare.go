package reports

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	mstats "github.com/montanaflynn/stats"

	"arceval/reports/stats"
	"arceval/results"
)

// itemBootstrapBudget caps resamples × items for bootstraps over items (Sudoku
// with several seeds, cell accuracy), so 423k puzzles stay fast.
const itemBootstrapBudget = 50_000_000

// Comparison is run B against run A, paired on the test inputs every run
// holds. Either side may be several runs of one configuration (training or
// evaluation seeds): each side's metric is then the mean over its runs, shown
// with the standard deviation across them, and the test is on the
// seed-averaged per-item (per-task) scores.
type Comparison struct {
	Options  Options
	A, B     []*Run
	Kind     string
	Set      string
	Shared   int // test inputs in every run
	Tasks    int // tasks with a shared test input
	Rows     []CompareRow
	Flips    []Flip
	Warnings []string
}

// CompareRow is one metric of a comparison.
type CompareRow struct {
	Metric string
	A, B   Estimate // single run: value and sampling CI; several: mean over runs
	ASD    float64  // sd across A's runs (NaN for one run)
	BSD    float64
	Delta  Estimate // B − A with its CI (NaN when the test gives none)
	P      float64  // two-sided p-value
	Test   string   // "McNemar exact", "paired bootstrap over tasks", …
	N      int
	Unit   string // "tasks", "inputs", "puzzles"
	Sig    bool   // P < Alpha
}

// Flip is a test input whose outcome differs between the sides.
type Flip struct {
	Key    string
	ASolve int // runs of A that solved it
	BSolve int
	ARuns  int
	BRuns  int
}

// Gained reports whether B solves the input more often than A.
func (f Flip) Gained() bool { return f.BSolve*f.ARuns > f.ASolve*f.BRuns }

// sameSet reports whether two runs measured the same set: the same name,
// or the same content digest recorded in their protocols (e.g. a raw set
// and the official build's test split made from it).
func sameSet(a, b results.Header) bool {
	if a.TaskKind != b.TaskKind {
		return false
	}
	if a.Set == b.Set {
		return true
	}
	return a.Protocol != nil && b.Protocol != nil && a.Protocol.SetHash != "" && a.Protocol.SetHash == b.Protocol.SetHash
}

type sharedItem struct {
	key, task string
	a, b      []results.Item // one per run of the side
}

// Compare pairs the runs of B with those of A on their shared test inputs.
// All runs must be on the same set.
func Compare(a, b []*Run, o Options) (*Comparison, error) {
	o = o.withDefaults()
	if len(a) == 0 || len(b) == 0 {
		return nil, fmt.Errorf("compare: need at least one run on each side")
	}
	all := append(slices.Clone(a), b...)
	h0 := all[0].Header
	c := &Comparison{Options: o, A: a, B: b, Kind: h0.TaskKind, Set: h0.Set}
	for _, r := range all[1:] {
		if !sameSet(h0, r.Header) {
			return nil, fmt.Errorf("compare: %s is on %s (%s), %s on %s (%s): runs must be on the same set", all[0].Path, h0.Set, h0.TaskKind, r.Path, r.Header.Set, r.Header.TaskKind)
		}
		if r.Header.Set == h0.Set && r.Header.Fingerprint != h0.Fingerprint && r.Header.Fingerprint != "" && h0.Fingerprint != "" {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s and %s: data fingerprints differ (%s, %s): the set's files changed between the runs", all[0].Path, r.Path, h0.Fingerprint, r.Header.Fingerprint))
		}
	}
	for _, r := range all {
		c.Warnings = append(c.Warnings, r.Warnings...)
	}
	items, err := c.pair()
	if err != nil {
		return nil, err
	}
	c.Shared = len(items)
	if c.Shared == 0 {
		return nil, fmt.Errorf("compare: the runs share no test input")
	}
	if c.Kind == "arc" {
		err = c.arcRows(items)
	} else {
		err = c.boardRows(items)
	}
	if err != nil {
		return nil, err
	}
	for i := range c.Rows {
		c.Rows[i].Sig = c.Rows[i].P < o.Alpha
	}
	for _, it := range items {
		f := Flip{Key: it.key, ARuns: len(a), BRuns: len(b)}
		for _, x := range it.a {
			f.ASolve += b2i(x.Solved())
		}
		for _, x := range it.b {
			f.BSolve += b2i(x.Solved())
		}
		if f.ASolve*f.BRuns != f.BSolve*f.ARuns {
			c.Flips = append(c.Flips, f)
		}
	}
	return c, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pair returns the test inputs present in every run, sorted by task and test
// index, and warns about the others.
func (c *Comparison) pair() ([]sharedItem, error) {
	all := append(slices.Clone(c.A), c.B...)
	index := make([]map[string]results.Item, len(all))
	count := map[string]int{}
	for i, r := range all {
		index[i] = map[string]results.Item{}
		for _, it := range r.Items {
			index[i][it.Key()] = it
			count[it.Key()]++
		}
	}
	var keys []string
	for k, n := range count {
		if n == len(all) {
			keys = append(keys, k)
		}
	}
	for _, r := range all {
		if extra := len(r.Items) - len(keys); extra > 0 {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: %d test input(s) not in every run, left out of the comparison", r.Path, extra))
		}
	}
	var out []sharedItem
	for _, k := range keys {
		si := sharedItem{key: k}
		for i := range all {
			it := index[i][k]
			si.task = it.TaskID
			if i < len(c.A) {
				si.a = append(si.a, it)
			} else {
				si.b = append(si.b, it)
			}
			if first := index[0][k]; it.Tests != first.Tests {
				return nil, fmt.Errorf("compare: test input %s: %d test inputs in its task in %s, %d in %s", k, first.Tests, all[0].Path, it.Tests, all[i].Path)
			}
		}
		out = append(out, si)
	}
	slices.SortFunc(out, func(x, y sharedItem) int { return compareItems(x.a[0], y.a[0]) })
	return out, nil
}

// seedStats returns the mean and the sample sd (NaN for one value, where it
// is undefined) of per-run values, e.g. the accuracies of several seeds.
func seedStats(vals []float64) (float64, float64) {
	m, err := mstats.Mean(vals)
	if err != nil {
		return math.NaN(), math.NaN()
	}
	sd, err := mstats.StandardDeviationSample(vals)
	if err != nil {
		sd = math.NaN()
	}
	return m, sd
}

// groupTasks returns, per task (sorted), the indices of its shared items.
func groupTasks(items []sharedItem) [][]int {
	var out [][]int
	for i, it := range items {
		if i == 0 || it.task != items[i-1].task {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], i)
	}
	return out
}

// taskMetric builds the paired task results of a per-item predicate. Each
// side's task score is its mean over runs: Solved is summed over the side's
// runs and scaled by the other side's run count, over a common Total.
func (c *Comparison) taskMetric(items []sharedItem, tasks [][]int, ok func(results.Item) bool, allOrNothing bool) (a, b []stats.TaskResult, perA, perB []float64) {
	ka, kb := len(c.A), len(c.B)
	perA, perB = make([]float64, ka), make([]float64, kb)
	for _, idx := range tasks {
		sa, sb := 0, 0
		total := len(idx)
		if allOrNothing {
			total = 1
		}
		side := func(runs int, get func(si sharedItem) []results.Item, per []float64) int {
			sum := 0
			for r := range runs {
				solved := 0
				for _, i := range idx {
					solved += b2i(ok(get(items[i])[r]))
				}
				if allOrNothing {
					solved = b2i(solved == len(idx))
				}
				sum += solved
				per[r] += float64(solved) / float64(total)
			}
			return sum
		}
		sa = side(ka, func(si sharedItem) []results.Item { return si.a }, perA)
		sb = side(kb, func(si sharedItem) []results.Item { return si.b }, perB)
		a = append(a, stats.TaskResult{Solved: sa * kb, Total: total * ka * kb})
		b = append(b, stats.TaskResult{Solved: sb * ka, Total: total * ka * kb})
	}
	for r := range perA {
		perA[r] /= float64(len(tasks))
	}
	for r := range perB {
		perB[r] /= float64(len(tasks))
	}
	return a, b, perA, perB
}

// bootRow compares paired task (or item) results with the paired bootstrap.
func (c *Comparison) bootRow(name, unit string, a, b []stats.TaskResult, perA, perB []float64, itemLevel bool) (CompareRow, error) {
	o := c.Options.boot()
	test := "paired bootstrap over " + unit
	if itemLevel && o.Resamples*len(a) > itemBootstrapBudget {
		o.Resamples = max(1000, itemBootstrapBudget/len(a))
		test += fmt.Sprintf(" (%d resamples)", o.Resamples)
	}
	cmp, err := stats.BootstrapPaired(a, b, o)
	if err != nil {
		return CompareRow{}, fmt.Errorf("compare: %s: %w", name, err)
	}
	row := CompareRow{Metric: name, Test: test, N: len(a), Unit: unit, P: cmp.P,
		Delta: Estimate{Value: cmp.Delta.Value, Lo: cmp.Delta.CI.Lo, Hi: cmp.Delta.CI.Hi, Method: "bootstrap"}}
	row.A, row.ASD = c.sideEstimate(a, perA, o)
	row.B, row.BSD = c.sideEstimate(b, perB, o)
	return row, nil
}

// sideEstimate is one side's value: with one run, its bootstrap CI; with
// several, the mean over runs and their sd.
func (c *Comparison) sideEstimate(t []stats.TaskResult, per []float64, o stats.BootstrapOptions) (Estimate, float64) {
	if len(per) > 1 {
		m, sd := seedStats(per)
		return pointOnly(m), sd
	}
	e, err := stats.BootstrapTaskMacro(t, o)
	if err != nil {
		return pointOnly(per[0]), math.NaN()
	}
	return Estimate{Value: e.Value, Lo: e.CI.Lo, Hi: e.CI.Hi, Method: "bootstrap"}, math.NaN()
}

// mcnemarRow compares one run per side on n paired binary outcomes: exact
// McNemar p-value, Tango's score interval for the difference, Wilson for
// each side.
func (c *Comparison) mcnemarRow(name, unit string, a, b []bool) (CompareRow, error) {
	n, ka, kb, disAB, disBA := len(a), 0, 0, 0, 0
	for i := range a {
		ka += b2i(a[i])
		kb += b2i(b[i])
		if a[i] && !b[i] {
			disAB++
		}
		if !a[i] && b[i] {
			disBA++
		}
	}
	p, err := stats.McNemarExact(disAB, disBA)
	if err != nil {
		return CompareRow{}, err
	}
	alpha := (1 - c.Options.Level) / 2
	// Tango's interval for B − A: its lower end is the one-sided lower bound
	// of the "drop" of A relative to B, the upper end minus that of B vs A.
	lo, err := stats.DropCheck{Alpha: alpha}.Items(n, disBA, disAB)
	if err != nil {
		return CompareRow{}, err
	}
	hi, _ := stats.DropCheck{Alpha: alpha}.Items(n, disAB, disBA)
	wil := func(k int) Estimate {
		iv, _ := stats.Wilson(k, n, c.Options.Level)
		return Estimate{Value: float64(k) / float64(n), Lo: iv.Lo, Hi: iv.Hi, Method: "wilson"}
	}
	return CompareRow{Metric: name, A: wil(ka), B: wil(kb), ASD: math.NaN(), BSD: math.NaN(),
		Delta: Estimate{Value: float64(disBA-disAB) / float64(n), Lo: lo.DropLo, Hi: -hi.DropLo, Method: "tango"},
		P:     p, Test: fmt.Sprintf("McNemar exact (%d vs %d discordant)", disAB, disBA), N: n, Unit: unit}, nil
}

// singletons groups n items one per group (item-level metrics).
func singletons(n int) [][]int {
	out := make([][]int, n)
	for i := range out {
		out[i] = []int{i}
	}
	return out
}

// solvedOnce returns whether the single run of each side solved each item.
func solvedOnce(items []sharedItem) (a, b []bool) {
	a, b = make([]bool, len(items)), make([]bool, len(items))
	for i, it := range items {
		a[i], b[i] = it.a[0].Solved(), it.b[0].Solved()
	}
	return a, b
}

func (c *Comparison) single() bool { return len(c.A) == 1 && len(c.B) == 1 }

func (c *Comparison) arcRows(items []sharedItem) error {
	tasks := groupTasks(items)
	c.Tasks = len(tasks)
	solved := func(it results.Item) bool { return it.Solved() }
	a, b, pa, pb := c.taskMetric(items, tasks, solved, false)
	row, err := c.bootRow("task-macro", "tasks", a, b, pa, pb, false)
	if err != nil {
		return err
	}
	c.Rows = append(c.Rows, row)
	if c.single() {
		xa, xb := solvedOnce(items)
		var ta, tb []bool
		for _, idx := range tasks {
			allA, allB := true, true
			for _, i := range idx {
				allA = allA && xa[i]
				allB = allB && xb[i]
			}
			ta, tb = append(ta, allA), append(tb, allB)
		}
		// Micro pairs inputs, which cluster by task: the McNemar p-value is
		// then optimistic on sets with many multi-input tasks; the task-level
		// rows are the reliable ones.
		row, err := c.mcnemarRow("micro", "inputs", xa, xb)
		if err != nil {
			return err
		}
		c.Rows = append(c.Rows, row)
		if row, err = c.mcnemarRow("all-or-nothing", "tasks", ta, tb); err != nil {
			return err
		}
		c.Rows = append(c.Rows, row)
	} else {
		a, b, pa, pb := c.taskMetric(items, singletons(len(items)), solved, false)
		row, err := c.bootRow("micro", "inputs", a, b, pa, pb, true)
		if err != nil {
			return err
		}
		c.Rows = append(c.Rows, row)
		a, b, pa, pb = c.taskMetric(items, tasks, solved, true)
		if row, err = c.bootRow("all-or-nothing", "tasks", a, b, pa, pb, false); err != nil {
			return err
		}
		c.Rows = append(c.Rows, row)
	}
	a, b, pa, pb = c.taskMetric(items, tasks, func(it results.Item) bool { return it.PassAt(1) }, false)
	if row, err = c.bootRow("pass@1", "tasks", a, b, pa, pb, false); err != nil {
		return err
	}
	c.Rows = append(c.Rows, row)
	return nil
}

func (c *Comparison) boardRows(items []sharedItem) error {
	c.Tasks = len(items)
	unit := "puzzles"
	if c.single() {
		xa, xb := solvedOnce(items)
		row, err := c.mcnemarRow("exact", unit, xa, xb)
		if err != nil {
			return err
		}
		c.Rows = append(c.Rows, row)
	} else {
		a, b, pa, pb := c.taskMetric(items, singletons(len(items)), func(it results.Item) bool { return it.Solved() }, false)
		row, err := c.bootRow("exact", unit, a, b, pa, pb, true)
		if err != nil {
			return err
		}
		c.Rows = append(c.Rows, row)
	}
	// Cell accuracy: per puzzle, correct cells over cells, summed over each
	// side's runs on a common denominator.
	ka, kb := len(c.A), len(c.B)
	var a, b []stats.TaskResult
	pa, pb := make([]float64, ka), make([]float64, kb)
	var cellsA, cellsB = make([]int, ka), make([]int, kb)
	totalCells := 0
	for _, it := range items {
		sa, sb, total := 0, 0, -1
		for r, x := range it.a {
			if x.Cells == nil || x.Cells.Total <= 0 || (total >= 0 && x.Cells.Total != total) {
				return nil // no comparable cell counts: the row is left out
			}
			total = x.Cells.Total
			sa += x.Cells.Correct
			cellsA[r] += x.Cells.Correct
		}
		for r, x := range it.b {
			if x.Cells == nil || x.Cells.Total != total {
				return nil
			}
			sb += x.Cells.Correct
			cellsB[r] += x.Cells.Correct
		}
		totalCells += total
		a = append(a, stats.TaskResult{Solved: sa * kb, Total: total * ka * kb})
		b = append(b, stats.TaskResult{Solved: sb * ka, Total: total * ka * kb})
	}
	for r := range pa {
		pa[r] = float64(cellsA[r]) / float64(totalCells)
	}
	for r := range pb {
		pb[r] = float64(cellsB[r]) / float64(totalCells)
	}
	row, err := c.bootRow("cells", unit, a, b, pa, pb, true)
	if err != nil {
		return err
	}
	c.Rows = append(c.Rows, row)
	return nil
}

// --- output ---

// pts formats a difference of proportions in signed points ("+2.80").
func pts(v float64) string {
	s := fmt.Sprintf("%+.2f", 100*v)
	if s == "-0.00" {
		return "+0.00"
	}
	return s
}

func pval(p float64) string {
	switch {
	case p >= 0.001:
		return strconv.FormatFloat(p, 'f', 3, 64)
	case p == 0:
		return "0"
	}
	return strconv.FormatFloat(p, 'e', 1, 64)
}

func (c *Comparison) side(e Estimate, sd float64, runs int) string {
	if runs > 1 {
		return fmt.Sprintf("%s ± %.2f sd", pct(e.Value), 100*sd)
	}
	return withCI(e)
}

func sideName(runs []*Run) string {
	if len(runs) == 1 {
		return runs[0].Name
	}
	return fmt.Sprintf("%s +%d", runs[0].Name, len(runs)-1)
}

// Table is the comparison as a benchstat-style table: per metric, A, B, the
// delta in points with its CI, or "~" when not significant at Alpha, and the
// p-value with the number of paired units.
func (c *Comparison) Table() *Table {
	lv := levelPct(c.Options.Level)
	t := &Table{
		Title:  fmt.Sprintf("%s: %d shared test inputs (%d %s)", c.Set, c.Shared, c.Tasks, map[bool]string{true: "tasks", false: "puzzles"}[c.Kind == "arc"]),
		Header: []string{"metric", "A: " + sideName(c.A), "B: " + sideName(c.B), "delta (pts)", "p"},
		Align:  []Align{Left, Right, Right, Right, Left},
		Banner: subsetBanners(append(slices.Clone(c.A), c.B...)),
	}
	for _, r := range c.Rows {
		d := "~"
		if r.Sig {
			d = pts(r.Delta.Value)
			if r.Delta.HasCI() {
				d += fmt.Sprintf(" [%s, %s]", pts(r.Delta.Lo), pts(r.Delta.Hi))
			}
		}
		t.AddRow(r.Metric, c.side(r.A, r.ASD, len(c.A)), c.side(r.B, r.BSD, len(c.B)), d, fmt.Sprintf("(p=%s n=%d)", pval(r.P), r.N))
	}
	var tests []string
	for _, r := range c.Rows {
		tests = append(tests, r.Metric+": "+r.Test)
	}
	t.Notes = append(t.Notes, fmt.Sprintf("~: not significant at α = %s. Tests — %s.", strconv.FormatFloat(c.Options.Alpha, 'f', -1, 64), strings.Join(tests, "; ")))
	if c.single() {
		t.Notes = append(t.Notes, fmt.Sprintf("A and B: %s sampling CIs; delta: %s CI of B − A.", lv, lv))
	} else {
		t.Notes = append(t.Notes, fmt.Sprintf("A: %d run(s), B: %d run(s): mean ± sd across runs (seeds); delta CI and p: sampling uncertainty of the run-averaged scores (%s), the spread across seeds not included.", len(c.A), len(c.B), lv))
	}
	if c.Kind == "arc" && c.single() {
		t.Notes = append(t.Notes, "micro pairs test inputs, which cluster by task: trust the task-level rows when they disagree.")
	}
	return t
}

// FlipsTable lists the test inputs whose outcome changed.
func (c *Comparison) FlipsTable() *Table {
	t := &Table{
		Title:  fmt.Sprintf("flips: %d test input(s) changed", len(c.Flips)),
		Header: []string{"test input", "A solved", "B solved", "change"},
		Align:  []Align{Left, Right, Right, Left},
	}
	lost, gained := 0, 0
	for _, pass := range []bool{false, true} { // lost first, then gained
		for _, f := range c.Flips {
			if f.Gained() != pass {
				continue
			}
			ch := "lost (A right, B wrong)"
			if pass {
				ch = "gained (A wrong, B right)"
				gained++
			} else {
				lost++
			}
			t.AddRow(f.Key, fmt.Sprintf("%d/%d", f.ASolve, f.ARuns), fmt.Sprintf("%d/%d", f.BSolve, f.BRuns), ch)
		}
	}
	t.Notes = []string{fmt.Sprintf("%d lost, %d gained.", lost, gained)}
	return t
}

// Write prints the comparison; with flips, the per-input changes follow (in
// CSV, only the flips are written).
func (c *Comparison) Write(w io.Writer, f Format, flips bool) error {
	switch f {
	case JSON:
		return writeJSON(w, c.jsonValue(flips))
	case CSV:
		if flips {
			t := c.FlipsTable()
			return t.Write(w, CSV)
		}
		return c.csvTable().Write(w, CSV)
	}
	tables := []*Table{c.Table()}
	if flips {
		tables = append(tables, c.FlipsTable())
	}
	return writeTables(w, tables, f)
}

func (c *Comparison) csvTable() *Table {
	t := &Table{Header: []string{"set", "metric", "a_runs", "a", "a_lo", "a_hi", "a_sd", "b_runs", "b", "b_lo", "b_hi", "b_sd",
		"delta", "delta_lo", "delta_hi", "p", "significant", "test", "n", "unit"}}
	for _, r := range c.Rows {
		t.AddRow(c.Set, r.Metric, strconv.Itoa(len(c.A)), num(r.A.Value), num(r.A.Lo), num(r.A.Hi), num(r.ASD),
			strconv.Itoa(len(c.B)), num(r.B.Value), num(r.B.Lo), num(r.B.Hi), num(r.BSD),
			num(r.Delta.Value), num(r.Delta.Lo), num(r.Delta.Hi), num(r.P), strconv.FormatBool(r.Sig), r.Test, strconv.Itoa(r.N), r.Unit)
	}
	return t
}

func optNum(v float64) *float64 {
	if math.IsNaN(v) {
		return nil
	}
	return &v
}

func (c *Comparison) jsonValue(flips bool) any {
	type side struct {
		Value float64  `json:"value"`
		Lo    *float64 `json:"ci_lo,omitempty"`
		Hi    *float64 `json:"ci_hi,omitempty"`
		SD    *float64 `json:"sd,omitempty"`
	}
	type row struct {
		Metric string   `json:"metric"`
		A      side     `json:"a"`
		B      side     `json:"b"`
		Delta  float64  `json:"delta"`
		Lo     *float64 `json:"delta_lo,omitempty"`
		Hi     *float64 `json:"delta_hi,omitempty"`
		P      float64  `json:"p"`
		Sig    bool     `json:"significant"`
		Test   string   `json:"test"`
		N      int      `json:"n"`
		Unit   string   `json:"unit"`
	}
	type flip struct {
		Key    string `json:"test_input"`
		A      int    `json:"a_solved"`
		B      int    `json:"b_solved"`
		Gained bool   `json:"gained"`
	}
	paths := func(rs []*Run) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Path)
		}
		return out
	}
	var rows []row
	for _, r := range c.Rows {
		rows = append(rows, row{r.Metric, side{r.A.Value, optNum(r.A.Lo), optNum(r.A.Hi), optNum(r.ASD)},
			side{r.B.Value, optNum(r.B.Lo), optNum(r.B.Hi), optNum(r.BSD)},
			r.Delta.Value, optNum(r.Delta.Lo), optNum(r.Delta.Hi), r.P, r.Sig, r.Test, r.N, r.Unit})
	}
	out := struct {
		Set    string   `json:"set"`
		Kind   string   `json:"task_kind"`
		A      []string `json:"a"`
		B      []string `json:"b"`
		Shared int      `json:"shared_test_inputs"`
		Tasks  int      `json:"tasks"`
		Level  float64  `json:"level"`
		Alpha  float64  `json:"alpha"`
		Rows   []row    `json:"metrics"`
		Flips  []flip   `json:"flips,omitempty"`
	}{c.Set, c.Kind, paths(c.A), paths(c.B), c.Shared, c.Tasks, c.Options.Level, c.Options.Alpha, rows, nil}
	if flips {
		out.Flips = []flip{}
		for _, f := range c.Flips {
			out.Flips = append(out.Flips, flip{f.Key, f.ASolve, f.BSolve, f.Gained()})
		}
	}
	return out
}
