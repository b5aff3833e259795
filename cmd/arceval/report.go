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

func addStatFlags(fs *pflag.FlagSet) statFlags {
	return statFlags{
		level:     fs.Float64("level", 0.95, "confidence level of intervals"),
		resamples: fs.Int("resamples", 10000, "bootstrap resamples (ARC tasks)"),
		seed:      fs.Uint64("boot-seed", 1, "bootstrap seed (results are deterministic given it)"),
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
	galleryN := fs.Int("gallery", 12, "ARC test inputs drawn per run in the HTML gallery (0: none)")
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
	paths, err := runFiles(c.stderr, fs.Args())
	if err != nil {
		return err
	}
	runs, err := reports.LoadRuns(paths)
	if err != nil {
		return err
	}
	warn(c.stderr, runs)
	var pr *reports.PaperReport
	if *withPaper {
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
	if *htmlOut != "" {
		ho := reports.HTMLOptions{Title: *title, Gallery: *galleryN, Paper: pr, TaskViews: *taskViews}
		if *galleryN <= 0 {
			ho.Gallery = -1
		}
		if *galleryN > 0 || *taskViews {
			ho.Grids, ho.GridsNote = loadGalleryGrids(c, runs, *data)
		}
		if err := atomicfile.Write(*htmlOut, func(w io.Writer) error { return reports.WriteHTML(w, rep, ho) }); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "wrote %s (%d runs)\n", *htmlOut, len(runs))
		return nil
	}
	if pr != nil {
		return pr.Write(c.stdout, f)
	}
	return rep.Write(c.stdout, f)
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
