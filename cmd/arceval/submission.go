package main

import (
	"fmt"

	"arceval/harness"
	"arceval/internal/atomicfile"
	"arceval/internal/userfile"
	"arceval/results"
	"arceval/tasks"
)

// maxProblemsShown caps the problems listed (the count is always given).
const maxProblemsShown = 200

func runSubmission(c *cli, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := c.stdout
		if len(args) == 0 {
			w = c.stderr
		}
		fmt.Fprintln(w, "Usage: arceval submission validate FILE [--set NAME] [--data DIR]\n       arceval submission write RUN.jsonl --out FILE")
		fmt.Fprintln(w, "\nSubcommands:\n  validate  the ARC Prize's format checks on a submission JSON, with an error per problem")
		fmt.Fprintln(w, "  write     the submission of an ARC run file (e.g. merged shards): both attempts per test input")
		if len(args) == 0 {
			return usageError{"submission: no subcommand given"}
		}
		return nil
	}
	switch args[0] {
	case "validate":
		return runSubmissionValidate(c, args[1:])
	case "write":
		return runSubmissionWrite(c, args[1:])
	}
	return usageError{fmt.Sprintf("submission: unknown subcommand %q (want validate or write)", args[0])}
}

func runSubmissionWrite(c *cli, args []string) error {
	fs := c.newFlags("submission write", `submission write RUN.jsonl --out FILE

Writes the ARC Prize submission of an ARC run file — the way to get one from
shards merged with `+"`arceval merge`"+` (eval --submission writes it for a single
run): one entry per test input of every task with a record, in order, both
attempts, [[0]] standing in for an empty answer. Tasks of the run's selection
without any record cannot be named from the run: they are counted on stderr
(check with `+"`arceval submission validate FILE --set NAME`"+`).`)
	out := fs.String("out", "", "submission JSON to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *out == "" {
		return usageError{"submission write: want one run file and --out"}
	}
	run, err := results.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	if run.Header.TaskKind != "arc" {
		return usageError{fmt.Sprintf("submission write: %s is a %s run; submissions are for ARC", run.Path, run.Header.TaskKind)}
	}
	if run.Header.Shard != "" {
		return fmt.Errorf("%s: shard %s only; merge the shards with `arceval merge` first", run.Path, run.Header.Shard)
	}
	tests := map[string]int{}
	for _, it := range run.Items {
		tests[it.TaskID] = it.Tests
	}
	if missing := run.Header.Tasks - len(tests); missing > 0 {
		fmt.Fprintf(c.stderr, "warning: %d of the run's %d tasks have no record and are not in the submission\n", missing, run.Header.Tasks)
	}
	sub := harness.NewSubmission(run.Items, tests)
	if err := atomicfile.Write(*out, sub.Write); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "wrote %s: %d tasks, %d test inputs with a record\n", *out, len(tests), len(run.Items))
	return nil
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
	raw, err := userfile.ReadFile(path, maxSubmissionBytes)
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
