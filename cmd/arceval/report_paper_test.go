package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/results"
)

// protocolRunFile writes a complete synthetic run on a known set (its task
// and test-input counts; the first tasks take the extra test inputs) under a
// recorded protocol. Test input (i, j) is solved when hash01 says so, at a
// rate that depends on salt; multi-input tasks are often partly solved, so
// task-macro and all-or-nothing differ.
func protocolRunFile(t *testing.T, dir, name, kind string, cfg map[string]any, set string, p results.Protocol, salt int) string {
	t.Helper()
	k, ok := results.LookupKnownSet(p.SetID)
	if !ok {
		t.Fatalf("%s: unknown set %q", name, p.SetID)
	}
	p.Benchmark, p.SetMatch, p.SetHash, p.SetTasks, p.SetTestInputs = k.Benchmark, results.MatchContent, k.Hash, k.Tasks, k.TestInputs
	p.Precision = results.PrecisionFloat32
	c, _ := json.Marshal(cfg)
	h := results.Header{Version: "test", ModelKind: kind, ModelSHA256: strings.Repeat(fmt.Sprintf("%02x", salt), 32), ModelConfig: c,
		Set: set, Fingerprint: "0123456789abcdef", TaskKind: k.Kind, Tasks: k.Tasks, TestInputs: k.TestInputs, Views: p.Views, Steps: p.Steps, Protocol: &p}
	path := filepath.Join(dir, name)
	if err := results.WriteFile(path, h, syntheticItems(k.Kind, k.Tasks, k.TestInputs, p.Steps, salt), false); err != nil {
		t.Fatal(err)
	}
	return path
}

func syntheticItems(kind string, tasks, inputs, steps, salt int) []results.Item {
	var items []results.Item
	for i := range tasks {
		n := 1 + btoi(i < inputs-tasks)
		for j := range n {
			ok := hash01(i*3+j, salt) < 0.45
			it := results.Item{TaskID: fmt.Sprintf("t%03d", i), TestIndex: j, Tests: n, Steps: steps, Seconds: 0.5, Rating: -1,
				Attempts: []results.Attempt{{Grid: [][]int{{1, 2}}, Correct: ok}, {Grid: [][]int{{2, 1}}}}, StepExact: []bool{ok}}
			if kind == "sudoku" {
				it.TaskID, it.Rating = fmt.Sprint(i), []int{0, 3, 12, 30, 70, 140}[i*6/tasks]
				it.Attempts = it.Attempts[:1]
				it.Cells = &results.Cells{Correct: 81 - 10*btoi(!ok), Total: 81}
			}
			if ok {
				it.Rank = 1
			}
			items = append(items, it)
		}
	}
	return items
}

// buildARC is the paper's ARC protocol: every view of the official
// 1000-augmentation build with its puzzle identifiers, 16 of 16 steps.
// The build is the known one of that many identifiers (TRM's released
// builds), else one named by an unknown digest.
func buildARC(set string, table int) results.Protocol {
	hash := "00000000deadbeef"
	for _, b := range results.KnownBuilds {
		if b.Identifiers == table {
			hash = b.Hash
		}
	}
	return results.Protocol{SetID: set, Views: 1001, ViewSource: results.ViewsBuild, BuildViews: 1001, PuzzleIDs: results.IDsBuild,
		PuzzleTable: table, BuildIdentifiers: table, BuildIDsHash: hash, Steps: 16, TrainDepth: 16, Scoring: results.ScoreTaskMacro}
}

// `report --paper` on a folder of runs: the faithful ones (an ARC build
// run, a one-step transformer, HRM under all-or-nothing, ARC-AGI-2 on the
// 172-input copy, the whole stratified Sudoku sample) stand beside the
// paper's numbers; a raw-set 1-view run, the 16-step ACT transformer, a run
// on the current 167-input ARC-AGI-2 copy and a run file without a protocol
// are listed apart, each with what differs.
func TestReportPaperPlacesByProtocol(t *testing.T) {
	dir := t.TempDir()
	trmAtt := map[string]any{"H_cycles": 3, "L_cycles": 4, "L_layers": 2, "halt_max_steps": 16}
	const arc1IDs, arc2IDs = 876406, 1191730
	raw := buildARC("arc-agi-1/evaluation", arc1IDs)
	raw.ViewSource, raw.Views, raw.BuildViews, raw.BuildIdentifiers, raw.PuzzleIDs = results.ViewsDrawn, 1, 0, 0, results.IDsBlank
	direct := buildARC("arc-agi-1/evaluation", arc1IDs)
	direct.Steps, direct.TrainDepth = 1, 1
	sample := results.Protocol{SetID: "sudoku-extreme/test-sample-1200", Views: 1, ViewSource: results.ViewsPuzzle, PuzzleIDs: results.IDsNone,
		PuzzleTable: 1, Steps: 16, TrainDepth: 16, Scoring: results.ScoreExact}
	protocolRunFile(t, dir, "arc1-trm-att-build.jsonl", "trm", trmAtt, "arc1concept-aug-1000/test", buildARC("arc-agi-1/evaluation", arc1IDs), 1)
	protocolRunFile(t, dir, "arc1-trm-att-raw-1view.jsonl", "trm", trmAtt, "arc-agi-1/evaluation", raw, 1)
	protocolRunFile(t, dir, "arc1-transformer-16step.jsonl", "transformer_baseline", map[string]any{"halt_max_steps": 16}, "arc1concept-aug-1000/test", buildARC("arc-agi-1/evaluation", arc1IDs), 2)
	protocolRunFile(t, dir, "arc1-transformer-direct.jsonl", "transformer_baseline", map[string]any{"halt_max_steps": 1}, "arc1concept-aug-1000/test", direct, 3)
	protocolRunFile(t, dir, "arc1-hrm.jsonl", "hrm", map[string]any{"H_cycles": 2, "L_cycles": 2, "halt_max_steps": 16}, "arc1concept-aug-1000/test", buildARC("arc-agi-1/evaluation", arc1IDs), 4)
	protocolRunFile(t, dir, "arc2-trm-att-172.jsonl", "trm", trmAtt, "arc2concept-aug-1000/test", buildARC("arc-agi-2/evaluation-172", arc2IDs), 5)
	protocolRunFile(t, dir, "arc2-trm-att-167.jsonl", "trm", trmAtt, "arc2-current-aug-1000/test", buildARC("arc-agi-2/evaluation-167", arc2IDs), 5)
	otherSeed := buildARC("arc-agi-1/evaluation", arc1IDs)
	otherSeed.BuildIDsHash = "0123456789abcdef" // same size, another seed: the rows name other augmentations
	protocolRunFile(t, dir, "arc1-trm-att-other-build.jsonl", "trm", trmAtt, "my-build/test", otherSeed, 1)
	hrm := map[string]any{"H_cycles": 2, "L_cycles": 2, "halt_max_steps": 16}
	protocolRunFile(t, dir, "arc2-hrm-167.jsonl", "hrm", hrm, "hrm-arc-2-aug-1000/test", buildARC("arc-agi-2/evaluation-167", 1000000), 7)
	protocolRunFile(t, dir, "arc2-hrm-172.jsonl", "hrm", hrm, "arc2concept-aug-1000/test", buildARC("arc-agi-2/evaluation-172", arc2IDs), 7)
	protocolRunFile(t, dir, "sudoku-trm-mlp-sample.jsonl", "trm", map[string]any{"H_cycles": 3, "L_cycles": 6, "mlp_t": true, "halt_max_steps": 16},
		"sudoku-extreme/test-sample-1200", sample, 6)
	old := boardRunFile(t, dir, "old-format1.jsonl", 200, func(i int) bool { return hash01(i, 7) < 0.5 })
	asFormat1(t, old)

	for _, f := range []string{"text", "csv"} {
		out, errOut, err := runCLI(t, "report", "--paper", "--format", f, "--resamples", "1000", dir)
		if err != nil {
			t.Fatalf("%v\n%s", err, errOut)
		}
		golden(t, "report_paper_protocols."+f, []byte(strings.ReplaceAll(out, dir+string(filepath.Separator), "")))
	}

	out, _, err := runCLI(t, "report", "--paper", "--format", "json", "--resamples", "1000", dir)
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Measured []struct {
			Run, Method, Benchmark, Rule string
			Paper                        *float64
		}
		Others []struct {
			Run         string
			Differences []string
		} `json:"other_runs"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	placed := map[string]string{}
	for _, m := range v.Measured {
		if m.Paper == nil {
			t.Errorf("%s placed without a paper number", m.Run)
		}
		placed[filepath.Base(m.Run)] = fmt.Sprintf("%s@%s %v (%s)", m.Method, m.Benchmark, *m.Paper, m.Rule)
	}
	wantPlaced := map[string]string{
		"arc1-trm-att-build.jsonl":      "trm-att@arc-agi-1 44.6 (task-macro pass@2)",
		"arc1-transformer-direct.jsonl": "direct@arc-agi-1 21 (task-macro pass@2)",
		"arc1-hrm.jsonl":                "hrm@arc-agi-1 40.3 (all-or-nothing pass@2)",
		"arc2-trm-att-172.jsonl":        "trm-att@arc-agi-2 7.8 (task-macro pass@2)",
		"arc2-hrm-167.jsonl":            "hrm@arc-agi-2 5 (all-or-nothing pass@2)",
		"sudoku-trm-mlp-sample.jsonl":   "trm-mlp@sudoku-extreme 87.4 (exact accuracy, full-test estimate)",
	}
	if fmt.Sprint(placed) != fmt.Sprint(wantPlaced) {
		t.Errorf("placed:\n%v\nwant:\n%v", placed, wantPlaced)
	}
	wantApart := map[string][]string{
		"arc1-trm-att-raw-1view.jsonl":   {"1 view (the original only), not the official build's 1001", "blank puzzle ids"},
		"arc1-transformer-16step.jsonl":  {"16-step ACT transformer; the paper's Direct pred is a one-step model"},
		"arc2-trm-att-167.jsonl":         {"ARC-AGI-2 evaluation copy with 167 test inputs; the paper's trm-att row was measured on ARC-AGI-2 public evaluation, the older 172-input copy"},
		"arc2-hrm-172.jsonl":             {"ARC-AGI-2 evaluation copy with 172 test inputs; the paper's hrm row was measured on ARC-AGI-2 public evaluation, the current 167-input copy"},
		"arc1-trm-att-other-build.jsonl": {"not TRM's released build: its 876406 identifiers (digest 0123456789abcdef)"},
		"old-format1.jsonl":              {"protocol not recorded"},
	}
	if len(v.Others) != len(wantApart) {
		t.Errorf("%d runs apart, want %d", len(v.Others), len(wantApart))
	}
	for _, o := range v.Others {
		want, ok := wantApart[filepath.Base(o.Run)]
		if !ok {
			t.Errorf("%s listed apart: %v", o.Run, o.Differences)
			continue
		}
		if len(o.Differences) != len(want) {
			t.Errorf("%s: differences %q, want exactly %q", o.Run, o.Differences, want)
			continue
		}
		for i, w := range want {
			if !strings.Contains(o.Differences[i], w) {
				t.Errorf("%s: difference %q, want %q", o.Run, o.Differences[i], w)
			}
		}
	}
}

// asFormat1 rewrites a run file's header as arceval wrote it before the
// protocol record (format 1, no protocol field).
func asFormat1(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	var h map[string]any
	if err := json.Unmarshal(first, &h); err != nil {
		t.Fatal(err)
	}
	h["format"] = 1
	delete(h, "protocol")
	line, _ := json.Marshal(h)
	if err := os.WriteFile(path, append(append(line, '\n'), rest...), 0o644); err != nil {
		t.Fatal(err)
	}
}
