package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPlanSteps(t *testing.T) {
	s := func(setup, perStep, eval time.Duration) quickSpeed { return quickSpeed{setup, perStep, eval} }
	five := []quickSpeed{s(5*time.Second, 100*time.Millisecond, 3*time.Second), s(5*time.Second, 150*time.Millisecond, 3*time.Second),
		s(5*time.Second, 300*time.Millisecond, 3*time.Second), s(5*time.Second, 200*time.Millisecond, 3*time.Second), s(5*time.Second, 250*time.Millisecond, 3*time.Second)}
	// Five models: 40 s to start and evaluate, 1 s per step of all.
	for _, tc := range []struct {
		name   string
		want   int
		speeds []quickSpeed
		avail  time.Duration
		steps  int
		err    string
	}{
		{"fits: unchanged", 1200, five, 30 * time.Minute, 1200, ""},
		{"exactly fits with the margin", 1200, five, 1378 * time.Second, 1200, ""},
		{"scaled for all", 1200, five, 10 * time.Minute, 500, ""}, // 540 s usable − 40 s = 500 steps
		{"rounds down", 1200, five, 600*time.Second + time.Second, 500, ""},
		{"one model", 1000, []quickSpeed{s(2*time.Second, 60*time.Millisecond, time.Second)}, 8 * time.Minute, 1000, ""},
		{"one step fits", 1200, five, 46 * time.Second, 1, ""},
		{"no step fits", 1200, five, 44 * time.Second, 0, "no room for even one step"},
		{"setup alone too long", 10, []quickSpeed{s(time.Hour, 0, 0)}, time.Minute, 0, "starting and evaluating the 1 models takes 1h0m0s"},
		{"no time left", 10, five, -time.Second, 0, "raise --budget"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := planSteps(tc.want, tc.speeds, tc.avail)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %d, %v; want error %q", got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.steps {
				t.Fatalf("got %d, %v; want %d", got, err, tc.steps)
			}
			// The plan fits: every model trained for it and evaluated.
			var need time.Duration
			for _, sp := range tc.speeds {
				need += sp.need(got)
			}
			if float64(need) > float64(tc.avail)*(1-quickMargin) {
				t.Errorf("%d steps need %v of %v", got, need, tc.avail)
			}
		})
	}
}

func TestPlanNote(t *testing.T) {
	sp := []quickSpeed{{PerStep: 210 * time.Millisecond}, {PerStep: 350 * time.Millisecond}}
	if got := planNote(1200, 1200, 64, 10*time.Minute, []string{"TRM", "HRM"}, sp); got != "1200 optimiser steps of 64 examples per model" {
		t.Errorf("unchanged: %q", got)
	}
	want := "all models 640 of 1,200 optimiser steps of 64 examples (scaled down for all alike to fit --budget 10m0s; measured per step: TRM 0.21 s, HRM 0.35 s)"
	if got := planNote(640, 1200, 64, 10*time.Minute, []string{"TRM", "HRM"}, sp); got != want {
		t.Errorf("scaled:\n got %q\nwant %q", got, want)
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1200: "-1,200"} {
		if got := groupThousands(n); got != want {
			t.Errorf("groupThousands(%d) = %q", n, got)
		}
	}
}

func TestStepTimes(t *testing.T) {
	dir := t.TempDir()
	log := `{"step":1,"seconds":0.9}
{"step":2,"seconds":1.1}
{"step":3,"seconds":1.3}
{"step":6,"seconds":1.9}
`
	os.WriteFile(filepath.Join(dir, "train.jsonl"), []byte(log), 0o644)
	per, loop, err := stepTimes(dir)
	if err != nil || per != 200*time.Millisecond || loop != 1900*time.Millisecond {
		t.Fatalf("per step %v, loop %v, %v", per, loop, err)
	}
	// One step slowed down by another process does not count.
	os.WriteFile(filepath.Join(dir, "train.jsonl"), []byte("{\"step\":1,\"seconds\":1}\n{\"step\":2,\"seconds\":1.1}\n{\"step\":3,\"seconds\":6.1}\n{\"step\":4,\"seconds\":6.2}\n{\"step\":5,\"seconds\":6.3}\n"), 0o644)
	if per, _, err := stepTimes(dir); err != nil || per != 100*time.Millisecond {
		t.Errorf("with a slow step: %v, %v", per, err)
	}
	os.WriteFile(filepath.Join(dir, "train.jsonl"), []byte("{\"step\":1,\"seconds\":1}\n{\"step\":2,\"seconds\":1.1}\n{\"step\":3,\"seconds\":1.3}\n"), 0o644)
	if per, _, err := stepTimes(dir); err != nil || per != 150*time.Millisecond {
		t.Errorf("an even count of intervals: %v, %v", per, err)
	}
	os.WriteFile(filepath.Join(dir, "train.jsonl"), []byte(`{"eval":{}}`+"\n"+`{"step":1,"seconds":0.5}`+"\n"), 0o644)
	if _, _, err := stepTimes(dir); err == nil || !strings.Contains(err.Error(), "1 step records") {
		t.Errorf("one record: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "train.jsonl"), []byte("{\"step\":1}\nnot json\n"), 0o644)
	if _, _, err := stepTimes(dir); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: %v", err)
	}
}
