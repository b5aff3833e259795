package harness

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/internal/testenv"
	"arceval/tasks"
	"arceval/tasks/build"
)

// arcTrainData plans the ARC-AGI-1 recipe on the fixture: subsets training,
// evaluation, concept, the test subset evaluation.
func arcTrainData(t *testing.T, numAug int) (*ARCData, string, *tasks.Set) {
	t.Helper()
	prefix, training, evaluation, concept := arcFixture(t)
	d, err := NewTaskData([]*tasks.Set{training, evaluation, concept}, TaskDataOptions{NumAug: numAug, Seed: 42, Test: evaluation})
	if err != nil {
		t.Fatal(err)
	}
	return d.(*ARCData), prefix, evaluation
}

// The in-memory stream is the build BuildARC writes from the same files:
// same groups, members, identifiers and tokens in the train split, and the
// test split's items are FromBuilt's on the written test split.
func TestARCDataEqualsWrittenBuild(t *testing.T) {
	d, prefix, _ := arcTrainData(t, 6)
	out := filepath.Join(t.TempDir(), "build")
	cfg := build.DefaultARCConfig(prefix, out)
	cfg.NumAug = 6
	if _, err := build.BuildARC(cfg); err != nil {
		t.Fatal(err)
	}
	split, err := tasks.OpenBuilt(filepath.Join(out, "train"))
	if err != nil {
		t.Fatal(err)
	}
	disk := NewBuiltData(split)
	if d.Groups() != disk.Groups() || d.NumPuzzleIDs() != disk.NumPuzzleIDs() {
		t.Fatalf("groups %d, ids %d; the build has %d, %d", d.Groups(), d.NumPuzzleIDs(), disk.Groups(), disk.NumPuzzleIDs())
	}
	for g := range d.Groups() {
		if d.Members(g) != disk.Members(g) {
			t.Fatalf("group %d: %d members, the build %d", g, d.Members(g), disk.Members(g))
		}
		for k := range d.Members(g) {
			mem, file := d.Puzzle(g, k), disk.Puzzle(g, k)
			if len(mem) != len(file) {
				t.Fatalf("group %d member %d: %d examples, the build %d", g, k, len(mem), len(file))
			}
			for i := range mem {
				if mem[i].PuzzleID != file[i].PuzzleID || !slices.Equal(mem[i].Inputs, file[i].Inputs) || !slices.Equal(mem[i].Labels, file[i].Labels) {
					t.Fatalf("group %d member %d example %d differs from the build (id %d vs %d)", g, k, i, mem[i].PuzzleID, file[i].PuzzleID)
				}
			}
		}
	}

	test, err := tasks.OpenBuilt(filepath.Join(out, "test"))
	if err != nil {
		t.Fatal(err)
	}
	for _, views := range []int{0, 3} {
		opt := ViewOptions{Views: views, Seed: 1}
		want, err := FromBuilt(test, tasks.ARC, opt)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.TestItems(opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d test items, the build's split %d", len(got), len(want))
		}
		for i := range got {
			g, w := got[i], want[i]
			if g.Key() != w.Key() || g.Tests != w.Tests || g.Task != w.Task || !g.Expected.Equal(w.Expected) {
				t.Fatalf("item %d: %s (%d tests, task %d), the build's %s (%d, %d)", i, g.Key(), g.Tests, g.Task, w.Key(), w.Tests, w.Task)
			}
			gv, _ := g.Views()
			wv, _ := w.Views()
			if len(gv) != len(wv) || g.ViewCount != len(gv) || w.ViewCount != len(wv) {
				t.Fatalf("%s: %d views (ViewCount %d), the build's %d (%d)", g.Key(), len(gv), g.ViewCount, len(wv), w.ViewCount)
			}
			for k := range gv {
				if gv[k].PuzzleID != wv[k].PuzzleID || gv[k].Aug != wv[k].Aug || !slices.Equal(gv[k].Tokens, wv[k].Tokens) {
					t.Fatalf("%s view %d differs from the build's (id %d vs %d)", g.Key(), k, gv[k].PuzzleID, wv[k].PuzzleID)
				}
			}
		}
	}
}

// Every augmented puzzle has its own identifier (official
// build_arc_dataset.py L232-L240), shared only by the same puzzle in the
// test split.
func TestARCDataIDPerAugmentedPuzzle(t *testing.T) {
	d, _, _ := arcTrainData(t, 6)
	seen := map[int32]string{}
	total := 0
	for g := range d.Groups() {
		grp := d.train.Groups[g]
		if d.Members(g) < 2 {
			t.Fatalf("group %d (%s) has no augmentation", g, grp.Task.ID)
		}
		for k := range d.Members(g) {
			ex := d.Puzzle(g, k)
			id := ex[0].PuzzleID
			name := grp.Members[k].Name(grp.Task.ID)
			if prev, dup := seen[id]; dup || id == 0 {
				t.Fatalf("%s has identifier %d, already %q", name, id, prev)
			}
			seen[id] = name
			for _, e := range ex {
				if e.PuzzleID != id {
					t.Fatalf("%s: examples with identifiers %d and %d", name, id, e.PuzzleID)
				}
			}
			total++
		}
	}
	if d.NumPuzzleIDs() != total+1 {
		t.Errorf("%d identifiers for %d puzzles (+ blank)", d.NumPuzzleIDs(), total)
	}
	names := d.Plan().Identifiers()
	for id, name := range seen {
		if names[id] != name {
			t.Errorf("identifier %d is %q in the plan's list, %q in the data", id, names[id], name)
		}
	}
}

// locateGrid finds the grid of a token canvas wherever it was translated:
// the first row and column holding a token, then the colour rectangle there.
func locateGrid(tokens []int32) (r, c int, g tasks.Grid) {
	r, c = tasks.MaxARCSide, tasks.MaxARCSide
	for i, v := range tokens {
		if v > 0 && v != -100 {
			r, c = min(r, i/tasks.MaxARCSide), min(c, i%tasks.MaxARCSide)
		}
	}
	shifted := make([]uint8, tasks.ARCSeqLen)
	for i, v := range tokens {
		if rr, cc := i/tasks.MaxARCSide-r, i%tasks.MaxARCSide-c; rr >= 0 && cc >= 0 && v > 0 {
			shifted[rr*tasks.MaxARCSide+cc] = uint8(v)
		}
	}
	return r, c, tasks.CropARC(shifted)
}

// One example per puzzle stays at the origin (the official no_aug_id); the
// others are at the plan's random offsets.
func TestARCDataOneUntranslatedExample(t *testing.T) {
	d, _, _ := arcTrainData(t, 6)
	translated, atOrigin := 0, 0
	for g := range d.Groups() {
		grp := d.train.Groups[g]
		for k := range d.Members(g) {
			keep := grp.Untranslated(k)
			if keep < 0 || keep >= len(grp.Pairs) {
				t.Fatalf("group %d member %d: untranslated example %d of %d", g, k, keep, len(grp.Pairs))
			}
			for i, ex := range d.Puzzle(g, k) {
				r, c, _ := locateGrid(ex.Inputs)
				wr, wc := grp.Offset(k, i)
				if r != wr || c != wc {
					t.Fatalf("group %d member %d example %d at (%d,%d), the plan says (%d,%d)", g, k, i, r, c, wr, wc)
				}
				switch {
				case i == keep && (r != 0 || c != 0):
					t.Fatalf("group %d member %d: the untranslated example %d is at (%d,%d)", g, k, i, r, c)
				case i != keep:
					translated++
					if r == 0 && c == 0 {
						atOrigin++
					}
				}
			}
		}
	}
	// Grids of at most 6×6 have ≥ 25×25 offsets: a translated example lands
	// on the origin rarely.
	if atOrigin*20 > translated {
		t.Errorf("%d of %d translated examples are at the origin", atOrigin, translated)
	}
}

// The tasks of the test subset contribute their demonstration pairs only:
// no test pair of an evaluation task is ever in the training stream.
func TestARCDataNoTestPairsOfEvalTasks(t *testing.T) {
	d, _, evaluation := arcTrainData(t, 6)
	evalTasks := map[string]*tasks.Task{}
	for _, tk := range evaluation.Tasks {
		evalTasks[tk.ID] = tk
	}
	names := d.Plan().Identifiers()
	s := newSampler(d, 3, EpochsPerIterARC)
	seenEval := 0
	for range 40 {
		batch, err := s.next(32)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range batch {
			id, aug, err := tasks.ParseARCName(names[ex.PuzzleID])
			if err != nil {
				t.Fatal(err)
			}
			tk, ok := evalTasks[id]
			if !ok {
				continue
			}
			seenEval++
			_, _, in := locateGrid(ex.Inputs)
			_, _, out := locateGrid(ex.Labels)
			pair := tasks.Pair{Input: aug.Invert(in), Output: aug.Invert(out)}
			isDemo := slices.ContainsFunc(tk.Train, func(p tasks.Pair) bool { return p.Input.Equal(pair.Input) && p.Output.Equal(pair.Output) })
			if !isDemo {
				t.Fatalf("a training example of evaluation task %s is not one of its demonstrations", id)
			}
		}
	}
	if seenEval == 0 {
		t.Fatal("no example of an evaluation task in 40 batches")
	}
	for g := range d.Groups() {
		grp := d.train.Groups[g]
		if tk, ok := evalTasks[grp.Task.ID]; ok && len(d.Puzzle(g, 0)) != len(tk.Train) {
			t.Errorf("evaluation task %s: %d training examples, %d demonstrations", tk.ID, len(d.Puzzle(g, 0)), len(tk.Train))
		}
	}
}

// A test task that is also in a training set would be trained on with its
// test pairs: refused. The test set, when not among the training sets,
// becomes the last subset.
func TestARCSubsetsRouting(t *testing.T) {
	_, training, evaluation, _ := arcFixture(t)
	leaky := &tasks.Set{Name: "leaky", Kind: tasks.ARC, Tasks: append(slices.Clone(training.Tasks), evaluation.Tasks[0])}
	_, err := NewTaskData([]*tasks.Set{leaky}, TaskDataOptions{NumAug: 1, Test: evaluation})
	if err == nil || !strings.Contains(err.Error(), evaluation.Tasks[0].ID) {
		t.Errorf("a test task among the training tasks: %v", err)
	}
	d, err := NewTaskData([]*tasks.Set{training}, TaskDataOptions{NumAug: 1, Test: evaluation})
	if err != nil {
		t.Fatal(err)
	}
	groups := d.(*ARCData).train.Groups
	if len(groups) != len(training.Tasks)+len(evaluation.Tasks) || groups[len(groups)-1].Subset != evaluation.Name {
		t.Errorf("%d groups, last from %s; want the test subset last", len(groups), groups[len(groups)-1].Subset)
	}
	if _, err := NewTaskData([]*tasks.Set{training, training}, TaskDataOptions{}); err == nil {
		t.Error("the same set twice was accepted")
	}
}

// With the Kaggle files the official build reads, training from the named
// sets (the ARC-AGI-1 recipe) plans the official build: written out, the
// plan is byte for byte what BuildARC writes (itself checked against the
// official algorithm's sha256 sums in tasks/build).
func TestARCDataIsTheOfficialBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("writes two ARC-AGI-1 builds")
	}
	root := testenv.DataRoot(t)
	var sets []*tasks.Set
	for _, name := range []string{"trm-kaggle/training", "trm-kaggle/evaluation", "trm-kaggle/concept"} {
		s, err := tasks.LoadSet(root, name)
		if err != nil {
			t.Fatal(err)
		}
		sets = append(sets, s)
	}
	d, err := NewTaskData(sets, TaskDataOptions{NumAug: 3, Seed: 42, Test: sets[1]})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mine, official := filepath.Join(dir, "plan"), filepath.Join(dir, "build")
	if _, err := build.WriteARC(d.(*ARCData).Plan(), mine, false, nil); err != nil {
		t.Fatal(err)
	}
	cfg := build.DefaultARCConfig(filepath.Join(root, "trm-kaggle-combined", "arc-agi"), official)
	cfg.NumAug = 3
	if _, err := build.BuildARC(cfg); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"identifiers.json", "test_puzzles.json", "train/all__inputs.npy", "train/all__labels.npy",
		"train/all__puzzle_identifiers.npy", "train/all__puzzle_indices.npy", "train/all__group_indices.npy", "train/dataset.json",
		"test/all__inputs.npy", "test/all__puzzle_identifiers.npy", "test/all__group_indices.npy"} {
		a, err := os.ReadFile(filepath.Join(mine, name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(official, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the official build", name)
		}
	}
}
