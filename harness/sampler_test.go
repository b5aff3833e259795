package harness

import (
	"slices"
	"strings"
	"testing"

	"arceval/tasks"
)

// countedData has groups of members of `size` examples each; an example's
// inputs are (group, member, example index).
type countedData struct{ groups, members, size int }

func (d countedData) Kind() tasks.Kind  { return tasks.Sudoku }
func (d countedData) Groups() int       { return d.groups }
func (d countedData) Members(int) int   { return d.members }
func (d countedData) SeqLen() int       { return 3 }
func (d countedData) Vocab() int        { return 11 }
func (d countedData) NumPuzzleIDs() int { return 1 }
func (d countedData) Puzzle(g, k int) []Example {
	out := make([]Example, d.size)
	for i := range out {
		out[i] = Example{Inputs: []int32{int32(g), int32(k), int32(i)}, Labels: make([]int32, 3)}
	}
	return out
}

// The official _sample_batch cuts the puzzle that overflows a batch (its
// other examples are dropped, the next batch starts with the next group)
// and _iter_train drops the incomplete last batch of an iteration.
func TestSamplerCutsAndDropsLast(t *testing.T) {
	d := countedData{groups: 5, members: 2, size: 3}
	for _, tc := range []struct {
		name          string
		epochsPerIter int
		want          [][2][2]int // per batch, its two groups as (epoch, position in the epoch's order)
	}{
		// 5 groups of 3 examples in batches of 4: (1st 3 + 2nd 1 cut),
		// (3rd 3 + 4th 1 cut); the 5th group's 3 examples cannot fill a
		// batch and are dropped with the iteration.
		{"one epoch per iteration", 1, [][2][2]int{{{0, 0}, {0, 1}}, {{0, 2}, {0, 3}}, {{1, 0}, {1, 1}}, {{1, 2}, {1, 3}}}},
		// Two epochs per iteration: the 5th group of epoch 0 runs on into epoch 1.
		{"two epochs per iteration", 2, [][2][2]int{{{0, 0}, {0, 1}}, {{0, 2}, {0, 3}}, {{0, 4}, {1, 0}}, {{1, 1}, {1, 2}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSampler(d, 9, tc.epochsPerIter)
			orders := [][]int{slices.Clone(s.epochOrder(0)), slices.Clone(s.epochOrder(1))}
			for b, want := range tc.want {
				batch, err := s.next(4)
				if err != nil {
					t.Fatal(err)
				}
				first, second := orders[want[0][0]][want[0][1]], orders[want[1][0]][want[1][1]]
				var got []int32
				for _, ex := range batch {
					got = append(got, ex.Inputs[0])
				}
				if w := []int32{int32(first), int32(first), int32(first), int32(second)}; !slices.Equal(got, w) {
					t.Fatalf("batch %d holds groups %v, want %v", b, got, w)
				}
			}
		})
	}
}

// A cut puzzle contributes a random subset of its examples, and every
// member of a group is drawn about equally often.
func TestSamplerCutSubsetAndMembers(t *testing.T) {
	d := countedData{groups: 3, members: 4, size: 3}
	s := newSampler(d, 1, 1000)
	cutIndex := map[int32]int{}
	members := map[int32]int{}
	for range 600 {
		batch, err := s.next(4) // 3 + 1 cut
		if err != nil {
			t.Fatal(err)
		}
		cutIndex[batch[3].Inputs[2]]++
		members[batch[0].Inputs[1]]++
	}
	for i := range int32(3) {
		if cutIndex[i] < 140 || cutIndex[i] > 260 {
			t.Errorf("example %d of a cut puzzle taken %d times of 600", i, cutIndex[i])
		}
	}
	for k := range int32(4) {
		if members[k] < 100 || members[k] > 200 {
			t.Errorf("member %d drawn %d times of 600", k, members[k])
		}
	}
}

// A sampler restarted at a saved position continues with the same batches.
func TestSamplerResumesAtPosition(t *testing.T) {
	d := countedData{groups: 7, members: 3, size: 2}
	a := newSampler(d, 4, 2)
	var want [][]Example
	for i := range 12 {
		b, err := a.next(5)
		if err != nil {
			t.Fatal(err)
		}
		if i >= 5 {
			want = append(want, b)
		}
	}
	b := newSampler(d, 4, 2)
	for range 5 {
		if _, err := b.next(5); err != nil {
			t.Fatal(err)
		}
	}
	c := newSampler(d, 4, 2)
	c.Epoch, c.Offset = b.Epoch, b.Offset
	for i, w := range want {
		got, err := c.next(5)
		if err != nil {
			t.Fatal(err)
		}
		for j := range w {
			if !slices.Equal(got[j].Inputs, w[j].Inputs) {
				t.Fatalf("batch %d after resume differs at example %d", i+5, j)
			}
		}
	}
}

// An iteration with fewer examples than a batch never yields one: an error,
// not an endless loop.
func TestSamplerIterationSmallerThanBatch(t *testing.T) {
	s := newSampler(countedData{groups: 2, members: 1, size: 3}, 1, 1)
	if _, err := s.next(8); err == nil || !strings.Contains(err.Error(), "fewer than 8 examples") {
		t.Errorf("got %v", err)
	}
	// Two epochs (12 examples) per iteration: one batch of 8, the rest dropped.
	s = newSampler(countedData{groups: 2, members: 1, size: 3}, 1, 2)
	for range 3 {
		if _, err := s.next(8); err != nil {
			t.Fatal(err)
		}
	}
	// Each iteration gives one batch ending in its second epoch.
	if s.Epoch != 5 || s.Offset != 1 {
		t.Errorf("after 3 batches of 8 from iterations of 12 examples: epoch %d offset %d, want 5, 1", s.Epoch, s.Offset)
	}
}
