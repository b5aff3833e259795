package harness

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// ShardTasks is a partition that depends on the weights only, its largest
// shard is at most the mean plus the heaviest task, and tasks of equal
// weight go round-robin (the split arceval used before it balanced views).
func TestShardTasksProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		tasks, n := rng.IntN(60), 1+rng.IntN(12)
		weights := make([]int, tasks)
		total, heaviest := 0, 0
		for i := range weights {
			weights[i] = 1 + rng.IntN(3000)
			total += weights[i]
			heaviest = max(heaviest, weights[i])
		}
		shard := ShardTasks(weights, n)
		if !slices.Equal(shard, ShardTasks(slices.Clone(weights), n)) {
			t.Fatalf("weights %v, %d shards: two calls split differently", weights, n)
		}
		load := make([]int, n)
		for i, s := range shard {
			if s < 0 || s >= n {
				t.Fatalf("task %d in shard %d of %d", i, s, n)
			}
			load[s] += weights[i]
		}
		if m := slices.Max(load); m*n > total+n*heaviest {
			t.Errorf("weights %v, %d shards: largest shard %d above the mean %d/%d plus the heaviest task %d", weights, n, m, total, n, heaviest)
		}
	}
	equal := make([]int, 23)
	for i := range equal {
		equal[i] = 7
	}
	for i, s := range ShardTasks(equal, 5) {
		if s != i%5 {
			t.Fatalf("equal weights: task %d in shard %d, want %d", i, s, i%5)
		}
	}
	if got := ShardTasks([]int{1, 2, 3, 4, 5}, 2); !slices.Equal(got, []int{0, 0, 1, 1, 0}) {
		t.Errorf("weights 1..5 on 2 shards: %v, want [0 0 1 1 0] (5, 4, 3 to the lighter, 2, 1)", got)
	}
}

// ViewCount, which shards balance, is the number of views an item runs:
// exact for one-view sets, an upper bound for ARC views drawn at run time.
func TestItemViewCount(t *testing.T) {
	for _, views := range []int{0, 1, 3, 40} {
		items, err := FromSet(arcSet(), ViewOptions{Views: views, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			vs, err := it.Views()
			if err != nil {
				t.Fatal(err)
			}
			if it.ViewCount != max(views, 1) || len(vs) > it.ViewCount || len(vs) < 1 {
				t.Errorf("--views %d, %s: ViewCount %d, %d views drawn", views, it.Key(), it.ViewCount, len(vs))
			}
		}
	}
}
