package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// quickSpeed is a contestant's measured cost on this machine: a training
// run's fixed cost (start-up, data, the final save), the wall time of one
// optimiser step, and the time of evaluating it on the test set.
type quickSpeed struct {
	Setup, PerStep, Eval time.Duration
}

// need is the time to train for steps and evaluate.
func (s quickSpeed) need(steps int) time.Duration {
	return s.Setup + time.Duration(steps)*s.PerStep + s.Eval
}

// quickMargin is the share of the available time the plan leaves unused,
// for measurement noise and the report at the end.
const quickMargin = 0.10

// planSteps returns the step count every contestant trains for: want when
// all of them, at their measured speeds, train and evaluate within avail
// (less quickMargin), else the largest count that fits, the same for all,
// so the comparison stays one of equal training. It is an error when not
// even one step fits.
func planSteps(want int, speeds []quickSpeed, avail time.Duration) (int, error) {
	usable := time.Duration(float64(avail) * (1 - quickMargin))
	var fixed, perStep time.Duration
	for _, s := range speeds {
		fixed += s.Setup + s.Eval
		perStep += s.PerStep
	}
	if fixed+time.Duration(want)*perStep <= usable {
		return want, nil
	}
	steps := 0
	if perStep > 0 && usable > fixed {
		steps = int((usable - fixed) / perStep)
	}
	if steps < 1 {
		return 0, fmt.Errorf("the %v left leave no room for even one step of every model: starting and evaluating the %d models takes %v and a step of each %v at the measured speeds; raise --budget or lower --train-size/--test-size",
			avail.Round(time.Second), len(speeds), fixed.Round(time.Second), perStep.Round(time.Millisecond))
	}
	return min(steps, want), nil
}

// planNote describes the plan for the results' header: the step count all
// models trained for, and why it is lower than asked when it is.
func planNote(steps, want, batch int, budget time.Duration, names []string, speeds []quickSpeed) string {
	if steps == want {
		return fmt.Sprintf("%d optimiser steps of %d examples per model", steps, batch)
	}
	var rates []string
	for i, s := range speeds {
		rates = append(rates, fmt.Sprintf("%s %.3g s", names[i], s.PerStep.Seconds()))
	}
	return fmt.Sprintf("all models %s of %s optimiser steps of %d examples (scaled down for all alike to fit --budget %v; measured per step: %s)",
		groupThousands(steps), groupThousands(want), batch, budget, strings.Join(rates, ", "))
}

// groupThousands writes n with thousands separators (1,200).
func groupThousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// stepTimes reads a finished probe run's train.jsonl (logged every step)
// and returns its wall time per step — the median over the steps after the
// first (which pays one-off costs) — and the loop's time until the last
// step.
func stepTimes(dir string) (perStep, loop time.Duration, err error) {
	data, err := os.ReadFile(filepath.Join(dir, "train.jsonl"))
	if err != nil {
		return 0, 0, err
	}
	type rec struct {
		Step    int     `json:"step"`
		Seconds float64 `json:"seconds"`
	}
	var recs []rec
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r rec
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return 0, 0, fmt.Errorf("%s: line %d: %w", filepath.Join(dir, "train.jsonl"), i+1, err)
		}
		if r.Step > 0 {
			recs = append(recs, r)
		}
	}
	if len(recs) < 2 {
		return 0, 0, fmt.Errorf("%s: %d step records, want at least 2 to time a step", filepath.Join(dir, "train.jsonl"), len(recs))
	}
	var per []float64 // seconds per step between consecutive records
	for i := 1; i < len(recs); i++ {
		a, b := recs[i-1], recs[i]
		if b.Step <= a.Step {
			return 0, 0, fmt.Errorf("%s: step %d logged after step %d", filepath.Join(dir, "train.jsonl"), b.Step, a.Step)
		}
		per = append(per, (b.Seconds-a.Seconds)/float64(b.Step-a.Step))
	}
	// The median: one step slowed by another process does not count.
	slices.Sort(per)
	med := per[len(per)/2]
	if len(per)%2 == 0 {
		med = (per[len(per)/2-1] + med) / 2
	}
	return seconds(med), seconds(recs[len(recs)-1].Seconds), nil
}

// seconds converts a logged number of seconds to a Duration.
func seconds(s float64) time.Duration {
	return time.Duration(math.Round(s * float64(time.Second)))
}
