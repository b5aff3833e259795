package main

import (
	"fmt"
	"io"

	"arceval/internal/atomicfile"
	"arceval/reports"
	"arceval/reports/paper"
	"arceval/tasks"

	"github.com/spf13/pflag"
)

// statFlags are the statistical settings of report, compare and check.
type statFlags struct {
	level     *float64
	resamples *int
	seed      *uint64
}

// defaultStats are the statistical settings of report, compare and check
// when no flag changes them (and of the quickstart's and reproduce's
// tables).
var defaultStats = reports.Options{Level: 0.95, Resamples: 10000, Seed: 1}

// defaultGallery is the HTML gallery's ARC test inputs per run unless
// --gallery is given.
const defaultGallery = 12

// defaultAlpha is compare's significance level unless --alpha is given.
const defaultAlpha = 0.05

func addStatFlags(fs *pflag.FlagSet) statFlags {
	return statFlags{
		level:     fs.Float64("level", defaultStats.Level, "confidence level of intervals"),
		resamples: fs.Int("resamples", defaultStats.Resamples, "bootstrap resamples (ARC tasks)"),
		seed:      fs.Uint64("boot-seed", defaultStats.Seed, "bootstrap seed (results are deterministic given it)"),
	}
}

func (s statFlags) options(cmd string) (reports.Options, error) {
	if !(*s.level > 0 && *s.level < 1) {
		return reports.Options{}, usageError{fmt.Sprintf("%s: --level %v: want a proportion in (0, 1), e.g. 0.95", cmd, *s.level)}
	}
	if *s.resamples < 100 {
		return reports.Options{}, usageError{fmt.Sprintf("%s: --resamples %d: want at least 100", cmd, *s.resamples)}
	}
	return reports.Options{Level: *s.level, Resamples: *s.resamples, Seed: *s.seed}, nil
}

func parseFormat(cmd, s string) (reports.Format, error) {
	f, err := reports.ParseFormat(s)
	if err != nil {
		return "", usageError{cmd + ": " + err.Error()}
	}
	return f, nil
}

func warn(w io.Writer, runs []*reports.Run) {
	for _, r := range runs {
		for _, m := range r.Warnings {
			fmt.Fprintln(w, m)
		}
	}
}

func runReport(c *cli, args []string) error {
	fs := c.newFlags("report", `report RUN.jsonl|DIR... [--format text|markdown|csv|json] [--paper] [--html FILE]

One row per run: model, set, size, the headline metric with its confidence
interval (ARC task-macro: bootstrap over tasks; Sudoku/Maze exact accuracy:
Wilson), secondary metrics, steps and time per test input; pass@K for ARC; for
the stratified Sudoku test sample, the full-test estimate (rating buckets
weighted by the official test histogram). --paper prints the TRM paper's
Tables 4 and 5 with our numbers beside them — only runs whose recorded
protocol is the paper's; the others are listed apart with what differs. A
folder stands for its *.jsonl run files but shards (merge them with
`+"`arceval merge`"+`; a shard named as a file is reported). --html writes a self-contained
page with the tables, plots, an ARC gallery and every ARC task linked to its
view (grids from --data). --price-per-cpu-hour adds each run's cost.`)
	format := fs.String("format", "text", "text, markdown, csv or json")
	withPaper := fs.Bool("paper", false, "print the paper's tables with our measurements beside them")
	htmlOut := fs.String("html", "", "write a self-contained HTML report to this file")
	data := fs.String("data", "", "data root for the ARC gallery's grids (default $ARCEVAL_DATA, else ./data)")
	galleryN := fs.Int("gallery", defaultGallery, "ARC test inputs drawn per run in the HTML gallery (0: none)")
	taskViews := fs.Bool("task-views", true, "HTML: index every ARC task, each linked to its view (input, expected, both attempts, as `arceval show` prints it)")
	title := fs.String("title", "", "title of the HTML report")
	price := priceFlag(fs)
	sf := addStatFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkPrice("report", *price); err != nil {
		return err
	}
	f, err := parseFormat("report", *format)
	if err != nil {
		return err
	}
	o, err := sf.options("report")
	if err != nil {
		return err
	}
	o.PricePerCPUHour = *price
	if fs.NArg() == 0 {
		return usageError{"report: want one or more run files"}
	}
	return writeReport(c, fs.Args(), reportSpec{Format: f, Options: o, Paper: *withPaper, HTML: *htmlOut, Title: *title,
		Data: *data, Gallery: *galleryN, TaskViews: *taskViews})
}

// reportSpec is what report prints: the format and statistics of its
// tables, the paper's tables or an HTML page (with its title, the data root
// of its grids, the gallery's size and the task views).
type reportSpec struct {
	Format      reports.Format
	Options     reports.Options
	Paper       bool
	HTML, Title string
	Data        string
	Gallery     int
	TaskViews   bool
}

// writeReport reports the runs of args (run files and folders, as
// runFiles expands them): the tables on stdout, or the HTML page.
func writeReport(c *cli, args []string, rs reportSpec) error {
	o := rs.Options
	paths, err := runFiles(c.stderr, args)
	if err != nil {
		return err
	}
	runs, err := reports.LoadRuns(paths)
	if err != nil {
		return err
	}
	warn(c.stderr, runs)
	var pr *reports.PaperReport
	if rs.Paper {
		ref, err := paper.Load()
		if err != nil {
			return err
		}
		if pr, err = reports.NewPaperReport(runs, ref, o); err != nil {
			return err
		}
	}
	rep, err := reports.NewReport(runs, o)
	if err != nil {
		return err
	}
	if rs.HTML != "" {
		ho := reports.HTMLOptions{Title: rs.Title, Gallery: rs.Gallery, Paper: pr, TaskViews: rs.TaskViews}
		if rs.Gallery <= 0 {
			ho.Gallery = -1
		}
		if rs.Gallery > 0 || rs.TaskViews {
			ho.Grids, ho.GridsNote = loadGalleryGrids(c, runs, rs.Data)
		}
		if err := atomicfile.Write(rs.HTML, func(w io.Writer) error { return reports.WriteHTML(w, rep, ho) }); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "wrote %s (%d runs)\n", rs.HTML, len(runs))
		return nil
	}
	if pr != nil {
		return pr.Write(c.stdout, rs.Format)
	}
	return rep.Write(c.stdout, rs.Format)
}

// loadGalleryGrids loads the test inputs and expected outputs of the ARC sets
// the runs name, for the HTML gallery and task views. A set that cannot be
// loaded is drawn with its attempts only (and a warning).
func loadGalleryGrids(c *cli, runs []*reports.Run, data string) (map[string]map[string]reports.PairGrids, string) {
	out := map[string]map[string]reports.PairGrids{}
	note := ""
	root := tasks.DataRoot(data)
	for _, r := range runs {
		set := r.Header.Set
		if r.Header.TaskKind != "arc" || out[set] != nil {
			continue
		}
		grids, err := loadSetGrids(root, set)
		if err != nil {
			fmt.Fprintf(c.stderr, "warning: gallery of %s without inputs and expected outputs: %v\n", set, err)
			note = "data root " + root + " does not hold it; pass --data"
			continue
		}
		out[set] = grids
	}
	return out, note
}

// loadSetGrids loads a set's test inputs and expected outputs by item key
// ("task#test"), as run records name them.
func loadSetGrids(root, set string) (map[string]reports.PairGrids, error) {
	s, err := tasks.LoadSet(root, set)
	if err != nil {
		return nil, err
	}
	grids := map[string]reports.PairGrids{}
	for _, t := range s.Tasks {
		for i, p := range t.Test {
			grids[fmt.Sprintf("%s#%d", t.ID, i)] = reports.PairGrids{Input: p.Input.Rows(), Expected: p.Output.Rows()}
		}
	}
	return grids, nil
}
