package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// dataCommands are the `arceval data …` subcommands.
func dataCommands() []command {
	return []command{
		{"ls", "list the known sets, where they are found and their sizes", runDataLs},
		{"stats", "statistics of sets (tasks, test inputs, sizes, colours, ratings, path lengths)", runDataStats},
		{"show", "render a task's grids in the terminal", runDataShow},
		{"validate", "check whole sets; exits non-zero at the first bad file, listing its problems", runDataValidate},
		{"build", "write an official TRM/HRM built-dataset folder (arc, sudoku, maze)", runDataBuild},
		{"gen", "generate Sudoku or maze puzzles as a CSV (built-in data, no download)", runDataGen},
		{"leakage", "audit overlap between evaluation and training sets", runDataLeakage},
		{"fetch", "download the official benchmark sources with sha256 checks", runDataFetch},
	}
}

func runData(c *cli, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := c.stdout
		if len(args) == 0 {
			w = c.stderr
		}
		dataUsage(w)
		if len(args) == 0 {
			return usageError{"data: no subcommand given"}
		}
		return nil
	}
	for _, sub := range dataCommands() {
		if sub.name == args[0] {
			return sub.run(c, args[1:])
		}
	}
	dataUsage(c.stderr)
	return usageError{fmt.Sprintf("data: unknown subcommand %q", args[0])}
}

func dataUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: arceval data <subcommand> [arguments]\n\nSubcommands:")
	for _, sub := range dataCommands() {
		fmt.Fprintf(w, "  %-9s %s\n", sub.name, sub.summary)
	}
	fmt.Fprintln(w, "\nThe data root is --data DIR, else $ARCEVAL_DATA, else ./data.")
}

// dataFlag adds the shared --data flag.
func dataFlag(fs *pflag.FlagSet) *string {
	return fs.String("data", "", "data root (default $ARCEVAL_DATA, else ./data)")
}

// formatFlag adds --format with the given choices; the first is the default.
func formatFlag(fs *pflag.FlagSet, choices ...string) *string {
	return fs.String("format", choices[0], "output format: "+strings.Join(choices, "|"))
}

func checkChoice(flag, value string, choices ...string) error {
	for _, c := range choices {
		if c == value {
			return nil
		}
	}
	return usageError{fmt.Sprintf("--%s %q: want one of %s", flag, value, strings.Join(choices, ", "))}
}
