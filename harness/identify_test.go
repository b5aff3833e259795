package harness

import (
	"path/filepath"
	"testing"

	"arceval/internal/testenv"
	"arceval/models"
	"arceval/results"
	"arceval/tasks"
	"arceval/tasks/build"
)

// Every known evaluation set in the shared data is recognised from its
// content, whatever form it is read in: a task folder, a Kaggle file, a CSV
// or an official built split; and its counts are the ones the table states.
func TestIdentifyKnownSets(t *testing.T) {
	data := testenv.DataRoot(t)
	cases := []struct {
		set  string // a set name, or a path under the data root
		want string // results.KnownSet.ID
	}{
		{"arc-agi-1/evaluation", "arc-agi-1/evaluation"},
		{"trm-kaggle/evaluation", "arc-agi-1/evaluation"},
		{"arc-agi-2/evaluation", "arc-agi-2/evaluation-167"},
		{"trm-kaggle/evaluation2", "arc-agi-2/evaluation-172"},
		{"concept-arc", "concept-arc"},
		{"trm-kaggle/concept", "concept-arc"},
		{"sudoku-extreme/test-sample-1200", "sudoku-extreme/test-sample-1200"},
		{"maze-hard/test", "maze-hard/test"},
		{filepath.Join(data, "maze-30x30-hard-1k", "hrm_processed", "test"), "maze-hard/test"},
	}
	for _, tc := range cases {
		name := tc.set
		if filepath.IsAbs(name) {
			name = "built split " + filepath.Base(filepath.Dir(name))
		}
		t.Run(name, func(t *testing.T) {
			es, err := LoadEvalSet(data, tc.set, ViewOptions{Views: 1})
			if err != nil {
				t.Fatal(err)
			}
			id := es.Identity
			want, _ := results.LookupKnownSet(tc.want)
			if id.Known.ID != tc.want || id.Match != results.MatchContent {
				t.Fatalf("%s identified as %q (%s): %d tasks, %d test inputs, hash %s; want %s (%d, %d, %s)",
					tc.set, id.Known.ID, id.Match, id.Tasks, id.TestInputs, id.Hash, tc.want, want.Tasks, want.TestInputs, want.Hash)
			}
		})
	}
}

// An official ARC build's test split is the evaluation set it was built
// from: its groups' task ids, test-input counts and (inverted) answers give
// the raw set's digest, so `reproduce arc1` records ARC-AGI-1 evaluation,
// not a path.
func TestIdentifyBuiltARCSplit(t *testing.T) {
	data := testenv.DataRoot(t)
	out := filepath.Join(t.TempDir(), "built")
	cfg := build.DefaultARCConfig(filepath.Join(data, "trm-kaggle-combined", "arc-agi"), out)
	cfg.Subsets, cfg.TestSet, cfg.TestSet2, cfg.NumAug = []string{"evaluation"}, "evaluation", "", 1
	if _, err := build.BuildARC(cfg); err != nil {
		t.Fatal(err)
	}
	built, err := LoadEvalSet(data, filepath.Join(out, "test"), ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := LoadEvalSet(data, "arc-agi-1/evaluation", ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if built.Identity.Hash != raw.Identity.Hash || built.Identity.Known.ID != "arc-agi-1/evaluation" {
		t.Errorf("built split: %+v; raw set: %+v", built.Identity, raw.Identity)
	}
	if !built.Built || built.BuildViews != 2 || built.BuildIdentifiers < 2 {
		t.Errorf("build info: built %v, %d views, %d identifiers", built.Built, built.BuildViews, built.BuildIdentifiers)
	}
}

// Identity is content: a subset, or one changed answer, is not the set.
func TestIdentifyRejectsOtherContent(t *testing.T) {
	data := testenv.DataRoot(t)
	es, err := LoadEvalSet(data, "arc-agi-1/evaluation", ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sub, _, err := Select(es.Items, 399, nil)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := Identify(sub); id.Known.ID != "" || id.Tasks != 399 {
		t.Errorf("399 of 400 tasks identified as %+v", id)
	}
	changed := make([]*Item, len(es.Items))
	for i, it := range es.Items {
		c := *it
		changed[i] = &c
	}
	g := changed[7].Expected.Clone()
	g.Cells[0] = (g.Cells[0] + 1) % 10
	changed[7].Expected = g
	if id, _ := Identify(changed); id.Known.ID != "" || id.Hash == es.Identity.Hash {
		t.Errorf("a changed answer still identifies as %+v", id)
	}
	// Order does not matter (a built split's groups are shuffled).
	rev := make([]*Item, len(es.Items))
	for i, it := range es.Items {
		rev[len(rev)-1-i] = it
	}
	if id, _ := Identify(rev); id.Hash != es.Identity.Hash {
		t.Errorf("reversed order: hash %s, want %s", id.Hash, es.Identity.Hash)
	}
	if _, err := Identify(nil); err == nil {
		t.Error("an empty set identified")
	}
}

// Protocol says where views and identifiers come from.
func TestEvalSetProtocol(t *testing.T) {
	arcInfo := func(ids int) models.Info { return models.Info{Kind: "trm", MaxSteps: 16, PuzzleIDs: ids} }
	raw := &EvalSet{Kind: tasks.ARC}
	built := &EvalSet{Kind: tasks.ARC, Built: true, BuildViews: 1001, BuildIdentifiers: 876406}
	board := &EvalSet{Kind: tasks.Sudoku}
	cases := []struct {
		name              string
		set               *EvalSet
		ids               int
		o                 ProtocolOptions
		views, buildViews int
		source, puzzleIDs string
		steps             int
	}{
		{"build, all views", built, 876406, ProtocolOptions{}, 1001, 1001, results.ViewsBuild, results.IDsBuild, 16},
		{"build, 10 views", built, 876406, ProtocolOptions{Views: 10, Steps: 4}, 10, 1001, results.ViewsBuild, results.IDsBuild, 4},
		{"build, blank ids", built, 876406, ProtocolOptions{IDs: IDsBlank}, 1001, 1001, results.ViewsBuild, results.IDsBlank, 16},
		{"raw, default", raw, 876406, ProtocolOptions{Views: 1}, 1, 0, results.ViewsDrawn, results.IDsBlank, 16},
		{"raw, identifiers", raw, 876406, ProtocolOptions{Views: 8, Identifiers: true}, 8, 0, results.ViewsDrawn, results.IDsIdentifiers, 16},
		{"raw, random", raw, 876406, ProtocolOptions{Views: 8, IDs: IDsRandom}, 8, 0, results.ViewsDrawn, results.IDsRandom, 16},
		{"no table", raw, 1, ProtocolOptions{Views: 2, IDs: IDsRandom}, 2, 0, results.ViewsDrawn, results.IDsNone, 16},
		{"sudoku", board, 1, ProtocolOptions{Views: 5}, 1, 0, results.ViewsPuzzle, results.IDsNone, 16},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.set.Protocol(arcInfo(tc.ids), tc.o)
			if p.Views != tc.views || p.BuildViews != tc.buildViews || p.ViewSource != tc.source || p.PuzzleIDs != tc.puzzleIDs ||
				p.Steps != tc.steps || p.TrainDepth != 16 || p.Precision != "float32" || p.PuzzleTable != tc.ids {
				t.Errorf("%+v", p)
			}
		})
	}
}
