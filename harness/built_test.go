package harness

import (
	"path/filepath"
	"testing"

	"arceval/internal/testenv"
	"arceval/tasks"
	"arceval/tasks/build"
)

// A built test split's views are the official augmented puzzles: each must
// invert to the original test input, carry its puzzle's identifier, and the
// expected answer must be the original test output.
func TestFromBuiltUsesTheBuildsViews(t *testing.T) {
	data := testenv.DataRoot(t)
	out := filepath.Join(t.TempDir(), "built")
	cfg := build.DefaultARCConfig(filepath.Join(data, "trm-kaggle-combined", "arc-agi"), out)
	cfg.Subsets, cfg.TestSet, cfg.TestSet2, cfg.NumAug = []string{"concept"}, "concept", "", 4
	if _, err := build.BuildARC(cfg); err != nil {
		t.Fatal(err)
	}
	split, err := tasks.OpenBuilt(filepath.Join(out, "test"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := tasks.LoadSet(data, "trm-kaggle/concept")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*tasks.Task{}
	for _, task := range set.Tasks {
		byID[task.ID] = task
	}
	names := map[int32]string{}
	for i, n := range split.Identifiers {
		names[int32(i)] = n
	}
	for _, views := range []int{0, 2} {
		items, err := FromBuilt(split, tasks.ARC, ViewOptions{Views: views})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 480 {
			t.Fatalf("%d items, want ConceptARC's 480 test inputs", len(items))
		}
		for _, it := range items {
			task := byID[it.TaskID]
			if task == nil || it.Tests != len(task.Test) || !it.Expected.Equal(task.Test[it.TestIndex].Output) {
				t.Fatalf("item %s: not the task's test output", it.Key())
			}
			vs, _ := it.Views()
			want := 5
			if views > 0 {
				want = views
			}
			if len(vs) != want || it.ViewCount != want || !vs[0].Aug.IsIdentity() {
				t.Fatalf("item %s: %d views, ViewCount %d (want %d, original first)", it.Key(), len(vs), it.ViewCount, want)
			}
			for i, v := range vs {
				if !v.Aug.Invert(tasks.CropARC(v.Tokens)).Equal(task.Test[it.TestIndex].Input) {
					t.Fatalf("item %s view %d does not invert to the test input", it.Key(), i)
				}
				id, aug, err := tasks.ParseARCName(names[v.PuzzleID])
				if err != nil || id != it.TaskID || aug != v.Aug {
					t.Fatalf("item %s view %d: identifier %d names %q", it.Key(), i, v.PuzzleID, names[v.PuzzleID])
				}
			}
		}
	}
}
