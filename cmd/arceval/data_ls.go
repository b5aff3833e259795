package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"arceval/tasks"
)

type lsRow struct {
	Set        string `json:"set"`
	Kind       string `json:"kind"`
	Found      bool   `json:"found"`
	Path       string `json:"path,omitempty"`
	Tasks      int    `json:"tasks,omitempty"`
	TestInputs int    `json:"test_inputs,omitempty"`
	Error      string `json:"error,omitempty"`
	About      string `json:"about"`
}

func runDataLs(c *cli, args []string) error {
	fs := c.newFlags("data ls", "data ls [--data DIR] [--counts=false] [--format text|json]")
	root := dataFlag(fs)
	counts := fs.Bool("counts", true, "load each found set to count tasks and test inputs")
	format := formatFlag(fs, "text", "json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkChoice("format", *format, "text", "json"); err != nil {
		return err
	}
	dir := tasks.DataRoot(*root)
	var rows []lsRow
	for _, spec := range tasks.KnownSets() {
		row := lsRow{Set: spec.Name, Kind: spec.Kind.String(), About: spec.Desc}
		if path, ok := spec.Locate(dir); ok {
			row.Found, row.Path = true, path
			if *counts {
				if set, err := tasks.LoadSet(dir, spec.Name); err != nil {
					row.Error = err.Error()
				} else {
					row.Tasks, row.TestInputs = len(set.Tasks), set.TestInputs()
				}
			}
		}
		rows = append(rows, row)
	}
	if *format == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	fmt.Fprintf(c.stdout, "data root: %s\n\n", dir)
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SET\tKIND\tTASKS\tTEST INPUTS\tWHERE")
	for _, r := range rows {
		where, n, m := "missing", "-", "-"
		if r.Found {
			where = r.Path
			if *counts && r.Error == "" {
				n, m = fmt.Sprint(r.Tasks), fmt.Sprint(r.TestInputs)
			} else if r.Error != "" {
				n, m = "invalid", "-"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Set, r.Kind, n, m, where)
	}
	tw.Flush()
	for _, r := range rows {
		if r.Error != "" {
			fmt.Fprintf(c.stderr, "warning: %s: %s\n", r.Set, firstLine(r.Error))
		}
	}
	return nil
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i] + " …"
		}
	}
	return s
}
