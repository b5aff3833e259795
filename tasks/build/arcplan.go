package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"arceval/internal/nprand"
	"arceval/tasks"
)

// ARCSubset is one input subset of an ARC build: its tasks in source order
// (the file's key order for a Kaggle file; PlanARC shuffles a copy) and
// whether it is a test subset, whose tasks send their demonstration pairs to
// the train split and their test pairs to the test split
// (build_arc_dataset.py L168-L216).
type ARCSubset struct {
	Name  string
	Tasks []*tasks.Task
	Test  bool
}

// ARCPlanConfig holds the random and numbering options of an ARC build.
type ARCPlanConfig struct {
	Seed    uint32 // numpy global seed (official 42)
	NumAug  int    // wanted augmented copies per task (official 1000)
	IDStart int    // first puzzle identifier (official 1; 0 is <blank>)
	// Progress, if set, is called as work advances.
	Progress func(stage string, done, total int)
}

// ARCMember is one puzzle of a group: the original task (member 0, the
// identity) or one augmented copy, with its puzzle identifier.
type ARCMember struct {
	Aug tasks.ARCAug
	ID  int32
}

// Name is the member's official puzzle name: the task id for the original,
// "<id>|||t<trans>|||<colours>" for a copy. No copy is the identity (its
// content would equal the original's and the duplicate check drops it).
func (m ARCMember) Name(task string) string {
	if m.Aug.IsIdentity() {
		return task
	}
	return m.Aug.Name(task)
}

// ARCGroup is one task in one split: the task's pairs routed to that split
// and the group's members. A task of a test subset has a group in both
// splits; the two share Members (and so the identifiers), as in the
// official build where both splits hold the same augmented puzzles.
type ARCGroup struct {
	Task    *tasks.Task
	Subset  string
	Pairs   []tasks.Pair // the original pairs of this split, in example order
	Members []ARCMember
	// offsets[2*(m*len(Pairs)+i)+{0,1}] is the canvas offset (row, column)
	// of example i of member m; nil in a split without translation.
	offsets []uint8
	// kept[m] is the example of member m left at the origin (no_aug_id).
	kept []uint16
}

// Offset returns the canvas offset (row, column) of example i of member m.
func (g *ARCGroup) Offset(m, i int) (r, c int) {
	if g.offsets == nil {
		return 0, 0
	}
	k := 2 * (m*len(g.Pairs) + i)
	return int(g.offsets[k]), int(g.offsets[k+1])
}

// Untranslated returns the example of member m that the build keeps at the
// origin (the official no_aug_id), or −1 in a split without translation
// (every example is at the origin).
func (g *ARCGroup) Untranslated(m int) int {
	if g.kept == nil {
		return -1
	}
	return int(g.kept[m])
}

// EncodeBuffer holds the two augmented grids of one example while it is
// encoded; the zero value is ready and grows once to the largest grid.
type EncodeBuffer struct{ in, out []uint8 }

// Encode writes example i of member m as the build writes it: both grids
// under the member's augmentation, placed at the example's offset in 30×30
// token canvases inp and lab (tasks.ARCSeqLen each).
func (g *ARCGroup) Encode(m, i int, buf *EncodeBuffer, inp, lab []uint8) {
	aug, p := g.Members[m].Aug, g.Pairs[i]
	in, out := aug.ApplyTo(buf.in, p.Input), aug.ApplyTo(buf.out, p.Output)
	buf.in, buf.out = in.Cells, out.Cells
	r, c := g.Offset(m, i)
	tasks.EncodeARC(in, r, c, inp)
	tasks.EncodeARC(out, r, c, lab)
}

// ARCSplit is one split of a planned build: its groups in build order.
type ARCSplit struct {
	Name   string
	Groups []*ARCGroup
}

// Examples counts the split's puzzles and examples.
func (s *ARCSplit) Examples() (puzzles, examples int) {
	for _, g := range s.Groups {
		puzzles += len(g.Members)
		examples += len(g.Members) * len(g.Pairs)
	}
	return puzzles, examples
}

// ARCPlan is an ARC build drawn in memory: everything build_arc_dataset.py
// decides — the groups of each split, their members' augmentations and
// identifiers, and every example's translation — but no tokens. A member's
// tokens are regenerated from its group's pairs with ARCGroup.Encode, so a
// 1000-augmentation ARC-AGI-1 build (876k puzzles, 3.6M examples) takes
// tens of MB instead of 6.5 GB. WriteARC writes the plan as the official
// folder; training from a raw set (harness) draws its examples from it.
type ARCPlan struct {
	Splits      []*ARCSplit   // train, then test when a subset is a test subset
	NumIDs      int           // num_puzzle_identifiers (including the blank ids)
	IDStart     int           // first identifier; ids below it are <blank>
	TestTasks   []*tasks.Task // tasks of the test subsets in build order (test_puzzles.json)
	ShortGroups []string      // tasks with fewer than NumAug+1 distinct members, "id (n)"
}

// Split returns the named split, or nil.
func (p *ARCPlan) Split(name string) *ARCSplit {
	for _, s := range p.Splits {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Identifiers lists the puzzle names by identifier (identifiers.json):
// "<blank>" below IDStart, then every member's name.
func (p *ARCPlan) Identifiers() []string {
	names := make([]string, p.NumIDs)
	for i := range names {
		names[i] = "<blank>"
	}
	for _, s := range p.Splits {
		for _, g := range s.Groups {
			for _, m := range g.Members {
				names[m.ID] = m.Name(g.Task.ID)
			}
		}
	}
	return names
}

// PlanARC runs the official ARC build algorithm (build_arc_dataset.py) in
// memory, drawing from numpy's legacy stream in exactly the official order:
//
//  1. per subset, a shuffle of its tasks (L201-L202);
//  2. per task, up to 5·NumAug trials of (randint(0,8), permutation of
//     colours 1..9), keeping a trial whose content hash over all the
//     task's pairs is new, until NumAug+1 members (L126-L164);
//  3. identifiers in order of first appearance over splits, groups and
//     members, starting at IDStart (L232-L240);
//  4. per train-split group and member, randint(0, n) for the example kept
//     at the origin (no_aug_id), then two randints per other example for
//     its offset (L264-L270, L50-L57).
//
// The test split draws a no_aug_id per puzzle too, but translates nothing
// and nothing is drawn after it, so those draws are skipped. The train split
// comes first: the official order of the splits is the insertion order of
// a Python set of (split, set) pairs, which is train first whenever the first
// subset is not a test subset (the official commands).
func PlanARC(subsets []ARCSubset, cfg ARCPlanConfig) (*ARCPlan, error) {
	if len(subsets) == 0 {
		return nil, fmt.Errorf("build arc: no subsets")
	}
	if cfg.NumAug < 0 || cfg.IDStart < 1 {
		return nil, fmt.Errorf("build arc: num-aug must be ≥ 0 and id start ≥ 1")
	}
	rng := nprand.New(cfg.Seed)
	plan := &ARCPlan{IDStart: cfg.IDStart}
	train := &ARCSplit{Name: SplitTrain}
	test := &ARCSplit{Name: SplitTest}
	for _, sub := range subsets {
		list := slices.Clone(sub.Tasks)
		rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		for n, t := range list {
			if cfg.Progress != nil {
				cfg.Progress("augment "+sub.Name, n, len(list))
			}
			if err := checkARCTask(sub.Name, t, sub.Test); err != nil {
				return nil, err
			}
			dests := routeARC(t, sub.Test)
			members, full := augmentARC(rng, t, dests, cfg.NumAug)
			if !full {
				plan.ShortGroups = append(plan.ShortGroups, fmt.Sprintf("%s (%d)", t.ID, len(members)))
			}
			train.Groups = append(train.Groups, &ARCGroup{Task: t, Subset: sub.Name, Pairs: dests[SplitTrain], Members: members})
			if sub.Test {
				plan.TestTasks = append(plan.TestTasks, t)
				test.Groups = append(test.Groups, &ARCGroup{Task: t, Subset: sub.Name, Pairs: dests[SplitTest], Members: members})
			}
		}
	}
	plan.Splits = []*ARCSplit{train}
	if len(test.Groups) > 0 {
		plan.Splits = append(plan.Splits, test)
	}
	plan.NumIDs = numberARC(plan.Splits, cfg.IDStart)
	translateARC(rng, train, cfg.Progress)
	return plan, nil
}

// checkARCTask rejects what the official build would crash on: a task with
// no example for a split, or a grid larger than the 30×30 canvas.
func checkARCTask(subset string, t *tasks.Task, test bool) error {
	if t.Kind != tasks.ARC {
		return fmt.Errorf("build arc: %s: task %s is a %s puzzle", subset, t.ID, t.Kind)
	}
	if test && (len(t.Train) == 0 || len(t.Test) == 0) {
		return fmt.Errorf("build arc: %s: test-subset task %s needs demonstration pairs (train split) and test pairs (test split), has %d and %d", subset, t.ID, len(t.Train), len(t.Test))
	}
	if len(t.Train)+len(t.Test) == 0 || len(t.Train)+len(t.Test) > 1<<16-1 {
		return fmt.Errorf("build arc: %s: task %s has %d pairs", subset, t.ID, len(t.Train)+len(t.Test))
	}
	for p := range t.Pairs() {
		for _, g := range []tasks.Grid{p.Input, p.Output} {
			if g.H > tasks.MaxARCSide || g.W > tasks.MaxARCSide {
				return fmt.Errorf("build arc: %s: task %s has a %d×%d grid; the canvas is 30×30", subset, t.ID, g.H, g.W)
			}
		}
	}
	return nil
}

// routeARC splits a task's pairs by destination split, keeping the file's key
// order: tasks of a test subset send demonstrations to train and test pairs
// to test; other tasks send both to train — except the test pairs of a task
// without solutions (a hidden test set), whose outputs are only placeholders
// and must not be trained on.
func routeARC(t *tasks.Task, isTest bool) map[string][]tasks.Pair {
	if isTest {
		return map[string][]tasks.Pair{SplitTrain: t.Train, SplitTest: t.Test}
	}
	if !t.HasSolutions {
		return map[string][]tasks.Pair{SplitTrain: t.Train}
	}
	first, second := t.Train, t.Test
	if t.TestFirst {
		first, second = t.Test, t.Train
	}
	return map[string][]tasks.Pair{SplitTrain: slices.Concat(first, second)}
}

// augmentARC draws augmentations until numAug new distinct copies are found or
// 5·numAug trials are spent. A candidate is new when its puzzle hash (over all
// its pairs in every split) has not been seen. It returns the members
// (original first, identifiers not yet assigned) and whether the group is full.
func augmentARC(rng *nprand.RandomState, t *tasks.Task, dests map[string][]tasks.Pair, numAug int) ([]ARCMember, bool) {
	members := []ARCMember{{Aug: tasks.IdentityARCAug}}
	if numAug == 0 {
		return members, true
	}
	var buf []uint8
	seen := map[string]bool{puzzleHash(dests, tasks.IdentityARCAug, &buf): true}
	for trial := 0; trial < arcRetriesFactor*numAug; trial++ {
		var aug tasks.ARCAug
		aug.Trans = int(rng.Randint(0, tasks.NumDihedral))
		for i, p := range rng.Permutation(9) {
			aug.Colours[i+1] = uint8(p + 1)
		}
		if h := puzzleHash(dests, aug, &buf); !seen[h] {
			seen[h] = true
			members = append(members, ARCMember{Aug: aug})
		}
		if len(members) >= numAug+1 {
			break
		}
	}
	return members, len(members) >= numAug+1
}

// puzzleHash is the official duplicate check: the sha256 of the sorted
// "inputhash|outputhash" strings of every pair in every split, under aug.
// The augmented grids are built in *buf, reused across calls.
func puzzleHash(per map[string][]tasks.Pair, aug tasks.ARCAug, buf *[]uint8) string {
	var parts []string
	hash := func(g tasks.Grid) string {
		g = aug.ApplyTo(*buf, g)
		*buf = g.Cells
		return g.Hash()
	}
	for _, pairs := range per {
		for _, p := range pairs {
			parts = append(parts, hash(p.Input)+"|"+hash(p.Output))
		}
	}
	slices.Sort(parts)
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(sum[:])
}

// numberARC assigns identifiers in the official order (first appearance of
// a puzzle name over splits, groups, members) and returns the count. Names
// repeat only across groups of one task: its groups in both splits (they
// share Members, numbered once) and a task id listed in two subsets, whose
// members with equal augmentations share an identifier as equal names do
// in the official map.
func numberARC(splits []*ARCSplit, start int) int {
	next := int32(start)
	byTask := map[string][][]ARCMember{}
	for _, s := range splits {
		for _, g := range s.Groups {
			if g.Members[0].ID != 0 { // numbered through the task's other split
				continue
			}
			var earlier map[tasks.ARCAug]int32
			if prev := byTask[g.Task.ID]; len(prev) > 0 {
				earlier = map[tasks.ARCAug]int32{}
				for _, ms := range prev {
					for _, m := range ms {
						earlier[m.Aug] = m.ID
					}
				}
			}
			for k := range g.Members {
				if id, ok := earlier[g.Members[k].Aug]; ok {
					g.Members[k].ID = id
					continue
				}
				g.Members[k].ID = next
				next++
			}
			byTask[g.Task.ID] = append(byTask[g.Task.ID], g.Members)
		}
	}
	return int(next)
}

// translateARC draws the train split's translations in the official order:
// per group and member the untranslated example, then a random offset for
// each other example that keeps both augmented grids inside the canvas.
func translateARC(rng *nprand.RandomState, s *ARCSplit, progress func(string, int, int)) {
	for gi, g := range s.Groups {
		if progress != nil && gi%16 == 0 {
			progress("translate", gi, len(s.Groups))
		}
		n := len(g.Pairs)
		g.offsets = make([]uint8, 2*n*len(g.Members))
		g.kept = make([]uint16, len(g.Members))
		for m, mem := range g.Members {
			keep := int(rng.Randint(0, int64(n)))
			g.kept[m] = uint16(keep)
			for i, p := range g.Pairs {
				if i == keep {
					continue
				}
				hIn, wIn := mem.Aug.Dims(p.Input.H, p.Input.W)
				hOut, wOut := mem.Aug.Dims(p.Output.H, p.Output.W)
				k := 2 * (m*n + i)
				g.offsets[k] = uint8(rng.Randint(0, int64(tasks.MaxARCSide-max(hIn, hOut)+1)))
				g.offsets[k+1] = uint8(rng.Randint(0, int64(tasks.MaxARCSide-max(wIn, wOut)+1)))
			}
		}
	}
}
