package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"arceval/reports/paper"
	"arceval/results"
)

// protoRun is a complete synthetic run on a known set: the first `multi`
// tasks have two test inputs, the others one, so that the counts are the
// set's; a test input is solved when (task + index) % 3 == 0 — so
// multi-input tasks are partly solved and task-macro ≠ all-or-nothing.
func protoRun(name, kind string, cfg map[string]any, p results.Protocol) *Run {
	k, ok := results.LookupKnownSet(p.SetID)
	tasks, inputs := p.SetTasks, p.SetTestInputs
	if ok {
		p.Benchmark, p.SetMatch, p.SetHash, p.SetTasks, p.SetTestInputs = k.Benchmark, results.MatchContent, k.Hash, k.Tasks, k.TestInputs
		tasks, inputs = k.Tasks, k.TestInputs
	}
	taskKind := "arc"
	if p.Scoring == "" {
		p.Scoring = results.ScoreTaskMacro
	}
	if p.Scoring == results.ScoreExact {
		taskKind = strings.SplitN(p.Benchmark, "-", 2)[0]
	}
	if p.Precision == "" {
		p.Precision = results.PrecisionFloat32
	}
	multi := inputs - tasks
	var items []results.Item
	for i := range tasks {
		n := 1
		if i < multi {
			n = 2
		}
		for j := range n {
			ok := (i+j)%3 == 0
			rating := -1
			if taskKind == "sudoku" { // the rating buckets in equal parts, as in the stratified sample
				rating = []int{0, 3, 12, 30, 70, 140}[i*6/tasks]
			}
			it := results.Item{TaskID: fmt.Sprintf("t%03d", i), TestIndex: j, Tests: n, Steps: p.Steps, Rating: rating,
				Attempts: []results.Attempt{{Grid: [][]int{{1}}, Correct: ok}, {Grid: [][]int{{2}}}}, StepExact: []bool{ok}}
			if ok {
				it.Rank = 1
			}
			items = append(items, it)
		}
	}
	c, _ := json.Marshal(cfg)
	h := results.Header{Format: results.FormatVersion, ModelKind: kind, ModelConfig: c, Set: "some/path", TaskKind: taskKind,
		Tasks: tasks, TestInputs: inputs, Views: p.Views, Steps: p.Steps, Protocol: &p}
	r, err := NewRun(name, h, items)
	if err != nil {
		panic(err)
	}
	return r
}

// faithfulARC is the paper's ARC protocol on a set: all 1001 views of the
// official build with its identifiers, 16 of 16 steps.
func faithfulARC(set string) results.Protocol {
	return results.Protocol{SetID: set, Views: 1001, ViewSource: results.ViewsBuild, BuildViews: 1001,
		PuzzleIDs: results.IDsBuild, PuzzleTable: 876406, BuildIdentifiers: 876406, BuildIDsHash: results.KnownBuilds[0].Hash, Steps: 16, TrainDepth: 16}
}

// arc2Build makes p a run on TRM's released ARC-AGI-2 build.
func arc2Build(p *results.Protocol, set string) {
	b := results.KnownBuilds[1]
	p.SetID, p.PuzzleTable, p.BuildIdentifiers, p.BuildIDsHash = set, b.Identifiers, b.Identifiers, b.Hash
}

var (
	trmAtt    = map[string]any{"H_cycles": 3, "L_cycles": 4, "halt_max_steps": 16}
	actXfmr   = map[string]any{"halt_max_steps": 16}
	directCfg = map[string]any{"halt_max_steps": 1}
)

func placeOne(t *testing.T, r *Run) placement {
	t.Helper()
	s, err := Summarize(r, fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	return place(s)
}

// Each rule of the paper's protocol, alone: a faithful run is placed; each
// change moves it apart with that difference spelled out.
func TestPlacementRules(t *testing.T) {
	cases := []struct {
		name   string
		kind   string
		cfg    map[string]any
		edit   func(p *results.Protocol, h *results.Header) // edits of the faithful protocol and of the run's header
		method string
		bench  string
		want   string // "" = placed; else a substring of the differences
	}{
		{"faithful ARC-AGI-1 build run", "trm", trmAtt, nil, "trm-att", "arc-agi-1", ""},
		{"ARC-AGI-2 172-input copy", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { arc2Build(p, "arc-agi-2/evaluation-172") }, "trm-att", "arc-agi-2", ""},
		{"ARC-AGI-2 167-input copy", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { arc2Build(p, "arc-agi-2/evaluation-167") },
			"trm-att", "arc-agi-2", "copy with 167 test inputs; the paper's trm-att row was measured on ARC-AGI-2 public evaluation, the older 172-input copy"},
		{"HRM on the 167-input copy", "hrm", map[string]any{"halt_max_steps": 16}, func(p *results.Protocol, h *results.Header) {
			p.SetID, p.BuildIDsHash = "arc-agi-2/evaluation-167", "0123456789abcdef" // HRM's own build: identifiers unknown
		}, "hrm", "arc-agi-2", ""},
		{"HRM on the 172-input copy", "hrm", map[string]any{"halt_max_steps": 16}, func(p *results.Protocol, h *results.Header) { arc2Build(p, "arc-agi-2/evaluation-172") },
			"hrm", "arc-agi-2", "the paper's hrm row was measured on ARC-AGI-2 public evaluation, the current 167-input copy"},
		{"a build of another seed", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.BuildIDsHash = "0123456789abcdef" },
			"trm-att", "arc-agi-1", "not TRM's released build"},
		{"the ARC-AGI-2 build for ARC-AGI-1", "trm", trmAtt, func(p *results.Protocol, h *results.Header) {
			arc2Build(p, "arc-agi-1/evaluation")
		}, "trm-att", "arc-agi-1", "is arc-agi-2's, not arc-agi-1's"},
		{"identifiers not recorded", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.BuildIDsHash = "" },
			"trm-att", "arc-agi-1", "identifiers were not recorded"},
		{"raw set, 1 view, blank ids", "trm", trmAtt, func(p *results.Protocol, h *results.Header) {
			p.ViewSource, p.Views, p.BuildViews, p.BuildIdentifiers, p.PuzzleIDs = results.ViewsDrawn, 1, 0, 0, results.IDsBlank
		}, "trm-att", "arc-agi-1", "1 view (the original only), not the official build's 1001; blank puzzle ids"},
		{"raw set, 100 drawn views, identifiers", "trm", trmAtt, func(p *results.Protocol, h *results.Header) {
			p.ViewSource, p.Views, p.BuildViews, p.BuildIdentifiers, p.PuzzleIDs = results.ViewsDrawn, 100, 0, 0, results.IDsIdentifiers
		}, "trm-att", "arc-agi-1", "100 views drawn by arceval from the raw set"},
		{"some of the build's views", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.Views = 1 }, "trm-att", "arc-agi-1", "1 views of the build's 1001"},
		{"a smaller build", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.Views, p.BuildViews = 4, 4 },
			"trm-att", "arc-agi-1", "a build with 4 views per test input (num_aug 3)"},
		{"random ids", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.PuzzleIDs = results.IDsRandom }, "trm-att", "arc-agi-1", "random puzzle ids"},
		{"another build's ids", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.BuildIdentifiers = 1191730 },
			"trm-att", "arc-agi-1", "not the build the model was trained on"},
		{"subset", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { h.Subset = "first 400 of 400 tasks" }, "trm-att", "arc-agi-1", "subset: first 400"},
		{"lone shard", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { h.Shard = "1/4" }, "trm-att", "arc-agi-1", "shard 1/4 only"},
		{"fewer steps", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.Steps = 8 }, "trm-att", "arc-agi-1", "8 of the model's 16 supervision steps"},
		{"shallower model", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.Steps, p.TrainDepth = 8, 8 }, "trm-att", "arc-agi-1", "trained for 8 supervision steps"},
		{"early halting", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.EarlyHalt = true }, "trm-att", "arc-agi-1", "early halting"},
		{"16-step transformer", "transformer_baseline", actXfmr, nil, "transformer-act", "arc-agi-1",
			"16-step ACT transformer; the paper's Direct pred is a one-step model"},
		{"16-step transformer run for 1 step", "transformer_baseline", actXfmr, func(p *results.Protocol, h *results.Header) { p.Steps = 1 },
			"transformer-act", "arc-agi-1", "ACT transformer trained for 16 steps, run for 1"},
		{"one-step transformer", "transformer_baseline", directCfg, func(p *results.Protocol, h *results.Header) { p.Steps, p.TrainDepth = 1, 1 }, "direct", "arc-agi-1", ""},
		{"HRM", "hrm", map[string]any{"halt_max_steps": 16}, nil, "hrm", "arc-agi-1", ""},
		{"ConceptARC", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.SetID = "concept-arc" }, "trm-att", "concept-arc", "is not a paper benchmark"},
		{"unknown set", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { p.SetID, p.SetTasks, p.SetTestInputs = "", 4, 5 }, "trm-att", "", "not a known evaluation set"},
		{"no protocol", "trm", trmAtt, func(p *results.Protocol, h *results.Header) { h.Protocol = nil }, "trm-att", "", "protocol not recorded"},
		{"Maze-Hard test", "trm", trmAtt, func(p *results.Protocol, h *results.Header) {
			*p = results.Protocol{Benchmark: "maze-hard", SetID: "maze-hard/test", Views: 1, ViewSource: results.ViewsPuzzle, PuzzleIDs: results.IDsNone,
				Steps: 16, TrainDepth: 16, Precision: "float32", Scoring: results.ScoreExact}
		}, "trm-att", "maze-hard", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Protocol edits shape the run (a set change changes its
			// counts); header edits apply to the built run.
			p := faithfulARC("arc-agi-1/evaluation")
			edits := results.Header{Protocol: &p}
			if tc.edit != nil {
				tc.edit(&p, &edits)
			}
			r := protoRun("r.jsonl", tc.kind, tc.cfg, p)
			r = withHeader(r, func(h *results.Header) {
				h.Subset, h.Shard = edits.Subset, edits.Shard
				if edits.Protocol == nil {
					h.Protocol = nil
				}
			})
			pl := placeOne(t, r)
			got := strings.Join(pl.Differences, "; ")
			if pl.Method != tc.method || pl.Benchmark != tc.bench {
				t.Errorf("method %q on %q, want %q on %q", pl.Method, pl.Benchmark, tc.method, tc.bench)
			}
			if tc.want == "" && got != "" {
				t.Errorf("not placed: %s", got)
			}
			if tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("differences %q lack %q", got, tc.want)
			}
		})
	}
}

// HRM's row is compared under its own rule: all-or-nothing per task (HRM's
// notebook), not the fractional task-macro.
func TestPlacementHRMAllOrNothing(t *testing.T) {
	r := protoRun("hrm.jsonl", "hrm", map[string]any{"halt_max_steps": 16}, faithfulARC("arc-agi-1/evaluation"))
	pl := placeOne(t, r)
	if pl.Rule != ruleAllOrNothing || pl.Ours.Value != r.Summary.AllOrNothing || r.Summary.AllOrNothing == r.Summary.TaskMacro {
		t.Errorf("rule %q, ours %v; all-or-nothing %v, task-macro %v", pl.Rule, pl.Ours.Value, r.Summary.AllOrNothing, r.Summary.TaskMacro)
	}
	trm := placeOne(t, protoRun("trm.jsonl", "trm", trmAtt, faithfulARC("arc-agi-1/evaluation")))
	if trm.Rule != ruleTaskMacro || trm.Ours.Value != r.Summary.TaskMacro {
		t.Errorf("TRM rule %q, ours %v, want the task-macro %v", trm.Rule, trm.Ours.Value, r.Summary.TaskMacro)
	}
}

// The stratified Sudoku sample is placed through its full-test estimate;
// without one (a bucket with no puzzle) it goes apart.
func TestPlacementStratifiedSudoku(t *testing.T) {
	sample := results.Protocol{SetID: "sudoku-extreme/test-sample-1200", Views: 1, ViewSource: results.ViewsPuzzle, PuzzleIDs: results.IDsNone,
		Steps: 16, TrainDepth: 16, Scoring: results.ScoreExact}
	sud := protoRun("s.jsonl", "trm", map[string]any{"mlp_t": true, "halt_max_steps": 16}, sample)
	if pl := placeOne(t, sud); len(pl.Differences) > 0 || pl.Rule != ruleFullTest || !strings.Contains(pl.Note, "full-test estimate") || pl.Method != "trm-mlp" {
		t.Errorf("complete sample: %+v", pl)
	}
	cut := withHeader(sud, func(h *results.Header) { h.Tasks, h.TestInputs = 600, 600 }) // the first three buckets only
	got := strings.Join(placeOne(t, cut).Differences, "; ")
	for _, want := range []string{"600 of the set's 1200 test inputs evaluated", "stratified sample without a full-test estimate"} {
		if !strings.Contains(got, want) {
			t.Errorf("half the sample: differences %q lack %q", got, want)
		}
	}
	// The fixture's 120-puzzle cut of the sample is a subset.
	if got := strings.Join(placeOne(t, boardRun("s.jsonl", "sudoku", sha('e'), 0.9, 1, nil, 0)).Differences, "; "); !strings.Contains(got, "subset: 20 per rating bucket") {
		t.Errorf("a subset of the sample: differences %q", got)
	}
}

// A mixed set of runs: only the faithful ones reach the paper tables, each
// under its row; the others are listed apart.
func TestPaperReportPlacesOnlyFaithfulRuns(t *testing.T) {
	direct := faithfulARC("arc-agi-1/evaluation")
	direct.Steps, direct.TrainDepth = 1, 1
	raw := faithfulARC("arc-agi-1/evaluation")
	raw.ViewSource, raw.Views, raw.BuildViews, raw.PuzzleIDs = results.ViewsDrawn, 1, 0, results.IDsBlank
	runs := []*Run{
		protoRun("trm-build.jsonl", "trm", trmAtt, faithfulARC("arc-agi-1/evaluation")),
		protoRun("trm-raw.jsonl", "trm", trmAtt, raw),
		protoRun("xfmr-16.jsonl", "transformer_baseline", actXfmr, faithfulARC("arc-agi-1/evaluation")),
		protoRun("direct.jsonl", "transformer_baseline", directCfg, direct),
		protoRun("trm-arc2-167.jsonl", "trm", trmAtt, faithfulARC("arc-agi-2/evaluation-167")),
	}
	ref, err := paper.Load()
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPaperReport(runs, ref, fixtureOptions())
	if err != nil {
		t.Fatal(err)
	}
	placed := map[string]string{}
	for _, m := range p.Measured {
		placed[m.Run.Run.Name] = m.Method + "@" + m.Benchmark
		if math.IsNaN(m.Paper) {
			t.Errorf("%s placed without a paper number", m.Run.Run.Name)
		}
	}
	want := map[string]string{"trm-build.jsonl": "trm-att@arc-agi-1", "direct.jsonl": "direct@arc-agi-1"}
	if fmt.Sprint(placed) != fmt.Sprint(want) {
		t.Errorf("placed %v, want %v", placed, want)
	}
	if len(p.Others) != 3 {
		t.Errorf("%d runs apart, want 3", len(p.Others))
	}
	text := string(render(t, func(b *bytes.Buffer) error { return p.Write(b, Text) }))
	for _, s := range []string{"runs NOT placed beside the paper", "Precision: arceval runs float32"} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q", s)
		}
	}
}

// A bfloat16 run (--precision bf16) is placed like a float32 one: precision
// is a note, and the note says which runs ran the paper's bf16 pass.
func TestPlaceBF16Run(t *testing.T) {
	fp := faithfulARC("arc-agi-1/evaluation")
	fp.Precision = results.PrecisionFloat32
	bf := fp
	bf.Precision = results.PrecisionBF16
	ref, err := paper.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		p    results.Protocol
		note string
	}{{fp, "Precision: arceval runs float32"}, {bf, "runs recorded as bfloat16 ran the paper's bfloat16 forward pass"}} {
		p, err := NewPaperReport([]*Run{protoRun("trm.jsonl", "trm", trmAtt, tc.p)}, ref, fixtureOptions())
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Measured) != 1 || len(p.Others) != 0 {
			t.Errorf("%s: %d placed, %d apart; want it placed", tc.p.Precision, len(p.Measured), len(p.Others))
		}
		text := string(render(t, func(b *bytes.Buffer) error { return p.Write(b, Text) }))
		if !strings.Contains(text, tc.note) {
			t.Errorf("%s: text lacks %q", tc.p.Precision, tc.note)
		}
	}
}
