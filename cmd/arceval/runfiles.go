package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"arceval/internal/userfile"
)

// runFiles expands run-file arguments (report, and reproduce through it): a
// file is itself; a folder (e.g. a reproduce --out folder) stands for its
// complete runs — its *.jsonl files, sorted by name, but shard files.
//
// The shard rule: a shard (a header with a shard field, written by eval
// --shard) holds part of a run whose header counts every shard's test
// inputs, so alone it scores the others as missing, and beside the merged
// file it would list the same run twice. A folder therefore skips its shards
// and says so on stderr (merge them with `arceval merge`); a shard named as
// a file is reported, with the lone-shard warning reports give it. The
// header is read, not the file name, so any eval --shard --out name is
// recognised. A folder with no complete run is an error naming it.
func runFiles(stderr io.Writer, args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil || !st.IsDir() {
			out = append(out, a) // LoadRuns reports a missing file
			continue
		}
		matches, err := filepath.Glob(filepath.Join(a, "*.jsonl"))
		if err != nil {
			return nil, err
		}
		sort.Strings(matches)
		var runs, shards []string
		for _, m := range matches {
			if shard := headerShard(m); shard != "" {
				shards = append(shards, fmt.Sprintf("%s (shard %s)", filepath.Base(m), shard))
				continue
			}
			runs = append(runs, m)
		}
		if len(shards) > 0 {
			fmt.Fprintf(stderr, "%s: skipping shard files %s: a shard is part of a run; merge them with `arceval merge` (the merged file is reported)\n", a, strings.Join(shards, ", "))
		}
		if len(runs) == 0 {
			if len(shards) > 0 {
				return nil, fmt.Errorf("%s: only shards of runs, no complete run file: merge them with `arceval merge`", a)
			}
			return nil, fmt.Errorf("%s: a folder without run files (*.jsonl)", a)
		}
		out = append(out, runs...)
	}
	return out, nil
}

// headerShard returns the shard field of a run file's header line, "" when
// it has none or the line cannot be read (LoadRuns then reports the file).
func headerShard(path string) string {
	f, err := userfile.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 1<<20)).ReadBytes('\n')
	if err != nil && err != io.EOF {
		return ""
	}
	var h struct {
		Shard string `json:"shard"`
	}
	if json.Unmarshal(line, &h) != nil {
		return ""
	}
	return h.Shard
}
