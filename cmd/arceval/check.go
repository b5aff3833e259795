package main

import (
	"errors"
	"fmt"
	"io"

	"arceval/internal/atomicfile"
	"arceval/reports"
)

// exitError ends the process with a given code after its message.
type exitError struct {
	code int
	err  error
}

func (e exitError) Error() string { return e.err.Error() }
func (e exitError) Unwrap() error { return e.err }

func runCheck(c *cli, args []string) error {
	fs := c.newFlags("check", `check --baseline A.jsonl --run B.jsonl --max-drop PP [--alpha 0.05] [--junit FILE]

The CI accuracy gate: exit 0 when run B is not worse than baseline A by more
than PP percentage points on the headline metric (ARC task-macro, Sudoku/Maze
exact accuracy), or when the larger drop is not significant at one-sided
level --alpha (paired bootstrap over ARC tasks; Tango's score test on
Sudoku/Maze puzzles); exit 1 with a one-line reason when it is; exit 2 when
the runs cannot be compared (unreadable, different sets or selections, a
lone shard). A test input missing from a run counts as wrong there.
--junit writes a JUnit XML report for CI systems.`)
	baseline := fs.String("baseline", "", "the reference run file")
	runPath := fs.String("run", "", "the candidate run file")
	maxDrop := fs.Float64("max-drop", -1, "allowed drop in percentage points (1 = one point)")
	alpha := fs.Float64("alpha", 0.05, "one-sided significance level of the drop")
	junit := fs.String("junit", "", "write a JUnit XML report to this file")
	format := fs.String("format", "text", "text or json")
	sf := addStatFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := parseFormat("check", *format)
	if err != nil {
		return err
	}
	if f != reports.Text && f != reports.JSON {
		return usageError{"check: --format must be text or json"}
	}
	o, err := sf.options("check")
	if err != nil {
		return err
	}
	switch {
	case *baseline == "" || *runPath == "" || fs.NArg() > 0:
		return usageError{"check: want --baseline FILE and --run FILE (and no other arguments)"}
	case !(*maxDrop >= 0 && *maxDrop < 100):
		return usageError{fmt.Sprintf("check: --max-drop %v: want percentage points in [0, 100)", *maxDrop)}
	case !(*alpha > 0 && *alpha < 0.5):
		return usageError{fmt.Sprintf("check: --alpha %v: want a level in (0, 0.5)", *alpha)}
	}
	o.Alpha = *alpha
	name := fmt.Sprintf("%s vs %s", *runPath, *baseline)
	writeJUnit := func(res *reports.CheckResult, cerr error) error {
		if *junit == "" {
			return nil
		}
		return atomicfile.Write(*junit, func(w io.Writer) error { return reports.WriteJUnit(w, name, res, cerr) })
	}
	unusable := func(err error) error {
		if jerr := writeJUnit(nil, err); jerr != nil {
			fmt.Fprintln(c.stderr, "arceval: check:", jerr)
		}
		return exitError{2, fmt.Errorf("check: %w", err)}
	}
	runs, err := reports.LoadRuns([]string{*baseline, *runPath})
	if err != nil {
		return unusable(err)
	}
	warn(c.stderr, runs)
	res, err := reports.Check(runs[0], runs[1], *maxDrop/100, o)
	if err != nil {
		var ie *reports.InputError
		if errors.As(err, &ie) {
			return unusable(err)
		}
		return err
	}
	if err := writeJUnit(res, nil); err != nil {
		return exitError{2, err}
	}
	if err := res.Write(c.stdout, f); err != nil {
		return err
	}
	if !res.Pass() {
		return errSilent
	}
	return nil
}
