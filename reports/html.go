package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"arceval/results"
)

//go:embed report.html.tmpl
var htmlTemplate string

var htmlTmpl = template.Must(template.New("report").Parse(htmlTemplate))

// PairGrids are the input and expected output of one ARC test input, loaded
// from the set named in a run's header (run records hold only the attempts).
type PairGrids struct {
	Input, Expected [][]int
}

// HTMLOptions configures WriteHTML.
type HTMLOptions struct {
	Title string
	// Gallery is the number of ARC test inputs drawn per run (0: 12; <0: none).
	Gallery int
	// Grids holds, per set name and item key ("task#test"), the grids the
	// gallery draws beside the attempts; a set missing here is drawn with
	// its attempts only.
	Grids map[string]map[string]PairGrids
	// GridsNote explains missing grids (e.g. "data root not found").
	GridsNote string
	// Paper adds the paper tables.
	Paper *PaperReport
	// TaskViews adds, per ARC run, an index of its tasks, each linked to an
	// anchor holding the task's view (the panels of `arceval show`); the
	// gallery links there too.
	TaskViews bool
}

type htmlTable struct {
	Title  string
	Header []htmlCell
	Rows   []htmlRow
	Banner []string
	Notes  []string
}

type htmlCell struct {
	Text  string
	Right bool
	Wrap  bool // long text: may wrap
}

// htmlRow is a row of cells, or a group heading spanning the table (a
// one-cell row of a wider table, as the paper's row groups).
type htmlRow struct {
	Group string
	Span  int
	Cells []htmlCell
}

func toHTMLTable(t *Table) htmlTable {
	h := htmlTable{Title: t.Title, Banner: t.Banner, Notes: t.Notes}
	right := func(i int) bool { return i < len(t.Align) && t.Align[i] == Right }
	for i, c := range t.Header {
		h.Header = append(h.Header, htmlCell{Text: c, Right: right(i)})
	}
	for _, row := range t.Rows {
		if len(row) == 1 && len(t.Header) > 1 {
			h.Rows = append(h.Rows, htmlRow{Group: row[0], Span: len(t.Header)})
			continue
		}
		var r htmlRow
		for i, c := range row {
			c = strings.TrimSpace(c)
			r.Cells = append(r.Cells, htmlCell{c, right(i), len([]rune(c)) > 48})
		}
		h.Rows = append(h.Rows, r)
	}
	return h
}

type htmlFigure struct {
	ID, Title string
	SVG       template.HTML
	Caption   string
}

type htmlGrid struct {
	Label string
	SVG   template.HTML
	Mark  string // "✓", "✗" or ""
}

type htmlGalleryItem struct {
	Key    string
	Status string // solved / unsolved
	Href   string // the task view's anchor ("" without task views)
	Grids  []htmlGrid
}

// htmlTasks is one ARC run's task index and task views.
type htmlTasks struct {
	Run   string
	Set   string
	Note  string
	Links []htmlTaskLink
	Views []htmlTaskView
}

type htmlTaskLink struct {
	Href, Task, Score, Status string
}

// htmlTaskView is a TaskView in HTML, shown when its anchor is the target.
type htmlTaskView struct {
	ID, Task, Summary string
	Inputs            []htmlTestView
}

type htmlTestView struct {
	Title string
	Grids []htmlGrid
}

type htmlGallery struct {
	Run   string
	Set   string
	Note  string
	Items []htmlGalleryItem
}

type htmlPage struct {
	Title      string
	Subtitle   string
	Banners    []string
	Tables     []htmlTable
	Paper      []htmlTable
	Figures    []htmlFigure
	Galleries  []htmlGallery
	Tasks      []htmlTasks
	Provenance htmlTable
}

// WriteHTML writes the report as one self-contained HTML page: the tables,
// SVG plots (accuracy vs supervision step; pass@K and, when runs differ only
// in their number of views, accuracy vs views for ARC; halting calibration;
// accuracy by Sudoku rating bucket or maze path length) and, for ARC, a
// gallery of test inputs in the ARC palette. No scripts and no external
// resources (a Content-Security-Policy forbids them); the output depends
// only on the inputs.
func WriteHTML(w io.Writer, rep *Report, o HTMLOptions) error {
	page := htmlPage{Title: o.Title}
	if page.Title == "" {
		page.Title = "arceval report"
	}
	page.Subtitle = fmt.Sprintf("%d run(s); %s confidence intervals; bootstrap %d resamples, seed %d",
		len(rep.Runs), levelPct(rep.Options.Level), rep.Options.Resamples, rep.Options.Seed)
	page.Banners = subsetBanners(rep.runs())
	for _, t := range rep.Tables() {
		ht := toHTMLTable(t)
		ht.Banner = nil // shown once at the top
		page.Tables = append(page.Tables, ht)
	}
	if o.Paper != nil {
		for _, t := range o.Paper.Tables() {
			ht := toHTMLTable(t)
			ht.Banner = nil
			page.Paper = append(page.Paper, ht)
		}
	}
	page.Figures = figures(rep)
	if o.Gallery >= 0 {
		n := o.Gallery
		if n == 0 {
			n = 12
		}
		for i, s := range rep.Runs {
			if s.Run.Header.TaskKind == "arc" {
				g := gallery(s.Run, n, o)
				if o.TaskViews {
					for j := range g.Items {
						g.Items[j].Href = "#" + taskAnchor(i, strings.SplitN(g.Items[j].Key, "#", 2)[0])
					}
				}
				page.Galleries = append(page.Galleries, g)
			}
		}
	}
	if o.TaskViews {
		for i, s := range rep.Runs {
			if s.Run.Header.TaskKind == "arc" {
				page.Tasks = append(page.Tasks, taskSection(i, s.Run, o))
			}
		}
	}
	page.Provenance = provenance(rep)
	return htmlTmpl.Execute(w, page)
}

func figures(rep *Report) []htmlFigure {
	var figs []htmlFigure
	var names []string
	for _, s := range rep.Runs {
		names = append(names, s.Run.Name)
	}

	// Accuracy vs supervision step.
	maxSteps := 0
	for _, s := range rep.Runs {
		maxSteps = max(maxSteps, len(s.Run.Summary.StepAccuracy))
	}
	if maxSteps > 0 {
		cats, group := stepGroups(maxSteps)
		var ss []series
		for _, s := range rep.Runs {
			ss = append(ss, series{Name: s.Run.Name, Y: group(s.Run.Summary.StepAccuracy)})
		}
		caption := "The test-time-compute curve: exact accuracy after each supervision step, over all test inputs (missing ones count wrong). ARC: the two-attempt rule applied to the views' votes at that step."
		if len(cats) < maxSteps {
			caption += fmt.Sprintf(" %d steps are shown as %d points: the mean accuracy over each range of steps.", maxSteps, len(cats))
		}
		figs = append(figs, htmlFigure{ID: "steps", Title: "Accuracy vs supervision step",
			SVG:     lineChart("exact accuracy after each supervision step", "supervision step", "exact accuracy (micro)", cats, ss),
			Caption: caption})
	}

	if fig, ok := frontierFigure(rep); ok {
		figs = append(figs, fig)
	}

	// ARC: pass@K, and accuracy vs views across runs.
	var arc []*RunSummary
	for _, s := range rep.Runs {
		if s.Run.Header.TaskKind == "arc" {
			arc = append(arc, s)
		}
	}
	if len(arc) > 0 {
		var cats []string
		for _, k := range results.PassKs {
			cats = append(cats, strconv.Itoa(k))
		}
		var ss []series
		for _, s := range arc {
			se := series{Name: s.Run.Name}
			for _, m := range s.PassK {
				se.Y = append(se.Y, m.Value)
				se.Lo, se.Hi = append(se.Lo, m.Lo), append(se.Hi, m.Hi)
			}
			ss = append(ss, se)
		}
		figs = append(figs, htmlFigure{ID: "passk", Title: "ARC: pass@K",
			SVG:     lineChart("ARC pass@K", "K (candidates ranked by votes, then mean sigmoid(q_halt))", "task-macro pass@K", cats, ss),
			Caption: "The right answer among the K most voted candidates (task-macro; pass@1 with its bootstrap CI)."})
		figs = append(figs, viewsFigure(arc))
	}

	// Halting calibration.
	var calib [][]calibPoint
	var cnames []string
	var eces []string
	for _, s := range rep.Runs {
		bins, ece := calibration(s.Run.Items)
		if len(bins) == 0 {
			continue
		}
		calib = append(calib, bins)
		cnames = append(cnames, s.Run.Name)
		eces = append(eces, fmt.Sprintf("%s %.3f", s.Run.Name, ece))
	}
	if len(calib) > 0 {
		figs = append(figs, htmlFigure{ID: "calibration", Title: "Halting calibration",
			SVG: calibrationChart("halting calibration", cnames, calib),
			Caption: "Test inputs binned by sigmoid(q_halt) of the first attempt (10 bins of width 0.1; dot area grows with the count), against the share whose first attempt is exactly right (ARC: the mean over the views that voted for the first attempt). On the diagonal, q_halt is calibrated. Expected calibration error: " +
				strings.Join(eces, ", ") + "."})
	}

	// Accuracy by rating.
	for _, kind := range []string{"sudoku", "maze"} {
		var runs []*RunSummary
		var items []results.Item
		for _, s := range rep.Runs {
			if s.Run.Header.TaskKind == kind {
				runs = append(runs, s)
				items = append(items, s.Run.Items...)
			}
		}
		if len(runs) == 0 {
			continue
		}
		var bucketsOf func(s *RunSummary) []Bucket
		title, xl, capt := "Sudoku: accuracy by rating bucket", "tdoku rating (guesses)", "Exact accuracy per official rating bucket with Wilson "+levelPct(rep.Options.Level)+" whiskers; puzzles without a record are not in any bucket."
		if kind == "sudoku" {
			bucketsOf = func(s *RunSummary) []Bucket { return s.Buckets }
		} else {
			lo, edges := mazeEdges(items)
			bucketsOf = func(s *RunSummary) []Bucket { return mazeBuckets(s.Run.Items, lo, edges, rep.Options) }
			title, xl, capt = "Maze: accuracy by shortest-path length", "shortest path (moves), bins of about equal counts", "Exact accuracy per path-length bin with Wilson "+levelPct(rep.Options.Level)+" whiskers."
		}
		var cats []string
		var ss []series
		plotted := false
		for i, s := range runs {
			bs := bucketsOf(s)
			se := series{Name: s.Run.Name}
			for _, b := range bs {
				if i == 0 {
					cats = append(cats, b.Label)
				}
				v := math.NaN()
				if b.N > 0 {
					v, plotted = b.Acc.Value, true
				}
				se.Y = append(se.Y, v)
				se.Lo, se.Hi = append(se.Lo, b.Acc.Lo), append(se.Hi, b.Acc.Hi)
			}
			ss = append(ss, se)
		}
		if !plotted || len(cats) == 0 {
			continue
		}
		figs = append(figs, htmlFigure{ID: "rating-" + kind, Title: title, SVG: barChart(title, xl, "exact accuracy", cats, ss), Caption: capt})
	}
	return figs
}

// viewsFigure plots task-macro accuracy against the number of views for ARC
// runs of the same model, set and steps that differ in --views; run records
// cannot be re-voted with fewer views (they keep the ranking, not each
// view's answer), so the axis comes from separate runs.
func viewsFigure(arc []*RunSummary) htmlFigure {
	type key struct{ model, set, subset string }
	groups := map[key][]*RunSummary{}
	var order []key
	for _, s := range arc {
		h := s.Run.Header
		k := key{h.ModelSHA256 + "/" + strconv.Itoa(h.Steps), h.Set, h.Subset}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], s)
	}
	viewSet := map[int]bool{}
	var usable []key
	for _, k := range order {
		distinct := map[int]bool{}
		for _, s := range groups[k] {
			distinct[s.Run.Header.Views] = true
		}
		if len(distinct) >= 2 {
			usable = append(usable, k)
			for v := range distinct {
				viewSet[v] = true
			}
		}
	}
	fig := htmlFigure{ID: "views", Title: "ARC: accuracy vs number of views"}
	if len(usable) == 0 {
		fig.Caption = "Not plotted: a run record keeps each test input's vote ranking, not every view's answer, so it cannot be re-voted with fewer views. Evaluate the same model with several --views values (e.g. 1, 10, 100, 1000) and report the runs together to get this curve; pass@K above shows the ranking's depth instead."
		return fig
	}
	var views []int
	for v := range viewSet {
		views = append(views, v)
	}
	slices.Sort(views)
	var cats []string
	for _, v := range views {
		cats = append(cats, strconv.Itoa(v))
	}
	var ss []series
	for _, k := range usable {
		se := series{Name: groups[k][0].Run.Model() + " on " + k.set, Y: nanSlice(len(views)), Lo: nanSlice(len(views)), Hi: nanSlice(len(views))}
		for _, s := range groups[k] {
			j := slices.Index(views, s.Run.Header.Views)
			se.Y[j], se.Lo[j], se.Hi[j] = s.Headline.Value, s.Headline.Lo, s.Headline.Hi
		}
		ss = append(ss, se)
	}
	fig.SVG = lineChart("ARC accuracy vs views", "views per test input (voting)", "task-macro (pass@2)", cats, ss)
	fig.Caption = "Task-macro accuracy of runs of the same model that differ only in --views, with bootstrap whiskers."
	return fig
}

// maxCurvePoints bounds the points of a per-step curve: a run whose items
// record a million steps would otherwise draw a million points (a page of
// over 100 MB).
const maxCurvePoints = 64

// stepGroups returns the x categories of a per-step curve over n steps and
// a function that maps a run's per-step values onto them: one point per
// step up to maxCurvePoints steps, else consecutive ranges of steps ("1–16")
// averaged. Steps a run lacks are NaN (not drawn).
func stepGroups(n int) ([]string, func([]float64) []float64) {
	size := (n + maxCurvePoints - 1) / maxCurvePoints
	var cats []string
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		if size == 1 {
			cats = append(cats, strconv.Itoa(lo+1))
		} else {
			cats = append(cats, fmt.Sprintf("%d–%d", lo+1, hi))
		}
	}
	group := func(v []float64) []float64 {
		y := nanSlice(len(cats))
		for g := range y {
			sum, cnt := 0.0, 0
			for k := g * size; k < min((g+1)*size, len(v)); k++ {
				if !math.IsNaN(v[k]) {
					sum += v[k]
					cnt++
				}
			}
			if cnt > 0 {
				y[g] = sum / float64(cnt)
			}
		}
		return y
	}
	return cats, group
}

func nanSlice(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// calibration bins items by q_halt_prob (10 equal bins) and returns the
// non-empty bins' mean confidence, first-attempt accuracy and count, and the
// expected calibration error Σ n_b/N |acc_b − conf_b|.
func calibration(items []results.Item) ([]calibPoint, float64) {
	var sum [10]float64
	var n, ok [10]int
	total := 0
	for _, it := range items {
		if len(it.Attempts) == 0 || math.IsNaN(float64(it.QHalt)) {
			continue
		}
		b := min(9, max(0, int(it.QHalt*10)))
		sum[b] += float64(it.QHalt)
		n[b]++
		ok[b] += b2i(it.Attempts[0].Correct)
		total++
	}
	var out []calibPoint
	ece := 0.0
	for b := range n {
		if n[b] == 0 {
			continue
		}
		p := calibPoint{Conf: sum[b] / float64(n[b]), Acc: float64(ok[b]) / float64(n[b]), N: n[b]}
		ece += float64(n[b]) / float64(total) * math.Abs(p.Acc-p.Conf)
		out = append(out, p)
	}
	return out, ece
}

// gallery picks up to n test inputs of an ARC run — half solved ones when
// there are, the rest unsolved, shown in task order — and draws the input,
// expected output and both attempts.
func gallery(r *Run, n int, o HTMLOptions) htmlGallery {
	g := htmlGallery{Run: r.Name, Set: r.Header.Set}
	grids := o.Grids[r.Header.Set]
	if grids == nil {
		g.Note = "Inputs and expected outputs are not drawn: the set " + r.Header.Set + " was not loaded"
		if o.GridsNote != "" {
			g.Note += " (" + o.GridsNote + ")"
		}
		g.Note += "; the run record holds the attempts only."
	}
	items := slices.Clone(r.Items)
	slices.SortFunc(items, compareItems)
	solved := 0
	for _, it := range items {
		solved += b2i(it.Solved())
	}
	// Up to n/2 solved inputs, the rest unsolved, each the first in task order.
	nSolved := min(n/2, solved)
	nUnsolved := min(n-nSolved, len(items)-solved)
	var pick []results.Item
	for _, it := range items {
		if it.Solved() && nSolved > 0 {
			nSolved--
		} else if !it.Solved() && nUnsolved > 0 {
			nUnsolved--
		} else {
			continue
		}
		pick = append(pick, it)
	}
	for _, it := range pick {
		gi := htmlGalleryItem{Key: it.Key(), Status: "unsolved"}
		if it.Solved() {
			gi.Status = "solved"
		}
		if pg, ok := grids[it.Key()]; ok {
			gi.Grids = append(gi.Grids, htmlGrid{Label: "input", SVG: gridSVG(pg.Input, it.Key()+" input")},
				htmlGrid{Label: "expected", SVG: gridSVG(pg.Expected, it.Key()+" expected")})
		}
		for a := range 2 {
			label := fmt.Sprintf("attempt %d", a+1)
			var grid [][]int
			mark := "✗"
			if a < len(it.Attempts) {
				grid = it.Attempts[a].Grid
				if it.Attempts[a].Correct {
					mark = "✓"
				}
			}
			if a < len(it.Votes) {
				label += fmt.Sprintf(" (%d votes)", it.Votes[a])
			}
			gi.Grids = append(gi.Grids, htmlGrid{Label: label, SVG: gridSVG(grid, it.Key()+" "+label), Mark: mark})
		}
		g.Items = append(g.Items, gi)
	}
	return g
}

func provenance(rep *Report) htmlTable {
	t := &Table{Header: []string{"run", "path", "model", "model sha256", "set", "data fingerprint", "protocol", "seed", "arceval", "kernel", "machine"}}
	for _, s := range rep.Runs {
		h := s.Run.Header
		ver := h.Version
		if h.Revision != "" {
			ver += " " + h.Revision
		}
		t.AddRow(s.Run.Name, s.Run.Path, s.Run.Method(), h.ModelSHA256, h.Set, h.Fingerprint, s.Run.Protocol(),
			strconv.FormatUint(h.Seed, 10), strings.TrimSpace(ver+" "+h.GoVersion), h.Kernel, h.Machine)
	}
	return toHTMLTable(t)
}

// taskAnchor is the HTML id of task id's view in run i: letters, digits, _
// and - kept, anything else as _.
func taskAnchor(i int, id string) string {
	clean := strings.Map(func(r rune) rune {
		if r < 128 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, id)
	return fmt.Sprintf("run%d-task-%s", i, clean)
}

// taskSection lists every task of ARC run i (in task order), each linked to
// its view: the TaskView of `arceval show`, drawn in SVG.
func taskSection(i int, r *Run, o HTMLOptions) htmlTasks {
	sec := htmlTasks{Run: r.Name, Set: r.Header.Set}
	grids := o.Grids[r.Header.Set]
	if grids == nil {
		sec.Note = "Inputs and expected outputs are not drawn: the set " + r.Header.Set + " was not loaded; the views hold the attempts only."
	}
	var ids []string
	seen := map[string]bool{}
	for _, it := range r.Items {
		if !seen[it.TaskID] {
			seen[it.TaskID] = true
			ids = append(ids, it.TaskID)
		}
	}
	slices.SortFunc(ids, compareIDs)
	for _, id := range ids {
		// Only this task's grids: the view counts test inputs from them.
		var tg map[string]PairGrids
		if grids != nil {
			tg = map[string]PairGrids{}
			for key, pg := range grids {
				if t, _, _ := strings.Cut(key, "#"); t == id {
					tg[key] = pg
				}
			}
		}
		v, err := NewTaskView(r, id, tg)
		if err != nil {
			continue // cannot happen: the task has records
		}
		anchor := taskAnchor(i, id)
		status := "unsolved"
		if v.Solved == v.Tests {
			status = "solved"
		} else if v.Solved > 0 {
			status = "partly"
		}
		sec.Links = append(sec.Links, htmlTaskLink{Href: "#" + anchor, Task: id, Score: fmt.Sprintf("%d/%d", v.Solved, v.Tests), Status: status})
		summary := fmt.Sprintf("%d of %d test input(s) solved", v.Solved, v.Tests)
		if v.CPUSeconds > 0 {
			summary += " · " + CPUSeconds(v.CPUSeconds) + " CPU-s"
		}
		hv := htmlTaskView{ID: anchor, Task: id, Summary: summary}
		for _, tv := range v.Inputs {
			t := htmlTestView{Title: fmt.Sprintf("test %d · %s", tv.Index, tv.Status)}
			if tv.Detail != "" {
				t.Title += " · " + tv.Detail
			}
			for _, p := range tv.Panels {
				label := p.Label
				if p.Note != "" {
					label += " (" + p.Note + ")"
				}
				t.Grids = append(t.Grids, htmlGrid{Label: label, SVG: gridSVG(p.Grid, fmt.Sprintf("%s#%d %s", id, tv.Index, label)), Mark: p.Mark})
			}
			hv.Inputs = append(hv.Inputs, t)
		}
		sec.Views = append(sec.Views, hv)
	}
	return sec
}
