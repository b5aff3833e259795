package main

import (
	"fmt"
	"strings"

	"arceval/harness"
	"arceval/internal/userfile"
	"arceval/results"
	"arceval/tasks"
)

// maxSubmissionBytes bounds an ARC Prize submission read for scoring (two
// 30×30 attempts per test input take a few KB; a full set a few MB).
const maxSubmissionBytes = 16 << 20

func runScore(c *cli, args []string) error {
	fs := c.newFlags("score", `score RUN.jsonl | score --submission FILE.json --set NAME

Scores a run file (denominators from the selection in its header: a missing
test input counts as wrong), or an ARC Prize submission
({"task_id": [{"attempt_1": grid, "attempt_2": grid}, …]}) against a set.
ARC: task-macro (headline), micro, all-or-nothing and pass@K; Sudoku and
Maze: exact and cell accuracy.`)
	submission := fs.String("submission", "", "ARC Prize submission JSON to score against --set")
	set := fs.String("set", "", "set the submission answers")
	data := fs.String("data", "", "data root (default $ARCEVAL_DATA, else ./data)")
	format := fs.String("format", "text", "text or json")
	price := priceFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkPrice("score", *price); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError{"score: --format must be text or json"}
	}
	if *submission != "" {
		if *set == "" || fs.NArg() > 0 {
			return usageError{"score: --submission needs --set and no run file"}
		}
		s, err := tasks.LoadSet(tasks.DataRoot(*data), *set)
		if err != nil {
			return err
		}
		if s.Kind != tasks.ARC {
			return usageError{fmt.Sprintf("score: %s is a %s set; submissions are for ARC", s.Name, s.Kind)}
		}
		raw, err := userfile.ReadFile(*submission, maxSubmissionBytes)
		if err != nil {
			return err
		}
		sc, err := harness.ScoreSubmission(*submission, raw, s)
		if err != nil {
			return err
		}
		for _, p := range sc.Problems {
			fmt.Fprintf(c.stderr, "%s: %s\n", *submission, p)
		}
		if len(sc.Extra) > 0 {
			fmt.Fprintf(c.stderr, "%s: %d task(s) not in %s ignored: %s\n", *submission, len(sc.Extra), s.Name, strings.Join(sc.Extra[:min(5, len(sc.Extra))], ", "))
		}
		return printSummary(c.stdout, results.Header{Set: s.Name}, sc.Summary, *format, 0)
	}
	if fs.NArg() != 1 {
		return usageError{"score: want one run file (or --submission with --set)"}
	}
	run, err := results.Read(fs.Arg(0))
	if err != nil {
		return err
	}
	if run.TornBytes > 0 {
		fmt.Fprintf(c.stderr, "%s: ignored an incomplete last record (%d bytes); the run was interrupted\n", run.Path, run.TornBytes)
	}
	s, err := results.Score(run.Header, run.Items)
	if err != nil {
		return fmt.Errorf("%s: %w", run.Path, err)
	}
	if run.Header.Shard != "" {
		fmt.Fprintf(c.stderr, "%s: shard %s only; scores count the other shards' test inputs as missing (merge the shards first)\n", run.Path, run.Header.Shard)
	}
	return printSummary(c.stdout, run.Header, s, *format, *price)
}

func runMerge(c *cli, args []string) error {
	fs := c.newFlags("merge", `merge SHARD.jsonl... --out RUN.jsonl

Joins the shards of one run (written by `+"`arceval eval --shard K/N`"+`):
checks that they belong to the same run (headers equal but for the shard and
the machine), that every shard 1..N is there once and that every test input
is covered exactly once, then writes the whole run atomically.`)
	out := fs.String("out", "", "merged run file")
	force := fs.Bool("force", false, "replace an existing --out")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 || *out == "" {
		return usageError{"merge: want shard run files and --out"}
	}
	var runs []*results.Run
	for _, path := range fs.Args() {
		r, err := results.Read(path)
		if err != nil {
			return err
		}
		if r.TornBytes > 0 {
			return fmt.Errorf("%s: ends in an incomplete record; resume that shard before merging", path)
		}
		runs = append(runs, r)
	}
	h, items, err := results.Merge(runs)
	if err != nil {
		return err
	}
	if err := results.WriteFile(*out, h, items, *force); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "merged %d shards, %d test inputs → %s\n", len(runs), len(items), *out)
	return nil
}
