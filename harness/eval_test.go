package harness

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"arceval/models"
	"arceval/results"
	"arceval/tasks"

	"github.com/google/go-cmp/cmp"
)

func randomGrid(rng *rand.Rand, h, w int) tasks.Grid {
	g := tasks.NewGrid(h, w)
	for i := range g.Cells {
		g.Cells[i] = uint8(rng.IntN(10))
	}
	return g
}

// arcSet is a small ARC set: task "a" with two test inputs, "b" with one.
func arcSet() *tasks.Set {
	rng := rand.New(rand.NewPCG(7, 7))
	task := func(id string, tests int) *tasks.Task {
		t := &tasks.Task{ID: id, Kind: tasks.ARC, HasSolutions: true, Rating: -1}
		t.Train = []tasks.Pair{{Input: randomGrid(rng, 3, 4), Output: randomGrid(rng, 2, 5)}}
		for range tests {
			t.Test = append(t.Test, tasks.Pair{Input: randomGrid(rng, 4, 3), Output: randomGrid(rng, 5, 2)})
		}
		return t
	}
	return &tasks.Set{Name: "synthetic", Kind: tasks.ARC, Tasks: []*tasks.Task{task("a", 2), task("b", 1)}}
}

func arcInfo() models.Info {
	return models.Info{Kind: "fake", SeqLen: tasks.ARCSeqLen, Vocab: tasks.ARCVocab, MaxSteps: 4}
}

func encode(g tasks.Grid) []uint8 {
	tok := make([]uint8, tasks.ARCSeqLen)
	tasks.EncodeARC(g, 0, 0, tok)
	return tok
}

// teach makes the fake model answer view v of item it correctly (in the
// view's augmented frame) from step `from`.
func teach(f *fakeModel, it *Item, v View, from int, q float32) {
	key := string(v.Tokens)
	f.answers[key] = encode(v.Aug.Apply(it.Expected))
	f.from[key] = from
	f.q[key] = q
}

func evaluate(t *testing.T, m models.Model, items []*Item, opt Options) []results.Item {
	t.Helper()
	var out []results.Item
	if err := Evaluate(context.Background(), m, items, opt, func(it results.Item) error {
		it.Seconds = 0
		out = append(out, it)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVotingInvertsViews(t *testing.T) {
	items, err := FromSet(arcSet(), ViewOptions{Views: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{}}
	// Item 0: 3 of 5 views right → attempt 1 right. Item 1: 2 of 5 right →
	// the wrong answer (the input, proposed by the other 3) leads, the right
	// one is attempt 2. Item 2: nothing right.
	for i, right := range []int{3, 2, 0} {
		views, _ := items[i].Views()
		if len(views) != 5 {
			t.Fatalf("item %d: %d views, want 5", i, len(views))
		}
		if !views[0].Aug.IsIdentity() {
			t.Fatalf("item %d: first view is not the original", i)
		}
		for _, v := range views[:right] {
			teach(f, items[i], v, 1, 0)
		}
	}
	got := evaluate(t, f, items, Options{Batch: 4})
	type outcome struct {
		Rank, Candidates int
		Correct          [2]bool
		Votes            []int
	}
	want := []outcome{
		{1, 2, [2]bool{true, false}, []int{3, 2}},
		{2, 2, [2]bool{false, true}, []int{3, 2}},
		{0, 1, [2]bool{false, false}, []int{5}},
	}
	var outcomes []outcome
	for _, r := range got {
		outcomes = append(outcomes, outcome{r.Rank, r.Candidates, [2]bool{r.Attempts[0].Correct, r.Attempts[1].Correct}, r.Votes})
	}
	if diff := cmp.Diff(want, outcomes); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	// The losing answer of item 1 is the original test input: every view
	// predicted its own input, and inverting them must agree.
	if in := items[1]; !slices.EqualFunc(got[1].Attempts[0].Grid, arcSet().Tasks[0].Test[1].Input.Rows(), slices.Equal) {
		t.Errorf("item %s: attempt 1 is %v, want the inverted input", in.Key(), got[1].Attempts[0].Grid)
	}
	s, err := results.Score(results.Header{TaskKind: "arc", Tasks: 2, TestInputs: 3}, got)
	if err != nil {
		t.Fatal(err)
	}
	// Task a: both inputs solved within two attempts → 1; task b: 0.
	if s.TaskMacro != 0.5 || s.Micro != 2.0/3 || s.AllOrNothing != 0.5 || s.PassK[1] != 0.25 {
		t.Errorf("scores %+v", s)
	}
}

func TestTiesBrokenByMeanQ(t *testing.T) {
	items, _ := FromSet(arcSet(), ViewOptions{Views: 4, Seed: 1})
	it := items[2]
	views, _ := it.Views()
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{}}
	// Two views right with confident q, two wrong (their input) with low q:
	// a 2–2 tie that the mean sigmoid(q_halt) must break for the right answer.
	for _, v := range views[2:] {
		teach(f, it, v, 1, 3)
	}
	got := evaluate(t, f, items[2:], Options{Batch: 3})
	if got[0].Rank != 1 || !slices.Equal(got[0].Votes, []int{2, 2}) {
		t.Errorf("rank %d votes %v, want the confident answer first in a 2–2 tie", got[0].Rank, got[0].Votes)
	}
}

func TestStepCurveAndHalting(t *testing.T) {
	items, _ := FromSet(arcSet(), ViewOptions{Views: 1})
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{}}
	v0, _ := items[0].Views()
	teach(f, items[0], v0[0], 3, -1) // right from step 3
	v1, _ := items[1].Views()
	teach(f, items[1], v1[0], 1, 2) // right at once and confident: halts at step 1 with --halt
	for _, halt := range []bool{false, true} {
		got := evaluate(t, f, items, Options{Batch: 2, Halt: halt})
		if !slices.Equal(got[0].StepExact, []bool{false, false, true, true}) || got[0].Steps != 4 {
			t.Errorf("halt=%v: item 0 steps %d curve %v", halt, got[0].Steps, got[0].StepExact)
		}
		wantSteps := 4
		if halt {
			wantSteps = 1
		}
		if !slices.Equal(got[1].StepExact, []bool{true, true, true, true}) || got[1].Steps != wantSteps {
			t.Errorf("halt=%v: item 1 steps %d (want %d) curve %v", halt, got[1].Steps, wantSteps, got[1].StepExact)
		}
	}
	// Beyond the model's 4 steps the harness asks the model to go on (its
	// halting depth becomes 5) and records every step; up to 4 it leaves the
	// model's own depth.
	for _, tc := range []struct{ steps, depth int }{{5, 5}, {4, 4}, {2, 4}} {
		f.depths = nil
		got := evaluate(t, f, items, Options{Steps: tc.steps})
		if len(got[0].StepExact) != tc.steps || got[0].Steps != tc.steps || len(got[0].StepQHalt) != tc.steps {
			t.Errorf("--steps %d: item 0 used %d steps, curve %v, q %v", tc.steps, got[0].Steps, got[0].StepExact, got[0].StepQHalt)
		}
		if len(f.depths) == 0 || slices.ContainsFunc(f.depths, func(d int) bool { return d != tc.depth }) {
			t.Errorf("--steps %d: the model halted at depths %v, want %d", tc.steps, f.depths, tc.depth)
		}
	}
}

func TestRecordsIndependentOfBatching(t *testing.T) {
	items, _ := FromSet(arcSet(), ViewOptions{Views: 6, Seed: 9})
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{}}
	for i, it := range items {
		views, _ := it.Views()
		for j, v := range views {
			if (i+j)%2 == 0 {
				teach(f, it, v, 1+j%3, float32(j)-2)
			}
		}
	}
	ref := evaluate(t, f, items, Options{Batch: 1})
	for _, b := range []int{2, 5, 7, 100} {
		if got := evaluate(t, f, items, Options{Batch: b}); !equalRecords(got, ref) {
			t.Errorf("batch %d: records differ from batch 1", b)
		}
	}
}

func equalRecords(a, b []results.Item) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		x.Seconds, y.Seconds = 0, 0
		if !slices.Equal(x.StepExact, y.StepExact) || !slices.Equal(x.Votes, y.Votes) || x.Rank != y.Rank || x.Steps != y.Steps ||
			x.Key() != y.Key() || x.QHalt != y.QHalt || len(x.Attempts) != len(y.Attempts) {
			return false
		}
		for j := range x.Attempts {
			if x.Attempts[j].Correct != y.Attempts[j].Correct || !slices.EqualFunc(x.Attempts[j].Grid, y.Attempts[j].Grid, slices.Equal) {
				return false
			}
		}
	}
	return true
}

func TestViewsAreDistinctAndSeeded(t *testing.T) {
	set := arcSet()
	a, _ := FromSet(set, ViewOptions{Views: 20, Seed: 1})
	b, _ := FromSet(set, ViewOptions{Views: 20, Seed: 1})
	c, _ := FromSet(set, ViewOptions{Views: 20, Seed: 2})
	va, _ := a[0].Views()
	vb, _ := b[0].Views()
	vc, _ := c[0].Views()
	seen := map[tasks.ARCAug]bool{}
	for i, v := range va {
		if seen[v.Aug] || !v.Aug.Colours.Valid() || v.Aug.Colours[0] != 0 {
			t.Errorf("view %d: augmentation %v repeated or invalid", i, v.Aug)
		}
		seen[v.Aug] = true
		if vb[i].Aug != v.Aug {
			t.Errorf("view %d differs between two draws with the same seed", i)
		}
		// Inverting the view's input gives back the original.
		if !v.Aug.Invert(tasks.CropARC(v.Tokens)).Equal(set.Tasks[0].Test[0].Input) {
			t.Errorf("view %d does not invert to the test input", i)
		}
	}
	if slices.EqualFunc(va, vc, func(x, y View) bool { return x.Aug == y.Aug }) {
		t.Error("seeds 1 and 2 drew the same views")
	}
	// Both test inputs of a task share the task's augmentations.
	v1, _ := a[1].Views()
	for i := range va {
		if va[i].Aug != v1[i].Aug {
			t.Fatalf("test inputs of one task got different view %d", i)
		}
	}
}

func TestPuzzleIDModes(t *testing.T) {
	set := arcSet()
	names := map[string]int32{"a": 5}
	items, _ := FromSet(set, ViewOptions{Views: 3, Seed: 1, Identifiers: names})
	views, _ := items[0].Views()
	names[views[1].Aug.Name("a")] = 9
	items, _ = FromSet(set, ViewOptions{Views: 3, Seed: 1, Identifiers: names})
	views, _ = items[0].Views()
	if views[0].PuzzleID != 5 || views[1].PuzzleID != 9 || views[2].PuzzleID != 0 {
		t.Errorf("auto ids %d %d %d, want 5 9 0 (unknown names blank)", views[0].PuzzleID, views[1].PuzzleID, views[2].PuzzleID)
	}
	items, _ = FromSet(set, ViewOptions{Views: 3, Seed: 1, Identifiers: names, IDs: IDsBlank})
	views, _ = items[0].Views()
	for _, v := range views {
		if v.PuzzleID != 0 {
			t.Errorf("blank mode gave id %d", v.PuzzleID)
		}
	}
	items, _ = FromSet(set, ViewOptions{Views: 3, Seed: 1, IDs: IDsRandom, NumIDs: 50})
	views, _ = items[0].Views()
	for _, v := range views {
		if v.PuzzleID < 1 || v.PuzzleID >= 50 {
			t.Errorf("random mode gave id %d outside 1..49", v.PuzzleID)
		}
	}
}

func TestSelectAndShards(t *testing.T) {
	set := arcSet()
	set.Tasks = append(set.Tasks, arcSet().Tasks...)
	set.Tasks[2].ID, set.Tasks[3].ID = "c", "d"
	items, _ := FromSet(set, ViewOptions{})
	sel, subset, err := Select(items, 2, nil)
	if err != nil || len(sel) != 3 || subset != "first 2 of 4 tasks" {
		t.Errorf("limit 2: %d items, %q, %v", len(sel), subset, err)
	}
	sel, _, err = Select(items, 0, []string{"d", "a"})
	if err != nil || len(sel) != 3 || sel[0].TaskID != "a" || sel[2].TaskID != "d" {
		t.Errorf("ids: %d items, %v", len(sel), err)
	}
	if _, _, err := Select(items, 0, []string{"zz"}); err == nil {
		t.Error("unknown id accepted")
	}
	var keys []string
	for k := 1; k <= 3; k++ {
		for _, it := range ShardOf(items, k, 3) {
			keys = append(keys, it.Key())
		}
	}
	slices.Sort(keys)
	var all []string
	for _, it := range items {
		all = append(all, it.Key())
	}
	slices.Sort(all)
	if !slices.Equal(keys, all) {
		t.Errorf("shards cover %v, want %v", keys, all)
	}
	// a and c have two test inputs, b and d one: balanced, a goes to shard
	// 1, c to 2, and b and d together to 3.
	for k, want := range map[int]string{1: "a#0 a#1", 2: "c#0 c#1", 3: "b#0 d#0"} {
		var got []string
		for _, it := range ShardOf(items, k, 3) {
			got = append(got, it.Key())
		}
		if strings.Join(got, " ") != want {
			t.Errorf("shard %d/3 holds %v, want %s", k, got, want)
		}
	}
}

// Each batch's CPU time is shared equally among its rows: with a clock that
// advances one second per batch, 3 items × 3 views in batches of 2 cost
// 1.5, 1.5 and 2 CPU-seconds (the last batch holds one view alone).
func TestCPUSecondsShared(t *testing.T) {
	items, err := FromSet(arcSet(), ViewOptions{Views: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{}}
	var ticks int64
	clock := func() time.Duration { ticks++; return time.Duration(ticks) * time.Second } // +1 s per batch: read at its start and end
	got := evaluate(t, f, items, Options{Batch: 2, CPUClock: clock})
	for i, want := range []float64{1.5, 1.5, 2} {
		if got[i].CPUSeconds != want {
			t.Errorf("item %d: %v CPU-seconds, want %v", i, got[i].CPUSeconds, want)
		}
	}
	// A clock that cannot be read records nothing.
	got = evaluate(t, f, items, Options{Batch: 2, CPUClock: func() time.Duration { return 0 }})
	if got[0].CPUSeconds != 0 {
		t.Errorf("CPU-seconds %v without a clock", got[0].CPUSeconds)
	}
}
