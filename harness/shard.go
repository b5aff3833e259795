package harness

import (
	"cmp"
	"container/heap"
	"slices"
)

// ShardBy names how `--shard K/N` splits a selection; run headers record it
// so that shards split another way never merge or resume together.
const ShardBy = "views"

// ShardOf keeps the tasks of shard k of n (1-based) as ShardTasks assigns
// them, in selection order. A task's test inputs stay together.
func ShardOf(items []*Item, k, n int) []*Item { return Shards(items, n)[k-1] }

// Shards splits items into n shards (ShardOf of k = 1 … n) in one pass.
func Shards(items []*Item, n int) [][]*Item {
	var task []int // items' task positions in the selection
	var weights []int
	for i, it := range items {
		if i == 0 || it.Task != items[i-1].Task {
			weights = append(weights, 0)
		}
		weights[len(weights)-1] += max(it.ViewCount, 1)
		task = append(task, len(weights)-1)
	}
	shard := ShardTasks(weights, n)
	out := make([][]*Item, max(n, 1))
	for i, it := range items {
		s := shard[task[i]]
		out[s] = append(out[s], it)
	}
	return out
}

// ShardTasks splits tasks of the given weights (views) over n shards so
// that the heaviest shard — which sets a sharded run's wall time — is
// light: the heaviest task goes first, each to the lightest shard so far
// (ties: the earlier task, the lower shard). The largest shard is then at
// most the mean plus one task; tasks of equal weight go round-robin (task
// i to shard i mod n). It returns each task's shard (0-based) and depends
// on the weights only, so every shard computes the same split.
func ShardTasks(weights []int, n int) []int {
	n = max(n, 1)
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(weights[b], weights[a]) })
	h := make(shardHeap, n)
	for i := range h {
		h[i].index = i
	}
	shard := make([]int, len(weights))
	for _, t := range order {
		shard[t] = h[0].index
		h[0].load += weights[t]
		heap.Fix(&h, 0)
	}
	return shard
}

// shardHeap is the shards by load, then index: the lightest on top.
type shardHeap []struct{ load, index int }

func (h shardHeap) Len() int { return len(h) }
func (h shardHeap) Less(i, j int) bool {
	return h[i].load < h[j].load || h[i].load == h[j].load && h[i].index < h[j].index
}
func (h shardHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *shardHeap) Push(any)     { panic("shardHeap: fixed size") }
func (h *shardHeap) Pop() any     { panic("shardHeap: fixed size") }
