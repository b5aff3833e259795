package harness

import (
	"testing"

	"arceval/internal/testenv"
	"arceval/results"
	"arceval/tasks/build"
)

// The known builds' identifier digests (results.KnownBuilds) are those of
// TRM's two released ARC builds, planned here from TRM's Kaggle files with
// the official options (seed 42, 1000 augmentations) and each build's
// recipe (KnownBuild.Subsets, TestSubset).
// About 30 s of CPU: skipped with -short.
func TestKnownBuildsDigests(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: planning two full ARC builds takes about 30 s")
	}
	root := testenv.DataRoot(t)
	for _, kb := range results.KnownBuilds {
		cfg := build.DefaultARCConfig(KaggleARCPrefix(root), "")
		cfg.Subsets, cfg.TestSet = kb.Subsets, kb.TestSubset
		plan, err := build.PlanARCFiles(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ids := plan.Identifiers()
		if got, ok := results.LookupBuild(len(ids), results.IdentifiersDigest(ids)); !ok || got.ID != kb.ID {
			t.Errorf("%s: rebuilt %d identifiers, digest %s; KnownBuilds says %d, %s", kb.ID, len(ids), results.IdentifiersDigest(ids), kb.Identifiers, kb.Hash)
		}
		// The test split: its puzzles, its examples (the views a faithful
		// evaluation runs) and the set its test inputs are.
		puzzles, views := plan.Split(build.SplitTest).Examples()
		if puzzles != kb.TestPuzzles || views != kb.TestViews {
			t.Errorf("%s: rebuilt test split has %d puzzles, %d examples; KnownBuilds says %d, %d", kb.ID, puzzles, views, kb.TestPuzzles, kb.TestViews)
		}
		set, ok := results.LookupKnownSet(kb.TestSet)
		inputs := 0
		for _, task := range plan.TestTasks {
			inputs += len(task.Test)
		}
		if !ok || set.Tasks != len(plan.TestTasks) || set.TestInputs != inputs {
			t.Errorf("%s: test set %q (known %v: %d tasks, %d inputs); the build's test split has %d tasks, %d inputs", kb.ID, kb.TestSet, ok, set.Tasks, set.TestInputs, len(plan.TestTasks), inputs)
		}
		checkTaskViews(t, kb, plan)
	}
}

// checkTaskViews checks the protocol of the benchmark evaluated on a build
// against its plan: its tasks' views add up to the protocol's, and with one
// task per shard the largest shard is the largest task.
func checkTaskViews(t *testing.T, kb results.KnownBuild, plan *build.ARCPlan) {
	t.Helper()
	for _, b := range ReproBenchmarks {
		if b.Build != kb.ID {
			continue
		}
		ps, err := ReproPlan(b.Name)
		if err != nil {
			t.Fatal(err)
		}
		p := ps[0]
		if err := p.SetTaskViews(plan); err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		most := 0
		for _, v := range p.TaskViews {
			most = max(most, v)
		}
		if v, exact := p.ShardViews(p.Tasks); v != most || !exact {
			t.Errorf("%s, one task per shard: %d views (exact %v), the largest task has %d", b.Name, v, exact, most)
		}
		counted, _ := p.ShardViews(100)
		p.TaskViews = nil
		mean, _ := p.ShardViews(100)
		t.Logf("%s, 100 shards: the largest has %d views (counted), %d by the mean task", b.Name, counted, mean)
	}
}
