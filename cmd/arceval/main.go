// Command arceval loads the TRM benchmarks (ARC-AGI-1/2, ConceptARC,
// Sudoku-Extreme, Maze-Hard), builds the official datasets and, as the
// project grows, trains, evaluates and compares models on them.
//
// main only wires subcommands; each lives in its own file and the logic lives
// in the library packages.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	if !errors.Is(err, errSilent) {
		fmt.Fprintln(os.Stderr, "arceval:", err)
	}
	os.Exit(exitCode(err))
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(c *cli, args []string) error
}

// cli carries the output streams through a run.
type cli struct {
	stdout, stderr io.Writer
}

// usageError marks bad command-line use (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errSilent is returned after the command already printed its failure.
var errSilent = errors.New("failed")

func exitCode(err error) int {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue usageError
	if errors.As(err, &ue) || errors.Is(err, pflag.ErrHelp) {
		return 2
	}
	return 1
}

func commands() []command {
	return []command{
		{"quickstart", "train and compare TRM, HRM, direct and MLP on generated data (no download)", runQuickstart},
		{"data", "benchmark data: ls, stats, show, validate, build, gen, leakage, fetch", runData},
		{"models", "released checkpoints by name: list, fetch (into the model cache)", runModels},
		{"import", "convert an official PyTorch checkpoint of any model family into a native file", runImport},
		{"train", "train TRM or a baseline with the official recipe; checkpoints, resume, evaluation", runTrain},
		{"reproduce", "the paper's evaluation protocol per benchmark, with the paper's tables beside", runReproduce},
		{"eval", "evaluate a model on a set: per-test-input run file, ARC voting, scores", runEval},
		{"score", "score a run file, or an ARC Prize submission against a set", runScore},
		{"submission", "ARC Prize submissions: validate a file (the competition's checks), write one from a run", runSubmission},
		{"merge", "join the shards of a run into one run file", runMerge},
		{"report", "score tables of runs with CIs; --paper beside the paper; --html page", runReport},
		{"show", "one task of a run in the terminal: input, expected output and both attempts", runShow},
		{"compare", "paired comparison of two runs: deltas, p-values, ~ when not significant", runCompare},
		{"check", "CI accuracy gate: exit 1 when a run is significantly worse than a baseline", runCheck},
		{"init", "write an untrained model of a preset's shape, any family (official initialisation)", runInit},
		{"forward", "run a batch through a model; per-step logits, argmax and Q values as JSON", runForward},
		{"bench", "speed of a model family's released shapes (inference, or --train); TRM beside PyTorch", runBench},
		{"version", "print version, VCS revision, Go version and kernel", runVersion},
		{"help", "show help for a command", runHelp},
	}
}

// run executes one arceval invocation; it is main without the process.
func run(args []string, stdout, stderr io.Writer) error {
	c := &cli{stdout: stdout, stderr: stderr}
	if err := selectBF16Kernel(); err != nil {
		return err
	}
	if len(args) == 0 {
		c.usage(stderr)
		return usageError{"no command given"}
	}
	switch args[0] {
	case "-h", "--help":
		c.usage(stdout)
		return nil
	case "--version":
		return runVersion(c, nil)
	}
	for _, cmd := range commands() {
		if cmd.name == args[0] {
			err := cmd.run(c, args[1:])
			if errors.Is(err, pflag.ErrHelp) {
				return nil
			}
			return err
		}
	}
	c.usage(stderr)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprintln(w, "arceval — the Tiny Recursion Model benchmarks on any CPU")
	fmt.Fprintln(w, "\nUsage: arceval <command> [arguments]\n\nCommands:")
	for _, cmd := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprintln(w, "\nRun `arceval help <command>` for details.")
}

func runHelp(c *cli, args []string) error {
	if len(args) == 0 {
		c.usage(c.stdout)
		return nil
	}
	switch args[0] {
	case "data":
		return runData(c, append(args[1:], "--help"))
	case "models":
		return runModels(c, append(args[1:], "--help"))
	}
	if args[0] == "submission" {
		return runSubmission(c, append(args[1:], "--help"))
	}
	for _, cmd := range commands() {
		if cmd.name == args[0] {
			return cmd.run(c, []string{"--help"})
		}
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

// newFlags returns a flag set that reports errors instead of exiting and
// prints usage to stderr.
func (c *cli) newFlags(name, usage string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprintf(c.stderr, "Usage: arceval %s\n", strings.TrimSpace(usage))
		if fs.HasFlags() {
			fmt.Fprintln(c.stderr, "\nFlags:")
			fmt.Fprint(c.stderr, fs.FlagUsages())
		}
	}
	return fs
}

// parse parses flags, turning parse failures into usage errors.
func parse(fs *pflag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return err
		}
		fs.Usage()
		return usageError{err.Error()}
	}
	return nil
}
