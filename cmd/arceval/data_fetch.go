package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"arceval/models/catalog"
	"arceval/tasks"
	"arceval/tasks/fetch"
)

// splitModelNames separates the catalog's checkpoint names from the data
// source names (or anything else, which the fetcher reports).
func splitModelNames(args []string) (data, models []string) {
	for _, a := range args {
		if _, ok := catalog.Lookup(a); ok {
			models = append(models, a)
		} else {
			data = append(data, a)
		}
	}
	return data, models
}

func runDataFetch(c *cli, args []string) error {
	fs := c.newFlags("data fetch", `data fetch [SOURCE ...] [--data DIR] [--verify] [--force]

Downloads the official benchmark sources into the data root. GitHub sources
are archives of pinned commits, every extracted file checked against a
built-in sha256 manifest; Hugging Face CSVs are recorded in fetch.lock.json on
first download and checked against it afterwards. Interrupted downloads
resume. Sources: `+strings.Join(fetch.Names(fetch.Sources()), ", ")+`.
A released checkpoint's name (`+"`arceval models list`"+`) fetches it into the
model cache, as `+"`arceval models fetch`"+` does.`)
	root := dataFlag(fs)
	verify := fs.Bool("verify", false, "re-hash what is on disk against the manifest and lock file, without network")
	force := fs.Bool("force", false, "download again even when the files on disk verify")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir := tasks.DataRoot(*root)
	names, modelNames := splitModelNames(fs.Args())
	if len(modelNames) > 0 {
		if *verify {
			return usageError{"data fetch --verify: checkpoints are checked by `arceval models fetch`"}
		}
		entries, err := catalog.Select(modelNames)
		if err != nil {
			return err
		}
		if err := fetchModels(c, entries, *force); err != nil || len(names) == 0 {
			return err
		}
	}
	f := &fetch.Fetcher{Progress: c.stderr, Force: *force, HFBase: fetch.HFEndpoint()}
	if *verify {
		problems, err := f.Verify(dir, names...)
		if err != nil {
			return err
		}
		for _, p := range problems {
			fmt.Fprintf(c.stderr, "%s: %s: %s\n", p.Source, p.Path, p.Kind)
		}
		if len(problems) > 0 {
			return fmt.Errorf("%d files do not verify under %s", len(problems), dir)
		}
		fmt.Fprintf(c.stdout, "all fetched files under %s verify\n", dir)
		return nil
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := f.Fetch(ctx, dir, names...); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "fetched into %s\n", dir)
	return nil
}
