package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"strings"

	"arceval/harness"
	"arceval/models/catalog"
	"arceval/models/registry"
	"arceval/tasks"
)

// resolveModelArg turns a model argument into a file. A file that exists is
// itself (it wins over a catalog name); a catalog name is its weights in the
// model cache, downloaded first when fetchIt is set, else an error that says
// how to fetch them. Anything else is returned unchanged, for the loader to
// report.
func resolveModelArg(c *cli, arg string, fetchIt bool) (string, *catalog.Entry, error) {
	if arg == "" {
		return arg, nil, nil
	}
	ep := catalogName(arg)
	if ep == nil {
		return arg, nil, nil
	}
	e := *ep
	mc, err := newModelCache(c)
	if err != nil {
		return "", nil, err
	}
	path, cached, err := mc.Cached(e)
	if err != nil {
		return "", nil, err
	}
	if !cached {
		if !fetchIt {
			return "", nil, fmt.Errorf("%s is a released checkpoint (%s) that is not in the model cache %s: download it with `arceval models fetch %s`, or pass --fetch", e.Name, e.SizeText(), mc.Dir, e.Name)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		if path, err = mc.Fetch(ctx, e, false); err != nil {
			return "", nil, err
		}
	}
	fmt.Fprintf(c.stderr, "model %s: %s (%s, preset %s)\n", e.Name, path, e.Family, e.Preset)
	return path, &e, nil
}

// catalogName returns the catalog entry arg names, unless arg is a file
// that exists (a file wins over a catalog name).
func catalogName(arg string) *catalog.Entry {
	if _, err := os.Stat(arg); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if e, ok := catalog.Lookup(arg); ok {
		return &e
	}
	return nil
}

// applyEntry fills the family and preset of a catalog entry into flags the
// user left empty; a --kind that contradicts the entry is an error.
func applyEntry(e *catalog.Entry, kind, preset *string, config string) error {
	if e == nil {
		return nil
	}
	if *kind == "" {
		*kind = e.Family
	} else if fam, err := registry.Lookup(*kind); err != nil || fam.Kind() != e.Family {
		return usageError{fmt.Sprintf("--kind %s, but %s is a %s checkpoint", *kind, e.Name, e.Family)}
	}
	if *preset == "" && config == "" {
		*preset = e.Preset
	}
	return nil
}

// checkModelSum checks the sha256 computed of a catalog checkpoint against
// the catalog or the model cache's record, printing a note about an
// unverified published hash.
func checkModelSum(c *cli, e *catalog.Entry, path, sum string) error {
	if e == nil {
		return nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	mc, err := newModelCache(c)
	if err != nil {
		return err
	}
	note, err := mc.Check(*e, st.Size(), sum)
	if err != nil {
		return fmt.Errorf("%w: fetch it again with `arceval models fetch --force %s`", err, e.Name)
	}
	if strings.HasPrefix(note, "warning") {
		fmt.Fprintln(c.stderr, note)
	}
	return nil
}

// defaultEvalSet is the set a Sudoku or Maze checkpoint is evaluated on
// (the first of its sets found); an ARC checkpoint needs its build.
func defaultEvalSet(e *catalog.Entry, root string) (string, error) {
	if len(e.Build.Sets) == 0 {
		return "", usageError{buildHint(e, "--set BUILD/test")}
	}
	for _, name := range e.Build.Sets {
		if spec, ok := tasks.LookupSet(name); ok {
			if _, found := spec.Locate(root); found {
				return name, nil
			}
		}
	}
	return "", fmt.Errorf("%s is evaluated on %s; none is under the data root %s (see `arceval data fetch`)", e.Name, strings.Join(e.Build.Sets, " or "), root)
}

// buildHint says which build an ARC checkpoint needs and how to make it.
func buildHint(e *catalog.Entry, use string) string {
	how := "arceval cannot write it"
	if e.Build.Command != "" {
		how = "write it with `" + e.Build.Command + "`"
	}
	return fmt.Sprintf("%s was trained on %s: its puzzle identifiers are rows of the checkpoint's table, so it is evaluated on that build's test split (%s); %s", e.Name, e.Build.Desc, use, how)
}

// checkBuild refuses a built split whose puzzle identifiers are not the
// ones a catalog checkpoint was trained with: its views would look up
// other puzzles' rows (TRM issues #55 and #60 report 0-2 % that way).
func checkBuild(e *catalog.Entry, split string) error {
	if e == nil || e.Build.Identifiers == 0 || !harness.IsBuilt(split) {
		return nil
	}
	meta, err := tasks.ReadBuiltMeta(split)
	if err != nil {
		return err
	}
	if meta.NumPuzzleIdentifiers != e.Build.Identifiers {
		return fmt.Errorf("%s has %d puzzle identifiers, but %s's puzzle table has %d rows. %s (or pass --puzzle-id blank to run without them, knowingly)",
			split, meta.NumPuzzleIdentifiers, e.Name, e.Build.Identifiers, buildHint(e, "its test/ folder"))
	}
	return nil
}
