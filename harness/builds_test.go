package harness

import (
	"path/filepath"
	"testing"

	"arceval/internal/testenv"
	"arceval/results"
	"arceval/tasks"
	"arceval/tasks/build"
)

// The known builds' identifier digests (results.KnownBuilds) are those of
// TRM's two released ARC builds, planned here from TRM's Kaggle files with
// the official options (seed 42, 1000 augmentations, the README's subsets).
// About 30 s of CPU: skipped with -short.
func TestKnownBuildsDigests(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: planning two full ARC builds takes about 30 s")
	}
	prefix := filepath.Join(testenv.DataRoot(t), "trm-kaggle-combined", "arc-agi")
	builds := map[string][]string{ // id → subsets, the last one the test set
		"arc1concept-aug-1000": {"training", "evaluation", "concept", "evaluation"},
		"arc2concept-aug-1000": {"training2", "evaluation2", "concept", "evaluation2"},
	}
	for _, kb := range results.KnownBuilds {
		subsets, ok := builds[kb.ID]
		if !ok {
			t.Fatalf("%s: no recipe to rebuild it in this test", kb.ID)
		}
		var subs []build.ARCSubset
		for _, s := range subsets[:3] {
			list, err := tasks.LoadKaggle(prefix+"_"+s+"_challenges.json", prefix+"_"+s+"_solutions.json")
			if err != nil {
				t.Fatal(err)
			}
			subs = append(subs, build.ARCSubset{Name: s, Tasks: list, Test: s == subsets[3]})
		}
		plan, err := build.PlanARC(subs, build.ARCPlanConfig{Seed: 42, NumAug: 1000, IDStart: 1})
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
	}
}
