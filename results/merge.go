package results

import (
	"encoding/json"
	"io"
	"os"

	"arceval/internal/atomicfile"
	"fmt"
	"strconv"
	"strings"
)

// ParseShard parses "K/N" (1 ≤ K ≤ N).
func ParseShard(s string) (k, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	if ok {
		k, err = strconv.Atoi(a)
		if err == nil {
			n, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || n < 1 || k < 1 || k > n {
		return 0, 0, fmt.Errorf("shard %q: want K/N with 1 ≤ K ≤ N, e.g. 2/8", s)
	}
	return k, n, nil
}

// Merge joins the shards of one run: every header must be the same run (equal
// but for the shard field), the shards K/N must all be present exactly once,
// and no test input may appear twice. The result has the unsharded header and
// the items of shard 1, then 2, ….
func Merge(runs []*Run) (Header, []Item, error) {
	if len(runs) == 0 {
		return Header{}, nil, fmt.Errorf("merge: no run files")
	}
	h := runs[0].Header
	n := 0
	byShard := map[int]*Run{}
	for _, r := range runs {
		if r.Header.ShardBy != h.ShardBy {
			return Header{}, nil, fmt.Errorf("%s: its tasks were split %s, those of %s %s: shards of different arceval versions do not merge; rerun the older ones", r.Path, splitName(r.Header.ShardBy), runs[0].Path, splitName(h.ShardBy))
		}
		if !sameRun(h, r.Header) {
			return Header{}, nil, fmt.Errorf("%s: not a shard of the same run as %s (headers differ beyond the shard field)", r.Path, runs[0].Path)
		}
		if r.Header.Shard == "" {
			return Header{}, nil, fmt.Errorf("%s: not a shard (no shard field in its header)", r.Path)
		}
		k, nk, err := ParseShard(r.Header.Shard)
		if err != nil {
			return Header{}, nil, fmt.Errorf("%s: %v", r.Path, err)
		}
		if n == 0 {
			n = nk
		} else if nk != n {
			return Header{}, nil, fmt.Errorf("%s: shard %s of a %d-way split, %s is of a %d-way split", r.Path, r.Header.Shard, nk, runs[0].Path, n)
		}
		if prev := byShard[k]; prev != nil {
			return Header{}, nil, fmt.Errorf("shard %d/%d given twice: %s and %s", k, n, prev.Path, r.Path)
		}
		byShard[k] = r
	}
	var missing []string
	for k := 1; k <= n; k++ {
		if byShard[k] == nil {
			missing = append(missing, fmt.Sprintf("%d/%d", k, n))
		}
	}
	if len(missing) > 0 {
		return Header{}, nil, fmt.Errorf("merge: shards %s missing", strings.Join(missing, ", "))
	}
	var items []Item
	where := map[string]string{}
	for k := 1; k <= n; k++ {
		r := byShard[k]
		for _, it := range r.Items {
			if p, dup := where[it.Key()]; dup {
				return Header{}, nil, fmt.Errorf("test input %s is in %s and %s", it.Key(), p, r.Path)
			}
			where[it.Key()] = r.Path
			items = append(items, it)
		}
	}
	if len(items) != h.TestInputs {
		return Header{}, nil, fmt.Errorf("merge: the shards hold %d of the run's %d test inputs (resume the incomplete shards first)", len(items), h.TestInputs)
	}
	h.Shard, h.ShardBy = "", ""
	return h, items, nil
}

// WriteFile writes a complete run file atomically (a temporary file renamed
// into place), refusing to replace an existing file unless overwrite is set.
// A new header (Format 0) is written in the current format; a header read
// from run files keeps its format, which says what it holds: merging
// format-1 shards gives a format-1 file (no protocol), not a format-2 file
// without the protocol format 2 promises.
func WriteFile(path string, h Header, items []Item, overwrite bool) error {
	if _, err := os.Stat(path); err == nil && !overwrite {
		return fmt.Errorf("%s exists; remove it or choose another --out", path)
	}
	switch {
	case h.Format == 0:
		h.Format = FormatVersion
	case h.Format < oldestFormat || h.Format > FormatVersion:
		return fmt.Errorf("%s: run file format %d, this arceval writes %d to %d", path, h.Format, oldestFormat, FormatVersion)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w) // one object per line, as Writer writes them
		if err := enc.Encode(h); err != nil {
			return err
		}
		for _, it := range items {
			if err := enc.Encode(it); err != nil {
				return err
			}
		}
		return nil
	})
}

// splitName says how a shard's tasks were split, for errors.
func splitName(by string) string {
	if by == "" {
		return "round-robin (every N-th task, as arceval did before it balanced shards by views)"
	}
	return "balanced by " + by
}
