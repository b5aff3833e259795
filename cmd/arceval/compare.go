package main

import (
	"fmt"
	"strings"

	"arceval/reports"
)

func runCompare(c *cli, args []string) error {
	fs := c.newFlags("compare", `compare A.jsonl B.jsonl [--alpha 0.05] [--flips] [--format text|markdown|csv|json]

Compares run B with run A, paired on the test inputs both hold (the others
are left out, with a warning): per metric A, B, the difference B − A in
points with its confidence interval, and a p-value — exact McNemar on
per-item correctness, the paired bootstrap over tasks for ARC task-macro —
or ~ when the difference is not significant at --alpha. A or B may be a
comma-separated list of runs of one configuration with different seeds
(a1.jsonl,a2.jsonl,a3.jsonl): each side is then shown as mean ± sd across its
runs, apart from the sampling interval of the difference. --flips lists the
test inputs whose outcome changed (with --format csv, only the flips).`)
	format := fs.String("format", "text", "text, markdown, csv or json")
	alpha := fs.Float64("alpha", defaultAlpha, "significance level of the tests")
	flips := fs.Bool("flips", false, "list the test inputs that flipped between A and B")
	sf := addStatFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := parseFormat("compare", *format)
	if err != nil {
		return err
	}
	o, err := sf.options("compare")
	if err != nil {
		return err
	}
	if !(*alpha > 0 && *alpha < 1) {
		return usageError{fmt.Sprintf("compare: --alpha %v: want a proportion in (0, 1)", *alpha)}
	}
	o.Alpha = *alpha
	if fs.NArg() != 2 {
		return usageError{"compare: want two runs, A and B (each a run file or a comma-separated list of seed runs)"}
	}
	return compareRuns(c, fs.Args(), o, f, *flips)
}

// compareRuns compares run B with run A (args: A and B, each a run file or
// a comma-separated list of seed runs) and prints the comparison in format
// f, with the flipped test inputs when flips.
func compareRuns(c *cli, args []string, o reports.Options, f reports.Format, flips bool) error {
	var sides [2][]*reports.Run
	var paths []string
	for i, arg := range args {
		list := strings.Split(arg, ",")
		paths = append(paths, list...)
		for _, p := range list {
			if p == "" {
				return usageError{fmt.Sprintf("compare: empty run file name in %q", arg)}
			}
		}
		sides[i] = make([]*reports.Run, len(list))
	}
	runs, err := reports.LoadRuns(paths)
	if err != nil {
		return err
	}
	copy(sides[0], runs[:len(sides[0])])
	copy(sides[1], runs[len(sides[0]):])
	cmp, err := reports.Compare(sides[0], sides[1], o)
	if err != nil {
		return err
	}
	for _, w := range cmp.Warnings {
		fmt.Fprintln(c.stderr, "warning:", w)
	}
	return cmp.Write(c.stdout, f, flips)
}
