package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"

	"arceval/harness"
	"arceval/models/catalog"
	"arceval/tasks/fetch"
)

// modelsCommands are the `arceval models …` subcommands.
func modelsCommands() []command {
	return []command{
		{"list", "the released checkpoints arceval knows by name, and which are in the model cache", runModelsList},
		{"fetch", "download released checkpoints into the model cache (resume, size and sha256 checks)", runModelsFetch},
	}
}

func runModels(c *cli, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		w := c.stdout
		if len(args) == 0 {
			w = c.stderr
		}
		modelsUsage(w)
		if len(args) == 0 {
			return usageError{"models: no subcommand given"}
		}
		return nil
	}
	for _, sub := range modelsCommands() {
		if sub.name == args[0] {
			return sub.run(c, args[1:])
		}
	}
	modelsUsage(c.stderr)
	return usageError{fmt.Sprintf("models: unknown subcommand %q", args[0])}
}

func modelsUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: arceval models <subcommand> [arguments]\n\nSubcommands:")
	for _, sub := range modelsCommands() {
		fmt.Fprintf(w, "  %-6s %s\n", sub.name, sub.summary)
	}
	fmt.Fprintf(w, "\nThe model cache is $%s, else arceval/models in the user cache directory.\n", catalog.EnvDir)
	fmt.Fprintln(w, "eval, import and reproduce take a catalog name wherever they take a model file.")
}

// newModelCache opens the model cache with the official endpoints ($HF_ENDPOINT
// for a mirror) and progress on stderr.
func newModelCache(c *cli) (*harness.ModelCache, error) {
	dir, err := catalog.Dir()
	if err != nil {
		return nil, err
	}
	f := &fetch.Fetcher{Progress: c.stderr, HFBase: fetch.HFEndpoint()}
	return &harness.ModelCache{Dir: dir, Fetcher: f, Out: c.stderr}, nil
}

type modelRow struct {
	Name      string `json:"name"`
	Family    string `json:"family"`
	Preset    string `json:"preset"`
	Benchmark string `json:"benchmark"`
	URL       string `json:"url"`
	Size      int64  `json:"size,omitempty"`
	SizeText  string `json:"size_text"`
	SHA256    string `json:"sha256,omitempty"`
	Verified  bool   `json:"sha256_verified"`
	Check     string `json:"check"`
	Origin    string `json:"origin"`
	Trainer   string `json:"trainer"`
	Build     string `json:"build"`
	BuildCmd  string `json:"build_command,omitempty"`
	Sets      string `json:"sets,omitempty"`
	Cached    string `json:"cached,omitempty"` // path when in the cache
	Desc      string `json:"desc"`
}

func runModelsList(c *cli, args []string) error {
	fs := c.newFlags("models list", `models list [--format text|json] [--long]

Lists the released checkpoints by name: family and preset, the benchmark
`+"`reproduce`"+` runs them on, size, how the download is checked (a sha256 that
could not be verified from here is marked unverified: the size is checked and
the hash recorded on the first download), and whether they are in the model
cache. --long adds the URL, the trainer and the data set each needs.`)
	format := formatFlag(fs, "text", "json")
	long := fs.Bool("long", false, "also the URL, trainer, hash origin and build of each")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkChoice("format", *format, "text", "json"); err != nil {
		return err
	}
	mc, err := newModelCache(c)
	if err != nil {
		return err
	}
	var rows []modelRow
	for _, e := range catalog.Entries() {
		r := modelRow{Name: e.Name, Family: e.Family, Preset: e.Preset, Benchmark: e.Benchmark,
			URL:  mc.Fetcher.ModelURL(e.Weights.Repo, e.Weights.Revision, e.Weights.Path),
			Size: e.Weights.Size, SizeText: e.SizeText(), SHA256: e.Weights.SHA256, Verified: e.Weights.Verified,
			Check: e.HashText(), Origin: e.Weights.Origin, Trainer: e.Trainer, Build: e.Build.Desc, BuildCmd: e.Build.Command,
			Sets: strings.Join(e.Build.Sets, " or "), Desc: e.Desc}
		if path, ok, _ := mc.Cached(e); ok {
			r.Cached = path
		}
		rows = append(rows, r)
	}
	if *format == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	fmt.Fprintf(c.stdout, "model cache: %s\n\n", mc.Dir)
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFAMILY\tPRESET\tBENCHMARK\tSIZE\tCHECK\tCACHED")
	for _, r := range rows {
		cached := "no"
		if r.Cached != "" {
			cached = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Family, r.Preset, r.Benchmark, r.SizeText, r.Check, cached)
	}
	tw.Flush()
	if *long {
		for _, r := range rows {
			fmt.Fprintf(c.stdout, "\n%s — %s\n  url:     %s\n  trainer: %s\n  hash:    %s\n  build:   %s\n", r.Name, r.Desc, r.URL, r.Trainer, r.Origin, r.Build)
			if r.BuildCmd != "" {
				fmt.Fprintf(c.stdout, "           %s\n", r.BuildCmd)
			}
			if r.Sets != "" {
				fmt.Fprintf(c.stdout, "  eval on: %s\n", r.Sets)
			}
		}
	}
	fmt.Fprintln(c.stdout, "\nFetch with `arceval models fetch NAME`; use a NAME as --model in eval and reproduce, or as import's checkpoint.")
	return nil
}

func runModelsFetch(c *cli, args []string) error {
	fs := c.newFlags("models fetch", `models fetch NAME ... [--force]

Downloads released checkpoints into the model cache ($`+catalog.EnvDir+`, else
arceval/models in the user cache directory) from Hugging Face ($HF_ENDPOINT
for a mirror). Interrupted downloads resume. Each file is checked against
the catalog's size and, where the catalog's sha256 is verified, its hash; an
unverified hash is compared and reported, and the hash that arrived is
recorded in the cache's `+fetch.LockFile+` and checked from then on. A file
already in the cache is re-hashed and kept when it checks. Names: `+strings.Join(catalog.Names(), ", "))
	force := fs.Bool("force", false, "download again even when the cached file checks")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageError{"models fetch: name at least one model (see `arceval models list`)"}
	}
	entries, err := catalog.Select(fs.Args())
	if err != nil {
		return usageError{err.Error()}
	}
	return fetchModels(c, entries, *force)
}

// fetchModels downloads entries into the model cache, trying every one and
// returning the joined errors.
func fetchModels(c *cli, entries []catalog.Entry, force bool) error {
	mc, err := newModelCache(c)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var failed []string
	for _, e := range entries {
		path, err := mc.Fetch(ctx, e, force)
		if ctx.Err() != nil {
			return fmt.Errorf("interrupted: run the same command again to resume")
		}
		if err != nil {
			fmt.Fprintf(c.stderr, "%v\n", err)
			failed = append(failed, e.Name)
			continue
		}
		fmt.Fprintf(c.stdout, "%s\t%s\n", e.Name, path)
	}
	if len(failed) > 0 {
		return fmt.Errorf("could not fetch %s", strings.Join(failed, ", "))
	}
	return nil
}
