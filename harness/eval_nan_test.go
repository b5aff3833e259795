package harness

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"arceval/results"
)

// Views whose outputs hold NaN give no answer: they do not vote, the other
// views decide, an item with no answer left records empty attempts and a
// NaN q_halt_prob (written null: the record stays valid JSON), and the
// score counts the items with NaN outputs.
func TestNaNOutputsAreNoAnswers(t *testing.T) {
	items, err := FromSet(arcSet(), ViewOptions{Views: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{},
		nan: map[string]bool{}, nanQ: map[string]bool{}}
	// Item 0: views 0-1 NaN, 2-4 right. Item 1: every view NaN. Item 2:
	// view 0 right but its q_halt NaN, the others predict their input.
	v0, _ := items[0].Views()
	for _, v := range v0[:2] {
		f.nan[string(v.Tokens)] = true
	}
	for _, v := range v0[2:] {
		teach(f, items[0], v, 1, 1)
	}
	v1, _ := items[1].Views()
	for _, v := range v1 {
		f.nan[string(v.Tokens)] = true
	}
	v2, _ := items[2].Views()
	teach(f, items[2], v2[0], 1, 1)
	f.nanQ[string(v2[0].Tokens)] = true

	got := evaluate(t, f, items, Options{Batch: 4})
	want := []struct {
		nan, rank, cands int
		solved           bool
		votes            []int
	}{
		{2, 1, 1, true, []int{3}},
		{5, 0, 0, false, nil},
		{1, 0, 1, false, []int{4}},
	}
	for i, w := range want {
		r := got[i]
		if r.NaNViews != w.nan || r.Rank != w.rank || r.Candidates != w.cands || r.Solved() != w.solved || !slices.Equal(r.Votes, w.votes) {
			t.Errorf("item %d: nan views %d rank %d cands %d solved %v votes %v; want %+v", i, r.NaNViews, r.Rank, r.Candidates, r.Solved(), r.Votes, w)
		}
		if math.IsNaN(float64(r.QHalt)) != (i == 1) {
			t.Errorf("item %d: q_halt_prob %v", i, r.QHalt)
		}
	}
	if a := got[1].Attempts; len(a) != 2 || len(a[0].Grid) != 0 || len(a[1].Grid) != 0 {
		t.Errorf("item 1 attempts %v, want two empty ones", a)
	}
	// The record is valid JSON, null for the NaN, and reads back as NaN.
	line, err := json.Marshal(got[1])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(line), `"q_halt_prob":null`) || !strings.Contains(string(line), `"nan_views":5`) {
		t.Errorf("record %s", line)
	}
	var back results.Item
	if err := json.Unmarshal(line, &back); err != nil || !math.IsNaN(float64(back.QHalt)) || back.NaNViews != 5 {
		t.Errorf("read back: %+v, %v", back, err)
	}
	s, err := results.Score(results.Header{TaskKind: "arc", Tasks: 2, TestInputs: 3}, got)
	if err != nil {
		t.Fatal(err)
	}
	if s.NaN != 3 || s.Empty != 1 || s.Solved != 1 {
		t.Errorf("summary: %d items with NaN outputs, %d empty, %d solved; want 3, 1, 1", s.NaN, s.Empty, s.Solved)
	}
}
