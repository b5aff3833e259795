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

// NewRun scores the items of a run. A run on a set without answers (a
// hidden test set) has nothing to report, compare or gate on: it is refused,
// naming what it is for.
func NewRun(path string, h results.Header, items []results.Item) (*Run, error) {
	if h.NoAnswers {
		return nil, fmt.Errorf("%s: a run on a set without answers (%s): it holds predictions, no scores; its use is the submission (eval --submission)", path, h.Set)
	}
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
	HCycles      int  `json:"H_cycles"`
	LCycles      int  `json:"L_cycles"`
	LLayers      int  `json:"L_layers"`
	MLPT         bool `json:"mlp_t"`
	HaltMaxSteps int  `json:"halt_max_steps"`
}

func (r *Run) config() modelConfig { return configOf(r.Header) }

func configOf(h results.Header) modelConfig {
	var c modelConfig
	if len(h.ModelConfig) > 0 {
		json.Unmarshal(h.ModelConfig, &c)
	}
	return c
}

// trainDepth is the supervision steps the model was trained to use
// (halt_max_steps): the protocol's, else the model config's (0 unknown).
func (r *Run) trainDepth() int {
	if p := r.Header.Protocol; p != nil {
		return p.TrainDepth
	}
	return r.config().HaltMaxSteps
}

// Method is the run's model as the paper names its rows: trm-att, trm-mlp,
// hrm, direct (the transformer baseline trained and run for one step, the
// paper's "Direct pred"), transformer-act (the transformer baseline with
// the ACT loop and deep supervision: no paper row), or the header's model
// kind.
func (r *Run) Method() string {
	switch r.Header.ModelKind {
	case "trm":
		if r.config().MLPT {
			return "trm-mlp"
		}
		return "trm-att"
	case "transformer_baseline":
		if r.trainDepth() == 1 {
			return "direct"
		}
		return "transformer-act"
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

// Benchmark is the benchmark the run's set measures, identified from the
// set's content when it was evaluated (results.KnownSets): arc-agi-1,
// arc-agi-2, concept-arc, sudoku-extreme or maze-hard; "" when the set is
// not a known one or the protocol was not recorded.
func (r *Run) Benchmark() string {
	if p := r.Header.Protocol; p != nil {
		return p.Benchmark
	}
	return ""
}

// StratifiedSudoku reports whether the run is on the stratified Sudoku-Extreme
// test sample (equal numbers of puzzles per rating bucket): by its identity,
// or, for a run without a protocol, by its set's name.
func (r *Run) StratifiedSudoku() bool {
	if p := r.Header.Protocol; p != nil {
		return p.SetID == stratifiedSample
	}
	s := r.Header.Set
	return r.Header.TaskKind == "sudoku" && strings.Contains(s, "sudoku-extreme") &&
		(strings.Contains(s, "test-sample") || strings.Contains(s, "test_sample"))
}

// stratifiedSample is the KnownSet.ID of the stratified Sudoku test sample.
const stratifiedSample = "sudoku-extreme/test-sample-1200"

// Protocol describes how the run measured, in one line (ProtocolLine).
func (r *Run) Protocol() string { return ProtocolLine(r.Header) }

// ProtocolLine describes how a run measured, in one line: the set (as
// identified), views and their source, puzzle identifiers, steps of the
// model's depth, recursion (H and L cycles), halting, precision, the
// headline's rule and the subset. A run without a recorded protocol says so.
func ProtocolLine(h results.Header) string {
	p := h.Protocol
	var parts []string
	if p == nil {
		if h.TaskKind == "arc" {
			parts = append(parts, plural(h.Views, "view"))
		}
		parts = append(parts, plural(h.Steps, "step"))
	} else {
		parts = append(parts, setDesc(h))
		if h.TaskKind == "arc" {
			parts = append(parts, viewsDesc(h), idsDesc(h))
		}
		parts = append(parts, stepsDesc(h))
	}
	if c := configOf(h); c.LCycles > 0 {
		parts = append(parts, fmt.Sprintf("H_cycles %d, L_cycles %d", c.HCycles, c.LCycles))
	}
	if halt, _ := h.Flags["halt"].(bool); halt || (p != nil && p.EarlyHalt) {
		parts = append(parts, "early halting")
	}
	if p == nil {
		parts = append(parts, "protocol not recorded")
	} else {
		parts = append(parts, p.Precision, p.Scoring)
	}
	if h.Subset != "" {
		parts = append(parts, "SUBSET "+h.Subset)
	}
	return strings.Join(parts, ", ")
}

// setDesc names the set as identified: its known version, or "unknown set"
// with its size and digest.
func setDesc(h results.Header) string {
	p := h.Protocol
	switch {
	case p == nil:
		return h.Set + " (not identified)"
	case p.SetID == "":
		return fmt.Sprintf("unknown set (%d tasks, %d test inputs, digest %s)", p.SetTasks, p.SetTestInputs, p.SetHash)
	case p.SetMatch == results.MatchSize:
		return p.SetID + " (by size)"
	}
	return p.SetID
}

// viewsDesc says how many views each ARC test input ran and where they
// came from.
func viewsDesc(h results.Header) string {
	p := h.Protocol
	switch {
	case p == nil:
		return plural(h.Views, "view")
	case p.ViewSource == results.ViewsBuild && p.Views == p.BuildViews:
		return fmt.Sprintf("all %d build views", p.BuildViews)
	case p.ViewSource == results.ViewsBuild:
		return fmt.Sprintf("%d of %d build views", p.Views, p.BuildViews)
	case p.ViewSource == results.ViewsDrawn && p.Views == 1:
		return "1 view (the original only)"
	case p.ViewSource == results.ViewsDrawn:
		return fmt.Sprintf("%d views drawn by arceval", p.Views)
	}
	return plural(p.Views, "view")
}

// idsDesc says where the views' puzzle identifiers came from.
func idsDesc(h results.Header) string {
	p := h.Protocol
	switch {
	case p == nil:
		return "puzzle ids not recorded"
	case p.PuzzleIDs == results.IDsNone:
		return "no puzzle table"
	case p.PuzzleIDs == results.IDsIdentifiers:
		return "puzzle ids from an identifiers file"
	}
	return p.PuzzleIDs + " puzzle ids"
}

// stepsDesc gives the steps run against the model's training depth.
func stepsDesc(h results.Header) string {
	p := h.Protocol
	if p == nil || p.TrainDepth == 0 || p.Steps == p.TrainDepth {
		return plural(h.Steps, "step")
	}
	return fmt.Sprintf("%d of the model's %d steps", p.Steps, p.TrainDepth)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
