package harness

import (
	"fmt"

	"arceval/results"
	"arceval/tasks"
	"arceval/tasks/build"
)

// arcSubsets turns the training sets (and the test set) into the subsets of
// an ARC build. A test task id that also occurs in a training subset is an
// error: that subset would train on its test pairs.
func arcSubsets(sets []*tasks.Set, test *tasks.Set) ([]build.ARCSubset, error) {
	var subsets []build.ARCSubset
	seen := map[string]bool{}
	for _, s := range sets {
		if seen[s.Name] {
			return nil, fmt.Errorf("training set %s is given twice", s.Name)
		}
		seen[s.Name] = true
		subsets = append(subsets, build.ARCSubset{Name: s.Name, Tasks: s.Tasks, Test: test != nil && s.Name == test.Name})
	}
	if test == nil {
		return subsets, nil
	}
	if test.Kind != tasks.ARC {
		return nil, fmt.Errorf("test set %s holds %s puzzles, the training sets ARC tasks", test.Name, test.Kind)
	}
	if !seen[test.Name] {
		subsets = append(subsets, build.ARCSubset{Name: test.Name, Tasks: test.Tasks, Test: true})
	}
	testIDs := map[string]bool{}
	for _, t := range test.Tasks {
		testIDs[t.ID] = true
	}
	for _, sub := range subsets {
		if sub.Test {
			continue
		}
		for _, t := range sub.Tasks {
			if testIDs[t.ID] {
				return nil, fmt.Errorf("%s: task %s is also in the test set %s; training on %s would train on its test pairs (leave that set out or evaluate another)", sub.Name, t.ID, test.Name, sub.Name)
			}
		}
	}
	return subsets, nil
}

// ARCData trains on ARC sets exactly as the official loader trains on their
// official build (trm-spec §2.4): it holds the build's plan — per group the
// original and up to NumAug distinct augmentations, each its own puzzle
// identifier, and each example's translation with one example per puzzle
// left at the origin — and regenerates a member's tokens when it is drawn.
// Tasks of the test subset contribute only their demonstration pairs; their
// test pairs form the test split (TestItems).
type ARCData struct {
	plan  *build.ARCPlan
	train *build.ARCSplit
	test  *tasks.Set // the test subset (TaskDataOptions.Test), nil without one
}

// Plan returns the build plan the data follows.
func (d *ARCData) Plan() *build.ARCPlan { return d.plan }

func (d *ARCData) Kind() tasks.Kind  { return tasks.ARC }
func (d *ARCData) Groups() int       { return len(d.train.Groups) }
func (d *ARCData) Members(g int) int { return len(d.train.Groups[g].Members) }
func (d *ARCData) SeqLen() int       { return tasks.ARCSeqLen }
func (d *ARCData) Vocab() int        { return tasks.ARCVocab }
func (d *ARCData) NumPuzzleIDs() int { return d.plan.NumIDs }
func (d *ARCData) Puzzle(g, k int) []Example {
	grp := d.train.Groups[g]
	inp, lab := make([]uint8, tasks.ARCSeqLen), make([]uint8, tasks.ARCSeqLen)
	var buf build.EncodeBuffer
	out := make([]Example, len(grp.Pairs))
	for i := range grp.Pairs {
		grp.Encode(k, i, &buf, inp, lab)
		// ignore_label_id is 0: PAD cells of the label canvas are not supervised.
		out[i] = tokensExample(inp, lab, tasks.PadToken, grp.Members[k].ID)
	}
	return out
}

// TestItems returns the items of the build's test split — every test input
// of the test subset — with the split's views (the first opt.Views members
// of each group, all when opt.Views ≤ 0; original first) and the puzzle
// identifiers the training data uses for them, as FromBuilt reads them from
// the written build.
func (d *ARCData) TestItems(opt ViewOptions) ([]*Item, error) {
	split := d.plan.Split(build.SplitTest)
	if split == nil {
		return nil, fmt.Errorf("the ARC training data has no test subset")
	}
	var items []*Item
	for gi, g := range split.Groups {
		if !g.Task.HasSolutions {
			return nil, fmt.Errorf("%s: task %s has no test outputs (a challenges file without solutions cannot be scored)", g.Subset, g.Task.ID)
		}
		members := g.Members
		if opt.Views > 0 && opt.Views < len(members) {
			members = members[:opt.Views]
		}
		for j, p := range g.Pairs {
			it := &Item{TaskID: g.Task.ID, TestIndex: j, Tests: len(g.Pairs), Kind: tasks.ARC, Expected: p.Output, Rating: g.Task.Rating, Task: gi, ViewCount: len(members)}
			it.views = func() ([]View, error) {
				rng := taskRNG(opt.Seed, g.Task.ID, "ids")
				views := make([]View, len(members))
				var buf build.EncodeBuffer
				lab := make([]uint8, tasks.ARCSeqLen)
				for k, m := range members {
					tok := make([]uint8, tasks.ARCSeqLen)
					g.Encode(k, j, &buf, tok, lab)
					views[k] = View{Tokens: tok, Aug: m.Aug, PuzzleID: puzzleID(opt, rng, m.ID)}
				}
				return views, nil
			}
			items = append(items, it)
		}
	}
	return items, nil
}

// TestEvalSet is the build's test split as an evaluation set, as
// LoadEvalSet describes a written build's test split: TestItems with opt,
// the test subset's name and fingerprint, its identity, the views the build
// offers a test input (BuildViews: its largest group — a task with fewer
// distinct augmentations has fewer) and the build's identifiers.
func (d *ARCData) TestEvalSet(opt ViewOptions) (*EvalSet, error) {
	items, err := d.TestItems(opt)
	if err != nil {
		return nil, err
	}
	groups := d.plan.Split(build.SplitTest).Groups
	es := &EvalSet{Items: items, Name: d.test.Name, Fingerprint: tasks.Fingerprint(d.test), Kind: tasks.ARC,
		Built: true, BuildIdentifiers: d.NumPuzzleIDs(), BuildIDsHash: results.IdentifiersDigest(d.plan.Identifiers()),
		BuildViews: maxMembers(len(groups), func(g int) int { return len(groups[g].Members) })}
	if es.Identity, err = Identify(items); err != nil {
		return nil, err
	}
	return es, nil
}

// maxMembers is the largest of groups groups' sizes: the most views a
// build's test split offers one test input.
func maxMembers(groups int, members func(g int) int) int {
	n := 0
	for g := range groups {
		n = max(n, members(g))
	}
	return n
}
