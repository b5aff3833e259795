package harness

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"arceval/tasks"
)

// A run whose loss turns NaN or infinite stops with "loss is … at step N"
// naming the last good checkpoint, which it leaves untouched and which
// resumes; nothing non-finite is saved. An absurd learning rate diverges
// after the first steps; --checkpoint-every 1 saves each good one.
func TestTrainStopsWhenItDiverges(t *testing.T) {
	data, err := NewTaskData([]*tasks.Set{sudokuSet(t, 6, 1)}, TaskDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := tinyRecipe(20)
	cfg.LR, cfg.Warmup = 1e37, 0
	tr, err := NewTrainer(cfg, tinyTrainable(t, 2), data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	err = tr.Run(context.Background(), RunOptions{Dir: dir, LogEvery: 1, CheckpointEvery: 1})
	var d *DivergedError
	if !errors.As(err, &d) {
		t.Fatalf("a run with lr 1e37: %v, want a DivergedError", err)
	}
	ckPath := filepath.Join(dir, CheckpointFile)
	for _, want := range []string{" is ", " at step ", "training diverged; " + ckPath + " holds step "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	t.Logf("%v", err)
	ck, err := OpenCheckpoint(ckPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ck.Close()
	if ck.Step() != d.Step-1 {
		t.Errorf("the checkpoint holds step %d, want %d (the last good one)", ck.Step(), d.Step-1)
	}
	// The last good state is usable: it resumes (every field valid and
	// finite) and diverges again at the same step.
	m := tinyTrainable(t, 2)
	for name, w := range ck.Weights {
		copy(m.Weights()[name].Data, w.Data)
	}
	res, err := ResumeTrainer(ck, m, data)
	if err != nil {
		t.Fatalf("resume of the last good checkpoint: %v", err)
	}
	if _, err := res.TrainStep(); !errors.As(err, &d) || d.Step != ck.Step()+1 {
		t.Errorf("resumed step: %v, want the same divergence at step %d", err, ck.Step()+1)
	}
	if _, err := os.Stat(filepath.Join(dir, ModelFile)); err != nil {
		t.Error(err)
	}
}

// A step whose loss is NaN changes no weight, and the error says so:
// "loss is NaN at step N".
func TestNaNLossChangesNothing(t *testing.T) {
	data, err := NewTaskData([]*tasks.Set{sudokuSet(t, 6, 1)}, TaskDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	m := tinyTrainable(t, 2)
	// Alternating ±3e38 in the output head: logits ±Inf summed, NaN.
	for _, p := range m.Params() {
		if strings.Contains(p.Name, "lm_head") {
			for i := range p.W {
				p.W[i] = 3e38 * float32(1-2*(i%2))
			}
		}
	}
	m.Repack()
	tr, err := NewTrainer(tinyRecipe(3), m, data)
	if err != nil {
		t.Fatal(err)
	}
	before := weightsOf(m)
	_, err = tr.TrainStep()
	if err == nil || err.Error() != "loss is NaN at step 1" {
		t.Fatalf("%v, want loss is NaN at step 1", err)
	}
	for name, w := range weightsOf(m) {
		for i := range w {
			if w[i] != before[name][i] {
				t.Fatalf("%s changed by a NaN step", name)
			}
		}
	}
	if tr.Step != 0 {
		t.Errorf("step %d after a NaN step, want 0", tr.Step)
	}
}
