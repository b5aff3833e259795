package harness

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"arceval/models"
	"arceval/models/catalog"
	"arceval/models/registry"
	"arceval/results"
	"arceval/tasks/build"
)

// ReproBenchmark is one benchmark of `arceval reproduce`: the set (or ARC
// build) its faithful protocol evaluates and the paper's TRM shape on it.
type ReproBenchmark struct {
	Name      string // reproduce's name: sudoku, maze, arc1, arc2
	Set       string // Sudoku, Maze: the test set (results.KnownSets ID)
	Build     string // ARC: TRM's released build (results.KnownBuilds ID), whose test split is evaluated
	TRMPreset string // the paper's TRM shape (its best row on the benchmark)
	// HRMSet is the set HRM's own ARC build evaluated (its test split), when
	// HRM's build differs from TRM's: the copy HRM's builder read.
	HRMSet string
}

// ReproBenchmarks are reproduce's benchmarks (trm-spec §7, README "The
// paper's protocol").
var ReproBenchmarks = []ReproBenchmark{
	{Name: "arc1", Build: "arc1concept-aug-1000", TRMPreset: "arc1-att"},
	{Name: "arc2", Build: "arc2concept-aug-1000", TRMPreset: "arc2-att", HRMSet: "arc-agi-2/evaluation-167"},
	{Name: "sudoku", Set: "sudoku-extreme/test", TRMPreset: "sudoku-mlp"},
	{Name: "maze", Set: "maze-hard/test", TRMPreset: "maze-att"},
}

// officialNumAug is the augmented copies per ARC task of the official builds
// (build_arc_dataset.py --num-aug 1000, trm-spec §2.4; HRM's builder the
// same): a test input has at most officialNumAug+1 views.
const officialNumAug = 1000

// ReproProtocol is the work of one benchmark's faithful protocol for one
// model shape: the rows through the model (views) and the supervision steps
// of each, every one run (no early halting), and the sizes that set the
// memory it needs.
type ReproProtocol struct {
	Benchmark  string // ReproBenchmark.Name
	Kind       string // model family
	Preset     string
	Checkpoint string // the released checkpoint's catalog name; "" when none is released
	Config     models.Config
	PuzzleRows int // rows of the model's puzzle table the protocol needs (its build's identifiers)

	Set        string // the evaluated set: a KnownSet ID, or the build's test split
	SetDesc    string
	Tasks      int
	TestInputs int
	Views      int // rows through the model: each test input's views
	// ViewsBound marks Views as an upper bound: the build is not one
	// arceval can plan (HRM's), so each test input counts its most views.
	ViewsBound bool
	Source     string // where the counts come from
	Steps      int    // supervision steps of every view (the model's halt_max_steps)
	SeqLen     int
	// TaskViews, when counted (CountBuildViews), is the views of each task
	// in the order an evaluation takes them, which is what a shard keeps.
	TaskViews []int
}

// ViewSteps is the protocol's work in model steps of one row.
func (p ReproProtocol) ViewSteps() int64 { return int64(p.Views) * int64(p.Steps) }

// FLOPsPerViewStep is one supervision step of one row (the config's
// FLOPsPerStep; 0 when the family does not count it).
func (p ReproProtocol) FLOPsPerViewStep() float64 {
	if fl, ok := p.Config.(interface{ FLOPsPerStep() float64 }); ok {
		return fl.FLOPsPerStep()
	}
	return 0
}

// WeightBytes is the model's float32 tensors with the protocol's puzzle
// table.
func (p ReproProtocol) WeightBytes() int64 { return ConfigBytes(p.Config) }

// ConfigBytes is a model's tensors (parameters and buffers) in float32.
func ConfigBytes(c models.Config) int64 {
	var n int64
	for _, s := range c.Specs() {
		n += int64(s.Elements())
	}
	return 4 * n
}

// SetBytes is the evaluated set's tokens as an evaluation holds them: the
// input and label of every view, a byte per token.
func (p ReproProtocol) SetBytes() int64 { return 2 * int64(p.Views) * int64(p.SeqLen) }

// ShardViews is the views of the largest of n shards (`--shard K/n`
// balances views, ShardTasks). It is exact with one view per task (Sudoku,
// Maze) or with TaskViews counted; otherwise it assumes tasks of the mean
// size (exact for n = 1).
func (p ReproProtocol) ShardViews(n int) (views int, exact bool) {
	switch {
	case p.TaskViews != nil:
		sums := make([]int, max(n, 1))
		for t, s := range ShardTasks(p.TaskViews, n) {
			sums[s] += p.TaskViews[t]
		}
		return slices.Max(sums), !p.ViewsBound
	case n <= 1 || p.Tasks == 0:
		return p.Views, !p.ViewsBound
	}
	per := (p.Tasks + n - 1) / n
	if p.Views == p.Tasks {
		return per, !p.ViewsBound
	}
	return int((int64(p.Views)*int64(per) + int64(p.Tasks) - 1) / int64(p.Tasks)), false
}

// CountBuildViews counts the views of each task of an ARC protocol's build
// (TaskViews) by planning the build from TRM's Kaggle files under a data
// root (PlanKnownBuild: 20–30 s of CPU); the plan's test split must have the
// protocol's views. A protocol without a known build (Sudoku, Maze, HRM's
// ARC build) is left as it is.
func (p *ReproProtocol) CountBuildViews(root string) error {
	b, err := LookupReproBenchmark(p.Benchmark)
	if err != nil || b.Build == "" || p.ViewsBound {
		return err
	}
	kb, ok := results.LookupBuildID(b.Build)
	if !ok {
		return fmt.Errorf("build %s is not a known build", b.Build)
	}
	plan, err := PlanKnownBuild(root, kb)
	if err != nil {
		return err
	}
	return p.SetTaskViews(plan)
}

// SetTaskViews sets TaskViews from the plan of the protocol's build: each
// test-split group's puzzles × test inputs, in the split's order (the
// order of an evaluation's tasks). They must add up to the protocol's views.
func (p *ReproProtocol) SetTaskViews(plan *build.ARCPlan) error {
	split := plan.Split(build.SplitTest)
	if split == nil {
		return fmt.Errorf("the plan has no test split")
	}
	var views []int
	total := 0
	for _, g := range split.Groups {
		views = append(views, len(g.Members)*len(g.Pairs))
		total += views[len(views)-1]
	}
	if total != p.Views || len(views) != p.Tasks {
		return fmt.Errorf("the planned test split has %d tasks, %d views; the protocol %d, %d", len(views), total, p.Tasks, p.Views)
	}
	p.TaskViews = views
	return nil
}

// LookupReproBenchmark returns the benchmark of this name.
func LookupReproBenchmark(name string) (ReproBenchmark, error) {
	var names []string
	for _, b := range ReproBenchmarks {
		if b.Name == name {
			return b, nil
		}
		names = append(names, b.Name)
	}
	return ReproBenchmark{}, fmt.Errorf("unknown benchmark %q (want %s)", name, strings.Join(names, ", "))
}

// ReproPlan lists the faithful protocols of a benchmark: the paper's TRM
// shape first (with its released checkpoint, if any), then every other
// released checkpoint of the benchmark (models/catalog: HRM's). Counts come
// from results.KnownSets and results.KnownBuilds (computed from the data
// and the build plan, checked by tests), never from a model's output.
func ReproPlan(name string) ([]ReproProtocol, error) {
	b, err := LookupReproBenchmark(name)
	if err != nil {
		return nil, err
	}
	var entries []catalog.Entry
	for _, e := range catalog.Entries() {
		if e.Benchmark == name {
			entries = append(entries, e)
		}
	}
	trm := catalog.Entry{Family: "trm", Preset: b.TRMPreset}
	for _, e := range entries {
		if e.Family == "trm" && e.Preset == b.TRMPreset {
			trm = e
		}
	}
	out := []ReproProtocol{}
	for _, e := range append([]catalog.Entry{trm}, entries...) {
		if len(out) > 0 && e.Family == "trm" && e.Preset == b.TRMPreset {
			continue // listed first
		}
		p, err := reproProtocol(b, e)
		if err != nil {
			return nil, fmt.Errorf("plan %s, %s %s: %w", name, e.Family, e.Preset, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// reproProtocol is benchmark b's protocol for one model shape (a catalog
// entry, or a bare family and preset).
func reproProtocol(b ReproBenchmark, e catalog.Entry) (ReproProtocol, error) {
	fam, err := registry.Lookup(e.Family)
	if err != nil {
		return ReproProtocol{}, err
	}
	cfg, err := fam.Config(e.Preset)
	if err != nil {
		return ReproProtocol{}, err
	}
	p := ReproProtocol{Benchmark: b.Name, Kind: e.Family, Preset: e.Preset, Checkpoint: e.Name, Config: cfg}
	var shape struct {
		Steps  int `json:"halt_max_steps"`
		SeqLen int `json:"seq_len"`
		Rows   int `json:"num_puzzle_identifiers"`
	}
	raw, err := json.Marshal(cfg) // the official config dict's field names
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal(raw, &shape); err != nil {
		return p, err
	}
	p.Steps, p.SeqLen, p.PuzzleRows = shape.Steps, shape.SeqLen, shape.Rows
	if p.Steps < 1 || p.SeqLen < 1 {
		return p, fmt.Errorf("config without halt_max_steps or seq_len (%s)", raw)
	}
	switch {
	case b.Build == "":
		s, ok := results.LookupKnownSet(b.Set)
		if !ok {
			return p, fmt.Errorf("set %s is not a known set", b.Set)
		}
		p.Set, p.SetDesc, p.Tasks, p.TestInputs, p.Views = s.ID, s.Desc, s.Tasks, s.TestInputs, s.TestInputs
		p.Source = "one view per puzzle; the set's size: " + setSource(s)
	case e.Family == "trm" || b.HRMSet == "":
		kb, ok := results.LookupBuildID(b.Build)
		if !ok {
			return p, fmt.Errorf("build %s is not a known build", b.Build)
		}
		s, ok := results.LookupKnownSet(kb.TestSet)
		if !ok {
			return p, fmt.Errorf("build %s: test set %s is not a known set", kb.ID, kb.TestSet)
		}
		p.Set, p.SetDesc = kb.ID+"/test", kb.Desc
		p.Tasks, p.TestInputs, p.Views = s.Tasks, s.TestInputs, kb.TestViews
		p.Source = fmt.Sprintf("the build's test split: %d puzzles, %d examples (planned by arceval's port of the builder; trm-spec §2.4)", kb.TestPuzzles, kb.TestViews)
		if p.PuzzleRows != kb.Identifiers {
			return p, fmt.Errorf("preset's puzzle table has %d rows, the build %s has %d identifiers", p.PuzzleRows, kb.ID, kb.Identifiers)
		}
	default:
		s, ok := results.LookupKnownSet(b.HRMSet)
		if !ok {
			return p, fmt.Errorf("set %s is not a known set", b.HRMSet)
		}
		p.Set, p.SetDesc, p.Tasks, p.TestInputs = s.ID, s.Desc, s.Tasks, s.TestInputs
		p.Views, p.ViewsBound = s.TestInputs*(officialNumAug+1), true
		p.Source = fmt.Sprintf("at most %d views per test input: HRM's own build (%d augmentations) is not one arceval plans", officialNumAug+1, officialNumAug)
	}
	if e.Build.Identifiers > 0 {
		p.PuzzleRows = e.Build.Identifiers
		if err := SetSizes(p.Config, -1, -1, p.PuzzleRows); err != nil {
			return p, err
		}
	}
	return p, nil
}

// setSource says where a known set's size comes from.
func setSource(s results.KnownSet) string {
	if s.Hash == "" {
		return "the official set's size as results.KnownSets cites it (the set itself is not in the data store)"
	}
	return "counted from the data (results.KnownSets, checked by tests)"
}
