package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"arceval/tasks"
	"arceval/tasks/fetch"
)

func runDataFetch(c *cli, args []string) error {
	fs := c.newFlags("data fetch", `data fetch [SOURCE ...] [--data DIR] [--verify] [--force]

Downloads the official benchmark sources into the data root. GitHub sources
are archives of pinned commits, every extracted file checked against a
built-in sha256 manifest; Hugging Face CSVs are recorded in fetch.lock.json on
first download and checked against it afterwards. Interrupted downloads
resume. Sources: `+strings.Join(fetch.Names(fetch.Sources()), ", "))
	root := dataFlag(fs)
	verify := fs.Bool("verify", false, "re-hash what is on disk against the manifest and lock file, without network")
	force := fs.Bool("force", false, "download again even when the files on disk verify")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir := tasks.DataRoot(*root)
	f := &fetch.Fetcher{Progress: c.stderr, Force: *force}
	if *verify {
		problems, err := f.Verify(dir, fs.Args()...)
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
	if err := f.Fetch(ctx, dir, fs.Args()...); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "fetched into %s\n", dir)
	return nil
}
