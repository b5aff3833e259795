package optim

import (
	"math"
	"testing"
)

func TestScheduleLR(t *testing.T) {
	trm := Schedule{BaseLR: 1e-4, WarmupSteps: 2000, TotalSteps: 65104, MinRatio: 1}
	cos := Schedule{BaseLR: 1e-3, WarmupSteps: 2000, TotalSteps: 10000, MinRatio: 0.1}
	tests := []struct {
		name string
		s    Schedule
		step int
		want float64
	}{
		{"trm/step0", trm, 0, 0},
		{"trm/first update", trm, 1, 5e-8},
		{"trm/mid warm-up", trm, 1000, 5e-5},
		{"trm/last warm-up step", trm, 1999, 1e-4 * 1999 / 2000},
		{"trm/end of warm-up", trm, 2000, 1e-4},
		{"trm/constant after warm-up", trm, 30000, 1e-4},
		{"trm/last step", trm, 65104, 1e-4},
		{"cosine/start", cos, 2000, 1e-3},
		{"cosine/quarter", cos, 4000, 1e-3 * (0.1 + 0.9*0.5*(1+math.Sqrt2/2))},
		{"cosine/half", cos, 6000, 5.5e-4},
		{"cosine/end", cos, 10000, 1e-4},
		{"cosine/past the end", cos, 14000, 5.5e-4}, // the official formula keeps going
		{"no warm-up/step0", Schedule{BaseLR: 2, TotalSteps: 4}, 0, 2},
		{"no warm-up/step2", Schedule{BaseLR: 2, TotalSteps: 4}, 2, 1},
		{"no warm-up/end", Schedule{BaseLR: 2, TotalSteps: 4}, 4, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.s.LR(tc.step)
			if math.Abs(got-tc.want) > 1e-15*max(1, math.Abs(tc.want)) {
				t.Errorf("LR(%d) = %.17g, want %.17g", tc.step, got, tc.want)
			}
		})
	}
}

func TestScheduleUpdates(t *testing.T) {
	s := Schedule{BaseLR: 1, WarmupSteps: 2, TotalSteps: 5, MinRatio: 1}
	for step, want := range map[int]bool{1: true, 5: true, 6: false, 100: false} {
		if got := s.Updates(step); got != want {
			t.Errorf("Updates(%d) = %v, want %v", step, got, want)
		}
	}
}
