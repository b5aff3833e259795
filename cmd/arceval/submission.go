package main

import (
	"fmt"
	"io"
	"os"

	"arceval/harness"
	"arceval/tasks"
)

// maxSubmissionBytes bounds a submission file: a full ARC-AGI evaluation
// answered with two 30×30 grids per test input is a few MB.
const maxSubmissionBytes = 256 << 20

// maxProblemsShown caps the problems listed (the count is always given).
const maxProblemsShown = 200

func runSubmission(c *cli, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := c.stdout
		if len(args) == 0 {
			w = c.stderr
		}
		fmt.Fprintln(w, "Usage: arceval submission validate FILE [--set NAME] [--data DIR]")
		fmt.Fprintln(w, "\nSubcommands:\n  validate  the ARC Prize's format checks on a submission JSON, with an error per problem")
		if len(args) == 0 {
			return usageError{"submission: no subcommand given"}
		}
		return nil
	}
	if args[0] != "validate" {
		return usageError{fmt.Sprintf("submission: unknown subcommand %q (want validate)", args[0])}
	}
	return runSubmissionValidate(c, args[1:])
}

func runSubmissionValidate(c *cli, args []string) error {
	fs := c.newFlags("submission validate", `submission validate FILE [--set NAME] [--data DIR]

Applies the ARC Prize's format checks to a submission
({"task_id": [{"attempt_1": grid, "attempt_2": grid}, …]}): every entry an
object with attempt_1 and attempt_2 and nothing else; every attempt a
rectangular grid of 1–30 rows and 1–30 columns of integers 0–9; no task
twice. With --set, also: every task of the set present, one entry per test
input in the set's order, and no task the set does not have. Each problem is
printed on stderr naming the task, test index, attempt and row; the exit
status is 1 when there is any.`)
	set := fs.String("set", "", "ARC set the submission answers (see `arceval data ls`); without it, the structure only")
	data := dataFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"submission validate: want one submission file"}
	}
	path := fs.Arg(0)
	raw, err := readBounded(path, maxSubmissionBytes)
	if err != nil {
		return err
	}
	var s *tasks.Set
	if *set != "" {
		if s, err = tasks.LoadSet(tasks.DataRoot(*data), *set); err != nil {
			return err
		}
		if s.Kind != tasks.ARC {
			return usageError{fmt.Sprintf("submission validate: %s is a %s set; submissions are for ARC", s.Name, s.Kind)}
		}
	}
	sc := harness.ValidateSubmission(raw, s)
	for i, p := range sc.Problems {
		if i == maxProblemsShown {
			fmt.Fprintf(c.stderr, "%s: … %d more problems\n", path, len(sc.Problems)-maxProblemsShown)
			break
		}
		fmt.Fprintf(c.stderr, "%s: %s\n", path, p)
	}
	against := "structure only (no --set)"
	if s != nil {
		against = "against " + s.Name
	}
	if len(sc.Problems) > 0 {
		return exitError{1, fmt.Errorf("%s: %d problem(s) (%s); the submission would not be accepted", path, len(sc.Problems), against)}
	}
	fmt.Fprintf(c.stdout, "%s: valid, %s: %d tasks, %d test inputs, two attempts each\n", path, against, sc.Tasks, sc.TestInputs)
	return nil
}

// readBounded reads a whole file, refusing one larger than limit bytes
// before reading it.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a submission may have", path, st.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: more than the %d bytes a submission may have", path, limit)
	}
	return data, nil
}
