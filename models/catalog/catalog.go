// Package catalog lists the public TRM and HRM checkpoints arceval knows by
// name: where each is downloaded from, its size and sha256 where known, the
// model family and preset it loads with, and the data set (build) it was
// trained on, which its evaluation needs.
//
// The package is only the table and the model cache's layout; downloading
// is harness.FetchModel. Nothing here was invented: every size and hash
// says where it comes from, and a hash that could not be checked from here
// is marked unverified (the download is then checked by size, and the hash
// it has is recorded on first use).
package catalog

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// A File is one file of a Hugging Face model repository.
type File struct {
	Repo     string // model repository, e.g. "arcprize/trm_arc_prize_verification"
	Revision string // branch, tag or commit; "" means main
	Path     string // path inside the repository

	Size     int64  // bytes; 0 when not known (checked only when known)
	Approx   string // a display-only size when Size is not known, e.g. "≈ 109 MB"
	SHA256   string // hex; "" when not known
	Verified bool   // SHA256 was checked from here: a mismatch is an error. Otherwise only Size is checked
	Origin   string // where Size and SHA256 come from
}

// A Build is the data set a checkpoint was trained on.
type Build struct {
	Desc string // what it is, e.g. "TRM's ARC-AGI-1 build: training, evaluation, concept; 1000 augmentations, seed 42"
	// Sets are the sets `eval` uses by default (Sudoku, Maze), the first
	// one found; none for ARC, whose evaluation is the build's test split.
	Sets []string
	// Command writes the build with arceval ("" when arceval cannot).
	Command string
	// Identifiers is the number of rows of the checkpoint's puzzle table
	// (incl. the blank): a build with another count was not the one it was
	// trained on. 0: the table holds the blank only (no per-puzzle ids).
	Identifiers int
}

// An Entry is one released checkpoint.
type Entry struct {
	Name      string // catalog name, e.g. "trm-arc1-arcprize"
	Desc      string // one line
	Family    string // model kind: "trm" or "hrm"
	Preset    string // the family's preset it loads with
	Benchmark string // `arceval reproduce` benchmark: sudoku, maze, arc1 or arc2
	Trainer   string // who trained it, and how (official release or a re-training)
	Weights   File
	Build     Build
}

// SizeText describes the weights' size for people.
func (e Entry) SizeText() string {
	if e.Weights.Size > 0 {
		return humanBytes(e.Weights.Size)
	}
	if e.Weights.Approx != "" {
		return e.Weights.Approx
	}
	return "size not known"
}

// HashText says how the weights are checked.
func (e Entry) HashText() string {
	switch {
	case e.Weights.SHA256 != "" && e.Weights.Verified:
		return "sha256 verified"
	case e.Weights.SHA256 != "":
		return "sha256 unverified (size checked; published hash compared)"
	case e.Weights.Size > 0:
		return "sha256 unverified (size checked; hash recorded on first download)"
	}
	return "unverified (hash recorded on first download)"
}

// FileName is the weights' file name in the cache.
func (e Entry) FileName() string { return path.Base(e.Weights.Path) }

// Key is the weights' slash-separated path under the cache directory (also
// their key in the cache's lock file).
func (e Entry) Key() string { return e.Name + "/" + e.FileName() }

// Path is where the weights are in the cache directory dir.
func (e Entry) Path(dir string) string { return filepath.Join(dir, e.Name, e.FileName()) }

// EnvDir names the environment variable that sets the model cache.
const EnvDir = "ARCEVAL_MODELS"

// Dir returns the model cache: $ARCEVAL_MODELS, else arceval/models in the
// user cache directory (e.g. ~/.cache/arceval/models).
func Dir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no model cache directory: set $%s (%v)", EnvDir, err)
	}
	return filepath.Join(base, "arceval", "models"), nil
}

// Lookup returns the entry named name.
func Lookup(name string) (Entry, bool) {
	for _, e := range Entries() {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Names returns the catalog's names in order.
func Names() []string {
	var names []string
	for _, e := range Entries() {
		names = append(names, e.Name)
	}
	return names
}

// Select returns the named entries (all if names is empty), or an error
// naming the unknown ones.
func Select(names []string) ([]Entry, error) {
	all := Entries()
	if len(names) == 0 {
		return all, nil
	}
	var out []Entry
	var unknown []string
	for _, n := range names {
		i := slices.IndexFunc(all, func(e Entry) bool { return e.Name == n })
		if i < 0 {
			unknown = append(unknown, n)
			continue
		}
		out = append(out, all[i])
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown model %s (known: %s)", strings.Join(unknown, ", "), strings.Join(Names(), ", "))
	}
	return out, nil
}

// humanBytes formats a byte count in SI units (as Hugging Face shows them).
func humanBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}
