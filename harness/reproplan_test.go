package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"arceval/internal/testenv"
	"arceval/models"
	"arceval/results"
	"arceval/tasks"
)

// Every benchmark's protocols are planned: the paper's TRM shape first,
// then the other released checkpoints; the ARC views are the known build's
// test split (TestKnownBuildsDigests recomputes it from the build plan).
func TestReproPlanProtocols(t *testing.T) {
	for _, b := range ReproBenchmarks {
		t.Run(b.Name, func(t *testing.T) {
			ps, err := ReproPlan(b.Name)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) == 0 || ps[0].Kind != "trm" || ps[0].Preset != b.TRMPreset {
				t.Fatalf("first protocol %+v, want trm %s", ps[0], b.TRMPreset)
			}
			for _, p := range ps {
				if p.Steps < 1 || p.Views < p.TestInputs || p.TestInputs < p.Tasks || p.Tasks < 1 {
					t.Errorf("%s %s: steps %d, views %d, inputs %d, tasks %d", p.Kind, p.Preset, p.Steps, p.Views, p.TestInputs, p.Tasks)
				}
				if p.FLOPsPerViewStep() <= 0 || p.WeightBytes() <= 0 {
					t.Errorf("%s %s: %g FLOP per step, %d weight bytes", p.Kind, p.Preset, p.FLOPsPerViewStep(), p.WeightBytes())
				}
				switch {
				case b.Build != "" && !p.ViewsBound:
					kb, _ := results.LookupBuildID(b.Build)
					if p.Views != kb.TestViews || p.PuzzleRows != kb.Identifiers {
						t.Errorf("%s %s: %d views, %d puzzle rows; the build's test split has %d, its table %d", p.Kind, p.Preset, p.Views, p.PuzzleRows, kb.TestViews, kb.Identifiers)
					}
				case p.ViewsBound:
					if p.Views != p.TestInputs*(officialNumAug+1) {
						t.Errorf("%s %s: bound %d views for %d inputs", p.Kind, p.Preset, p.Views, p.TestInputs)
					}
				}
			}
		})
	}
	if _, err := ReproPlan("chess"); err == nil {
		t.Error("unknown benchmark planned")
	}
}

// The Sudoku and Maze protocols' counts are those of the sets in the data:
// tasks, test inputs and views (one per puzzle) counted from the loaded
// set. A set the store cannot hold (the full Sudoku-Extreme test set: its
// size is cited, results.KnownSets) is counted when present.
func TestReproPlanCountsFromData(t *testing.T) {
	root := testenv.DataRoot(t)
	for _, b := range ReproBenchmarks {
		if b.Set == "" {
			continue
		}
		t.Run(b.Name, func(t *testing.T) {
			ps, err := ReproPlan(b.Name)
			if err != nil {
				t.Fatal(err)
			}
			spec, _ := tasks.LookupSet(b.Set)
			known, _ := results.LookupKnownSet(b.Set)
			set, err := tasks.LoadSet(root, b.Set)
			if err != nil {
				if known.Hash == "" && !anyExists(root, spec.Paths) {
					t.Logf("%s is not in the data (its size is cited): %v", b.Set, err)
					return
				}
				t.Fatal(err)
			}
			items, err := FromSet(set, ViewOptions{})
			if err != nil {
				t.Fatal(err)
			}
			views := 0
			for _, it := range items {
				vs, err := it.Views()
				if err != nil {
					t.Fatal(err)
				}
				views += len(vs)
			}
			for _, p := range ps {
				if p.Tasks != len(set.Tasks) || p.TestInputs != len(items) || p.Views != views {
					t.Errorf("%s %s: plan %d tasks, %d inputs, %d views; the data has %d, %d, %d", p.Kind, p.Preset, p.Tasks, p.TestInputs, p.Views, len(set.Tasks), len(items), views)
				}
			}
		})
	}
}

func TestShardViews(t *testing.T) {
	cases := []struct {
		name            string
		tasks, views, n int
		bound           bool
		wantViews       int
		wantExact       bool
	}{
		{"one view per task", 1000, 1000, 100, false, 10, true},
		{"one view per task, uneven", 1001, 1001, 100, false, 11, true},
		{"whole set", 400, 385815, 1, false, 385815, true},
		{"ARC mean task", 400, 385815, 100, false, 3859, false},
		{"more shards than tasks", 3, 30, 10, false, 10, false},
		{"bound", 120, 167167, 1, true, 167167, false},
	}
	// Counted per task, balanced by ShardTasks: 2 shards {5, 2, 1} {4, 3},
	// 3 shards {5} {4, 1} {3, 2}.
	counted := ReproProtocol{Tasks: 5, TestInputs: 5, Views: 15, TaskViews: []int{1, 2, 3, 4, 5}}
	for n, want := range map[int]int{1: 15, 2: 8, 3: 5, 5: 5, 8: 5} {
		if v, exact := counted.ShardViews(n); v != want || !exact {
			t.Errorf("counted, %d shards: %d views (exact %v), want %d", n, v, exact, want)
		}
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := ReproProtocol{Tasks: tc.tasks, TestInputs: tc.tasks, Views: tc.views, ViewsBound: tc.bound}
			v, exact := p.ShardViews(tc.n)
			if v != tc.wantViews || exact != tc.wantExact {
				t.Errorf("ShardViews(%d) = %d, %v; want %d, %v", tc.n, v, exact, tc.wantViews, tc.wantExact)
			}
		})
	}
}

// anyExists reports whether one of the paths exists under root.
func anyExists(root string, paths []string) bool {
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			return true
		}
	}
	return false
}

// ShardViews with counted tasks is what an evaluation's shards hold:
// PlanWork over ShardOf of items whose tasks have those views.
func TestShardViewsAgreesWithShardOf(t *testing.T) {
	info := models.Info{SeqLen: 4, Vocab: 12, MaxSteps: 16}
	perInput := [][]int{{3}, {5, 5}, {1}, {7}, {2, 2, 2}, {4}, {6}} // views of each test input, per task
	var items []*Item
	var taskViews []int
	for ti, inputs := range perInput {
		sum := 0
		for j, n := range inputs {
			vs := make([]View, n)
			for k := range vs {
				vs[k] = View{Tokens: make([]uint8, info.SeqLen)}
			}
			items = append(items, &Item{TaskID: fmt.Sprint(ti), TestIndex: j, Tests: len(inputs), Task: ti, ViewCount: n, views: func() ([]View, error) { return vs, nil }})
			sum += n
		}
		taskViews = append(taskViews, sum)
	}
	total := 0
	for _, v := range taskViews {
		total += v
	}
	p := ReproProtocol{Tasks: len(perInput), TestInputs: len(items), Views: total, Steps: 16, TaskViews: taskViews}
	for _, n := range []int{1, 2, 3, 4, 7, 10} {
		plan, err := PlanWork(info, items, 16, n, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, largest := plan.LargestShard()
		if v, exact := p.ShardViews(n); v != largest.Views || !exact {
			t.Errorf("%d shards: ShardViews %d (exact %v), the largest ShardOf shard has %d views", n, v, exact, largest.Views)
		}
	}
}
