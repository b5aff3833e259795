package harness

import (
	"context"
	"testing"
	"time"
)

// The preflight arithmetic with a given timing: arcSet has tasks a (2 test
// inputs) and b (1); with 4 views and 16 steps that is 12 views, 192
// view-steps, 1.92 s at 10 ms each; in 2 shards task a's shard is the
// largest, 8 views, 128 view-steps, 1.28 s.
func TestPlanWork(t *testing.T) {
	items, err := FromSet(arcSet(), ViewOptions{Views: 4, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	info := arcInfo()
	info.MaxSteps = 16
	p, err := PlanWork(info, items, 0, 2, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	want := Work{Tasks: 2, TestInputs: 3, Views: 12, Steps: 16, ViewSteps: 192}
	if p.Work != want {
		t.Errorf("work %+v, want %+v", p.Work, want)
	}
	if p.Wall() != 1920*time.Millisecond {
		t.Errorf("wall %v, want 1.92 s", p.Wall())
	}
	if len(p.Shards) != 2 || p.Shards[0] != (Work{Tasks: 1, TestInputs: 2, Views: 8, Steps: 16, ViewSteps: 128}) || p.Shards[1].ViewSteps != 64 {
		t.Errorf("shards %+v", p.Shards)
	}
	if k, w := p.LargestShard(); k != 1 || w.Views != 8 || p.ShardWall() != 1280*time.Millisecond {
		t.Errorf("largest shard %d %+v, wall %v", k, w, p.ShardWall())
	}
	// --steps beyond the depth counts those steps.
	if p, _ := PlanWork(info, items, 20, 0, time.Millisecond); p.Work.ViewSteps != 240 || p.Shards != nil || p.Wall() != 240*time.Millisecond {
		t.Errorf("20 steps: %+v, wall %v", p.Work, p.Wall())
	}
	// A model that reads another sequence length is refused, naming the item.
	info.SeqLen = 81
	if _, err := PlanWork(info, items, 0, 0, time.Millisecond); err == nil {
		t.Error("views of the wrong length accepted")
	}
}

// TimeSteps runs the model (no assertion on the time itself).
func TestTimeStepsRuns(t *testing.T) {
	items, _ := FromSet(arcSet(), ViewOptions{Views: 4, Seed: 2})
	f := &fakeModel{info: arcInfo(), answers: map[string][]uint8{}, from: map[string]int{}, q: map[string]float32{}}
	if _, err := TimeSteps(context.Background(), f, items, 6, 3); err != nil {
		t.Fatal(err)
	}
	if len(f.depths) != 4 {
		t.Errorf("%d steps run, want a warm-up and 3 timed", len(f.depths))
	}
	if _, err := TimeSteps(context.Background(), f, nil, 6, 3); err == nil {
		t.Error("timing with no items did not fail")
	}
}
