package main

import (
	"fmt"
	"os"

	"golang.org/x/term"

	"arceval/reports"
	"arceval/tasks"
)

func runShow(c *cli, args []string) error {
	fs := c.newFlags("show", `show RUN.jsonl --task ID [--data DIR] [--no-color]

Shows one task of a run in the terminal: per test input, the input, the
expected output (from the set named in the run's header, under --data) and
the attempts side by side, marked ✓ or ✗, with the rank of the expected
answer, steps, q_halt and CPU-seconds. ARC grids are drawn in the ARC palette
when stdout is a terminal (NO_COLOR unset), as digits otherwise or with
--no-color. The HTML report (`+"`arceval report --html`"+`) links every task to
the same view.`)
	task := fs.String("task", "", "task id to show")
	data := dataFlag(fs)
	noColor := fs.Bool("no-color", false, "digits instead of coloured cells")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *task == "" {
		return usageError{"show: want one run file and --task ID"}
	}
	r, err := reports.LoadRun(fs.Arg(0))
	if err != nil {
		return err
	}
	warn(c.stderr, []*reports.Run{r})
	grids, err := loadSetGrids(tasks.DataRoot(*data), r.Header.Set)
	if err != nil {
		fmt.Fprintf(c.stderr, "warning: showing the attempts only: %v\n", err)
		grids = nil
	}
	v, err := reports.NewTaskView(r, *task, grids)
	if err != nil {
		return err
	}
	o := reports.TextOptions{}
	if r.Header.TaskKind == "maze" {
		o.Charset = tasks.MazeCharset
	}
	if !*noColor && os.Getenv("NO_COLOR") == "" {
		if f, ok := c.stdout.(*os.File); ok {
			o.Colour = term.IsTerminal(int(f.Fd()))
		}
	}
	return v.WriteText(c.stdout, o)
}
