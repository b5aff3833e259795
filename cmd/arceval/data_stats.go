package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"arceval/tasks"
)

func runDataStats(c *cli, args []string) error {
	fs := c.newFlags("data stats", "data stats [SET|PATH ...] [--data DIR] [--format text|json]\n\nWithout sets, every known set found under the data root.")
	root := dataFlag(fs)
	format := formatFlag(fs, "text", "json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkChoice("format", *format, "text", "json"); err != nil {
		return err
	}
	dir := tasks.DataRoot(*root)
	names, err := setsOrAll(dir, fs.Args())
	if err != nil {
		return err
	}
	var all []tasks.SetStats
	for _, name := range names {
		set, err := tasks.LoadSet(dir, name)
		if err != nil {
			return err
		}
		all = append(all, tasks.Stats(set))
	}
	if *format == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(all)
	}
	for i, st := range all {
		if i > 0 {
			fmt.Fprintln(c.stdout)
		}
		printStats(c.stdout, st)
	}
	return nil
}

// setsOrAll returns the named sets, or every known set found under root.
func setsOrAll(root string, names []string) ([]string, error) {
	if len(names) > 0 {
		return names, nil
	}
	if names = foundSets(root); len(names) == 0 {
		return nil, fmt.Errorf("no known sets under data root %q (pass --data or run `arceval data fetch`)", root)
	}
	return names, nil
}

// foundSets lists the known sets present under root.
func foundSets(root string) []string {
	var names []string
	for _, spec := range tasks.KnownSets() {
		if _, ok := spec.Locate(root); ok {
			names = append(names, spec.Name)
		}
	}
	return names
}

func printStats(w io.Writer, st tasks.SetStats) {
	if st.Path == st.Set {
		fmt.Fprintf(w, "%s (%s)\n", st.Set, st.Kind)
	} else {
		fmt.Fprintf(w, "%s (%s)  %s\n", st.Set, st.Kind, st.Path)
	}
	fmt.Fprintf(w, "  tasks %d, test inputs %d", st.Tasks, st.TestInputs)
	if st.Kind == "arc" {
		fmt.Fprintf(w, ", demonstration pairs %d, tasks with several test inputs %d", st.TrainPairs, st.TasksWithSeveralTests)
	}
	fmt.Fprintln(w)
	if st.Height != nil {
		fmt.Fprintf(w, "  grid height %s, width %s\n", summary(st.Height), summary(st.Width))
	}
	if st.Colours != nil {
		total := 0
		for _, n := range st.Colours {
			total += n
		}
		var parts []string
		for c, n := range st.Colours {
			parts = append(parts, fmt.Sprintf("%d:%.1f%%", c, 100*float64(n)/float64(max(total, 1))))
		}
		fmt.Fprintf(w, "  colours %s\n", strings.Join(parts, " "))
	}
	if st.Givens != nil {
		fmt.Fprintf(w, "  givens %s\n", summary(st.Givens))
	}
	if st.Rating != nil {
		var parts []string
		for _, b := range tasks.RatingBuckets {
			parts = append(parts, fmt.Sprintf("%s:%d", b.Name, st.Ratings[b.Name]))
		}
		fmt.Fprintf(w, "  rating %s; buckets %s\n", summary(st.Rating), strings.Join(parts, " "))
	}
	if st.PathLength != nil {
		fmt.Fprintf(w, "  shortest path (moves) %s\n", summary(st.PathLength))
	}
	fmt.Fprintf(w, "  fingerprint %s\n", st.Fingerprint)
}

func summary(s *tasks.Summary) string {
	return fmt.Sprintf("min %g mean %.1f max %g", s.Min, s.Mean, s.Max)
}
