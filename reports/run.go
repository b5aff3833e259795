package reports

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"arceval/results"
)

// Run is a run file read and scored.
type Run struct {
	Path     string
	Name     string // display name (the file's base name, the path when two runs share it)
	Header   results.Header
	Items    []results.Item
	Summary  results.Summary
	Warnings []string // for stderr: torn last line, a lone shard
}

// LoadRun reads and scores a run file.
func LoadRun(path string) (*Run, error) {
	rf, err := results.Read(path)
	if err != nil {
		return nil, err
	}
	r, err := NewRun(path, rf.Header, rf.Items)
	if err != nil {
		return nil, err
	}
	if rf.TornBytes > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s: ignored an incomplete last record (%d bytes); the run was interrupted", path, rf.TornBytes))
	}
	return r, nil
}

// NewRun scores the items of a run.
func NewRun(path string, h results.Header, items []results.Item) (*Run, error) {
	s, err := results.Score(h, items)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if h.TaskKind != "arc" && h.TaskKind != "sudoku" && h.TaskKind != "maze" {
		return nil, fmt.Errorf("%s: unknown task kind %q in the header", path, h.TaskKind)
	}
	r := &Run{Path: path, Name: filepath.Base(path), Header: h, Items: items, Summary: s}
	if h.Shard != "" {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s: shard %s only; the other shards' test inputs count as missing (merge the shards first)", path, h.Shard))
	}
	return r, nil
}

// LoadRuns loads several run files and gives them distinct display names.
func LoadRuns(paths []string) ([]*Run, error) {
	var runs []*Run
	for _, p := range paths {
		r, err := LoadRun(p)
		if err != nil {
			return nil, err
		}
		runs = append(runs, r)
	}
	nameRuns(runs)
	return runs, nil
}

// nameRuns sets display names: base names, or the paths when two runs share
// a base name.
func nameRuns(runs []*Run) {
	seen := map[string]int{}
	for _, r := range runs {
		seen[filepath.Base(r.Path)]++
	}
	for _, r := range runs {
		r.Name = filepath.Base(r.Path)
		if seen[r.Name] > 1 {
			r.Name = r.Path
		}
	}
}

// modelConfig holds the config fields reports show.
type modelConfig struct {
	HCycles int  `json:"H_cycles"`
	LCycles int  `json:"L_cycles"`
	LLayers int  `json:"L_layers"`
	MLPT    bool `json:"mlp_t"`
}

func (r *Run) config() modelConfig {
	var c modelConfig
	if len(r.Header.ModelConfig) > 0 {
		json.Unmarshal(r.Header.ModelConfig, &c)
	}
	return c
}

// Method is the run's model as the paper names its rows: trm-att, trm-mlp,
// hrm, direct (the transformer baseline), or the header's model kind.
func (r *Run) Method() string {
	switch r.Header.ModelKind {
	case "trm":
		if r.config().MLPT {
			return "trm-mlp"
		}
		return "trm-att"
	case "transformer_baseline":
		return "direct"
	}
	return r.Header.ModelKind
}

// Model is the method with the first 12 hex digits of the checkpoint's sha256.
func (r *Run) Model() string {
	m := r.Method()
	if len(r.Header.ModelSHA256) >= 12 {
		m += " " + r.Header.ModelSHA256[:12]
	}
	return m
}

// Benchmark is the paper's benchmark the run's set measures ("" if none):
// arc-agi-1, arc-agi-2, sudoku-extreme or maze-hard.
func (r *Run) Benchmark() string {
	set := r.Header.Set
	switch {
	case set == "arc-agi-1/evaluation" || set == "trm-kaggle/evaluation":
		return "arc-agi-1"
	case set == "arc-agi-2/evaluation" || set == "trm-kaggle/evaluation2":
		return "arc-agi-2"
	case set == "sudoku-extreme/test" || r.StratifiedSudoku():
		return "sudoku-extreme"
	case set == "maze-hard/test":
		return "maze-hard"
	}
	return ""
}

// StratifiedSudoku reports whether the run is on the stratified Sudoku-Extreme
// test sample (equal numbers of puzzles per rating bucket).
func (r *Run) StratifiedSudoku() bool {
	s := r.Header.Set
	return r.Header.TaskKind == "sudoku" && strings.Contains(s, "sudoku-extreme") &&
		(strings.Contains(s, "test-sample") || strings.Contains(s, "test_sample"))
}

// Protocol describes how the run measured: views, steps, recursion (H and L
// cycles), the halting flag, and the subset.
func (r *Run) Protocol() string {
	h := r.Header
	var parts []string
	if h.TaskKind == "arc" {
		parts = append(parts, plural(h.Views, "view"))
	}
	parts = append(parts, plural(h.Steps, "step"))
	if c := r.config(); c.LCycles > 0 {
		parts = append(parts, fmt.Sprintf("H_cycles %d, L_cycles %d", c.HCycles, c.LCycles))
	}
	if halt, _ := h.Flags["halt"].(bool); halt {
		parts = append(parts, "early halting")
	}
	if h.Subset != "" {
		parts = append(parts, "SUBSET "+h.Subset)
	}
	return strings.Join(parts, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
