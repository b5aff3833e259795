package main

import (
	"fmt"

	"arceval/tasks"
)

func runDataValidate(c *cli, args []string) error {
	fs := c.newFlags("data validate", "data validate [SET|PATH ...] [--data DIR]\n\nWithout sets, every known set found under the data root. Stops at the first\nbad file and lists all of its problems; exit code 1.")
	root := dataFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	dir := tasks.DataRoot(*root)
	names, err := setsOrAll(dir, fs.Args())
	if err != nil {
		return err
	}
	for _, name := range names {
		set, err := tasks.LoadSet(dir, name)
		if err != nil {
			fmt.Fprintf(c.stdout, "FAIL  %s\n", name)
			fmt.Fprintln(c.stderr, err)
			return errSilent
		}
		fmt.Fprintf(c.stdout, "ok    %-40s %6d tasks %7d test inputs  %s\n", name, len(set.Tasks), set.TestInputs(), set.Path)
	}
	return nil
}
