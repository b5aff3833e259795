package main

import (
	"fmt"

	"path/filepath"
	"strings"
	"time"

	"arceval/tasks"
	"arceval/tasks/build"
)

func runDataBuild(c *cli, args []string) error {
	fs := c.newFlags("data build", `data build arc|sudoku|maze --out DIR [flags]

Writes an official TRM/HRM built-dataset folder. arc reproduces the official
build_arc_dataset.py bit for bit (numpy's seeded stream): the identifiers and
arrays released ARC checkpoints were trained with. sudoku and maze match the
official format (their official builders are unseeded or deterministic).`)
	root := dataFlag(fs)
	out := fs.String("out", "", "output folder (written as DIR.partial, renamed when complete)")
	force := fs.Bool("force", false, "replace an existing output folder")
	seed := fs.Uint32("seed", 42, "numpy seed of the build")
	numAug := fs.Int("num-aug", -1, "augmented copies per puzzle (default arc 1000, sudoku 0; maze: >0 turns on the 8 dihedral copies)")
	prefix := fs.String("input-prefix", "", "arc: Kaggle file prefix (default <data>/trm-kaggle-combined/arc-agi)")
	subsets := fs.String("subsets", "training,evaluation,concept", "arc: comma-separated subsets, in order")
	testSet := fs.String("test-set", "evaluation", "arc: subset whose test pairs form the test split")
	testSet2 := fs.String("test-set2", "evaluation2", "arc: second test subset (official default)")
	trainSet := fs.String("train", "", "sudoku/maze: training set name or CSV path (default sudoku-extreme/train, else train-sample-1k; maze-hard/train)")
	evalSet := fs.String("test", "", "sudoku/maze: test set name or CSV path (default sudoku-extreme/test, else test-sample-1200; maze-hard/test)")
	subsample := fs.Int("subsample", 0, "sudoku/maze: keep this many training puzzles (numpy choice without replacement)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"data build: name one of arc, sudoku, maze"}
	}
	if *out == "" {
		return usageError{"data build: --out is required"}
	}
	dir := tasks.DataRoot(*root)
	progress := newProgress(c.stderr)
	start := time.Now()
	defer progress.done()
	switch fs.Arg(0) {
	case "arc":
		if *prefix == "" {
			*prefix = filepath.Join(dir, "trm-kaggle-combined", "arc-agi")
		}
		cfg := build.DefaultARCConfig(*prefix, *out)
		cfg.Subsets = strings.Split(*subsets, ",")
		cfg.TestSet, cfg.TestSet2, cfg.Seed, cfg.Force = *testSet, *testSet2, *seed, *force
		if *numAug >= 0 {
			cfg.NumAug = *numAug
		}
		cfg.Progress = progress.update
		stats, err := build.BuildARC(cfg)
		if err != nil {
			return err
		}
		progress.done()
		fmt.Fprintf(c.stdout, "wrote %s: %d puzzle identifiers (incl. <blank>)\n", *out, stats.Identifiers)
		for _, split := range []string{build.SplitTrain, build.SplitTest} {
			if st, ok := stats.Splits[split]; ok {
				fmt.Fprintf(c.stdout, "  %-5s %d groups, %d puzzles, %d examples\n", split, st.Groups, st.Puzzles, st.Examples)
			}
		}
		if len(stats.ShortGroups) > 0 {
			fmt.Fprintf(c.stdout, "  %d tasks have fewer than num-aug+1 distinct copies (as in the official build)\n", len(stats.ShortGroups))
		}
	case "sudoku", "maze":
		kind := tasks.Sudoku
		trainNames := []string{"sudoku-extreme/train", "sudoku-extreme/train-sample-1k"}
		testNames := []string{"sudoku-extreme/test", "sudoku-extreme/test-sample-1200"}
		if fs.Arg(0) == "maze" {
			kind = tasks.Maze
			trainNames, testNames = []string{"maze-hard/train"}, []string{"maze-hard/test"}
		}
		train, err := loadFirst(dir, *trainSet, trainNames)
		if err != nil {
			return err
		}
		test, err := loadFirst(dir, *evalSet, testNames)
		if err != nil {
			return err
		}
		cfg := build.BoardConfig{Train: train.Tasks, Test: test.Tasks, Subsample: *subsample, NumAug: max(*numAug, 0),
			Seed: *seed, Out: *out, Force: *force, Progress: progress.update}
		if kind == tasks.Sudoku {
			err = build.BuildSudoku(cfg)
		} else {
			err = build.BuildMaze(cfg)
		}
		if err != nil {
			return err
		}
		progress.done()
		fmt.Fprintf(c.stdout, "wrote %s from %s (train) and %s (test)\n", *out, train.Name, test.Name)
	default:
		return usageError{fmt.Sprintf("data build: unknown dataset %q (want arc, sudoku or maze)", fs.Arg(0))}
	}
	fmt.Fprintf(c.stdout, "  took %s, peak RSS %d MB\n", time.Since(start).Round(time.Millisecond), peakRSSMB())
	return nil
}

// loadFirst loads the named set, or the first default found.
func loadFirst(root, name string, defaults []string) (*tasks.Set, error) {
	if name != "" {
		return tasks.LoadSet(root, name)
	}
	for _, n := range defaults {
		if spec, ok := tasks.LookupSet(n); ok {
			if _, found := spec.Locate(root); found {
				return tasks.LoadSet(root, n)
			}
		}
	}
	return nil, fmt.Errorf("none of %s found under %q", strings.Join(defaults, ", "), root)
}
