package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"arceval/tasks"
)

// defaultAudits are the overlaps users ask about: each evaluation set against
// what TRM trains on, and ARC-AGI-2 training against ARC-AGI-1 evaluation
// (the reason TRM's README forbids training on both).
var defaultAudits = []struct {
	eval  string
	train []string
}{
	{"arc-agi-1/evaluation", []string{"arc-agi-1/training", "concept-arc"}},
	{"arc-agi-2/evaluation", []string{"arc-agi-2/training", "concept-arc"}},
	{"arc-agi-1/evaluation", []string{"arc-agi-2/training"}},
}

func runDataLeakage(c *cli, args []string) error {
	fs := c.newFlags("data leakage", `data leakage [--eval SET --train SET,SET…] [--list] [--format text|json]

Hash-based overlap audit: every evaluation test input, output and (input,
output) pair against all training grids and pairs, exactly and under the 8
dihedral transforms with colour permutations (black fixed). Without --eval,
runs the standard audits (ARC-AGI-1/2 evaluation against their training sets
and ConceptARC, and ARC-AGI-1 evaluation against ARC-AGI-2 training).`)
	root := dataFlag(fs)
	evalName := fs.String("eval", "", "evaluation set")
	trainNames := fs.String("train", "", "comma-separated training sets")
	list := fs.Bool("list", false, "list every match")
	format := formatFlag(fs, "text", "json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkChoice("format", *format, "text", "json"); err != nil {
		return err
	}
	if (*evalName == "") != (*trainNames == "") {
		return usageError{"data leakage: give both --eval and --train, or neither"}
	}
	dir := tasks.DataRoot(*root)
	audits := defaultAudits
	if *evalName != "" {
		audits = audits[:0:0]
		audits = append(audits, struct {
			eval  string
			train []string
		}{*evalName, strings.Split(*trainNames, ",")})
	}
	cache := map[string]*tasks.Set{}
	load := func(name string) (*tasks.Set, error) {
		if s, ok := cache[name]; ok {
			return s, nil
		}
		s, err := tasks.LoadSet(dir, name)
		cache[name] = s
		return s, err
	}
	var reports []tasks.LeakReport
	for _, a := range audits {
		eval, err := load(a.eval)
		if err != nil {
			return err
		}
		var train []*tasks.Set
		for _, n := range a.train {
			s, err := load(n)
			if err != nil {
				return err
			}
			train = append(train, s)
		}
		reports = append(reports, tasks.AuditLeakage(eval, train))
	}
	if *format == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(reports)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EVAL\tTRAIN\tTEST PAIRS\tPAIRS LEAKED (exact/equiv)\tOUTPUTS SEEN\tINPUTS SEEN\tSHARED TASK IDS")
	for _, r := range reports {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d / %d (%d tasks)\t%d / %d\t%d / %d\t%d\n", r.Eval, strings.Join(r.Train, ","), r.TestPairs,
			r.PairsExact, r.PairsEquiv, r.TasksWithLeaks, r.OutputsExact, r.OutputsEquiv, r.InputsExact, r.InputsEquiv, len(r.SharedTaskIDs))
	}
	tw.Flush()
	if *list {
		for _, r := range reports {
			fmt.Fprintf(c.stdout, "\n%s vs %s:\n", r.Eval, strings.Join(r.Train, ","))
			for _, m := range r.Matches {
				kind := "equivalent"
				if m.Exact {
					kind = "exact"
				}
				fmt.Fprintf(c.stdout, "  %s test[%d] %-6s %-10s in %s %s\n", m.EvalTask, m.TestIndex, m.What, kind, m.TrainSet, m.TrainTask)
			}
		}
	}
	return nil
}
