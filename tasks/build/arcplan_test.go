package build

import (
	"testing"

	"arceval/tasks"
)

func grid(h, w int, cells ...uint8) tasks.Grid {
	return tasks.Grid{H: h, W: w, Cells: cells}
}

// Identifiers follow the official map keyed by puzzle name: a task listed
// in two subsets shares the identifier of every augmentation both of its
// groups drew; a test task's two groups (train and test split) share all.
func TestPlanARCIdentifiersByName(t *testing.T) {
	task := &tasks.Task{ID: "t1", Kind: tasks.ARC, HasSolutions: true,
		Train: []tasks.Pair{{Input: grid(1, 2, 1, 2), Output: grid(2, 1, 2, 1)}},
		Test:  []tasks.Pair{{Input: grid(1, 1, 1), Output: grid(1, 1, 2)}}}
	other := &tasks.Task{ID: "t2", Kind: tasks.ARC, HasSolutions: true,
		Train: []tasks.Pair{{Input: grid(1, 1, 3), Output: grid(1, 1, 4)}},
		Test:  []tasks.Pair{{Input: grid(1, 1, 5), Output: grid(1, 1, 6)}}}
	plan, err := PlanARC([]ARCSubset{{Name: "a", Tasks: []*tasks.Task{task}}, {Name: "b", Tasks: []*tasks.Task{task, other}, Test: true}},
		ARCPlanConfig{Seed: 42, NumAug: 40, IDStart: 1})
	if err != nil {
		t.Fatal(err)
	}
	names := plan.Identifiers()
	byName := map[string]int32{}
	for _, s := range plan.Splits {
		for _, g := range s.Groups {
			for _, m := range g.Members {
				name := m.Name(g.Task.ID)
				if names[m.ID] != name {
					t.Fatalf("%s has identifier %d, which names %q", name, m.ID, names[m.ID])
				}
				if id, ok := byName[name]; ok && id != m.ID {
					t.Fatalf("%s has identifiers %d and %d", name, id, m.ID)
				}
				byName[name] = m.ID
			}
		}
	}
	if plan.NumIDs != len(byName)+1 {
		t.Errorf("%d identifiers for %d names (+ blank)", plan.NumIDs, len(byName))
	}
	train, test := plan.Split(SplitTrain), plan.Split(SplitTest)
	if len(train.Groups) != 3 || len(test.Groups) != 2 {
		t.Fatalf("%d train and %d test groups, want 3 and 2", len(train.Groups), len(test.Groups))
	}
	// The original of t1 is one name, so one identifier, in both groups;
	// random copies almost never coincide (full colour permutations).
	find := func(s *ARCSplit, subset string) *ARCGroup {
		for _, g := range s.Groups {
			if g.Task.ID == "t1" && g.Subset == subset {
				return g
			}
		}
		t.Fatalf("no group of t1 from %s in %s", subset, s.Name)
		return nil
	}
	inA, inB := find(train, "a"), find(train, "b")
	if a, b := inA.Members[0], inB.Members[0]; a.ID != b.ID || !a.Aug.IsIdentity() {
		t.Errorf("the original of t1 has identifiers %d and %d", a.ID, b.ID)
	}
	if &find(test, "b").Members[0] != &inB.Members[0] {
		t.Error("the test group of t1 does not share the members of its train group")
	}
	for _, tg := range test.Groups {
		if tg.Untranslated(0) != -1 || len(tg.Pairs) != 1 || tg.Pairs[0].Input.Cells[0] != tg.Task.Test[0].Input.Cells[0] {
			t.Errorf("test group %s: want its test pair at the origin", tg.Task.ID)
		}
	}
}

// A task without solutions (a hidden test set) trains on its demonstrations
// only: its test outputs are placeholders, not answers.
func TestPlanARCHiddenTestPairsNotTrained(t *testing.T) {
	hidden := &tasks.Task{ID: "h", Kind: tasks.ARC, HasSolutions: false,
		Train: []tasks.Pair{{Input: grid(1, 2, 1, 2), Output: grid(2, 1, 2, 1)}},
		Test:  []tasks.Pair{{Input: grid(1, 1, 3), Output: grid(1, 1, 0)}}}
	known := &tasks.Task{ID: "k", Kind: tasks.ARC, HasSolutions: true,
		Train: []tasks.Pair{{Input: grid(1, 1, 3), Output: grid(1, 1, 4)}},
		Test:  []tasks.Pair{{Input: grid(1, 1, 5), Output: grid(1, 1, 6)}}}
	plan, err := PlanARC([]ARCSubset{{Name: "a", Tasks: []*tasks.Task{hidden, known}}}, ARCPlanConfig{Seed: 42, NumAug: 2, IDStart: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range plan.Split(SplitTrain).Groups {
		want := len(g.Task.Train) + len(g.Task.Test)
		if !g.Task.HasSolutions {
			want = len(g.Task.Train)
		}
		if len(g.Pairs) != want {
			t.Errorf("task %s: %d training pairs, want %d", g.Task.ID, len(g.Pairs), want)
		}
	}
}
