package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/models"
	"arceval/models/nn"
	"arceval/models/trm"
	"arceval/tasks"
	"arceval/tasks/gen"
)

// sudokuSet generates n Sudoku puzzles with their solutions.
func sudokuSet(t testing.TB, n int, seed uint64) *tasks.Set {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	set := &tasks.Set{Name: "generated", Kind: tasks.Sudoku}
	for i := range n {
		p, s, rating, err := gen.GenerateSudoku(rng, gen.SudokuOptions{})
		if err != nil {
			t.Fatal(err)
		}
		q, a := tasks.NewGrid(9, 9), tasks.NewGrid(9, 9)
		copy(q.Cells, p[:])
		copy(a.Cells, s[:])
		set.Tasks = append(set.Tasks, &tasks.Task{ID: string(rune('a'+i%26)) + string(rune('0'+i/26)), Kind: tasks.Sudoku, HasSolutions: true, Rating: rating,
			Test: []tasks.Pair{{Input: q, Output: a}}})
	}
	return set
}

func tinyTrainable(t testing.TB, seed uint64) *trm.Model {
	t.Helper()
	c := trm.DefaultConfig()
	c.SeqLen, c.VocabSize, c.HiddenSize, c.NumHeads, c.Expansion = 81, 11, 16, 2, 2
	c.LLayers, c.HCycles, c.LCycles, c.HaltMaxSteps, c.HaltExplorationProb = 1, 2, 1, 3, 0.3
	c.PuzzleEmbNdim, c.PuzzleEmbLen, c.NumPuzzleIdentifiers, c.PosEncodings = 16, 1, 1, "rope"
	m, err := trm.LoadTrainable(c, trm.InitTensors(c, seed))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func tinyRecipe(steps int) TrainConfig {
	c := DefaultTrainConfig(steps)
	c.GlobalBatch, c.MicroBatch, c.Warmup, c.LR, c.Seed, c.EMA = 8, 4, 2, 3e-3, 5, 0.9
	return c
}

// weightsOf copies a model's tensors.
func weightsOf(m models.Trainable) map[string][]float32 {
	out := map[string][]float32{}
	for name, w := range m.Weights() {
		out[name] = slices.Clone(w.Data)
	}
	return out
}

func TestTrainKillAndResume(t *testing.T) {
	data, err := NewTaskData([]*tasks.Set{sudokuSet(t, 12, 1)}, TaskDataOptions{NumAug: 1000, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	// Uninterrupted: 7 steps.
	ref, err := NewTrainer(tinyRecipe(7), tinyTrainable(t, 2), data)
	if err != nil {
		t.Fatal(err)
	}
	if err := ref.Run(context.Background(), RunOptions{Dir: t.TempDir(), LogEvery: 1}); err != nil {
		t.Fatal(err)
	}
	// Killed after step 3 (the interrupt checkpoints the finished step), then resumed.
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	killed, _ := NewTrainer(tinyRecipe(7), tinyTrainable(t, 2), data)
	err = killed.Run(ctx, RunOptions{Dir: dir, LogEvery: 1, Logged: func(r LogRecord) {
		if r.Step == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || killed.Step != 3 {
		t.Fatalf("interrupted run: step %d, %v", killed.Step, err)
	}
	ck, err := OpenCheckpoint(filepath.Join(dir, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	defer ck.Close()
	var c trm.Config
	if err := jsonUnmarshal(ck.Config, &c); err != nil {
		t.Fatal(err)
	}
	m, err := trm.LoadTrainable(c, trm.TensorMap(ck.Weights))
	if err != nil {
		t.Fatal(err)
	}
	resumed, err := ResumeTrainer(ck, m, data)
	if err != nil {
		t.Fatal(err)
	}
	if err := resumed.Run(context.Background(), RunOptions{Dir: dir, LogEvery: 1}); err != nil {
		t.Fatal(err)
	}
	want, got := weightsOf(ref.Model), weightsOf(resumed.Model)
	for name, w := range want {
		if !slices.Equal(w, got[name]) {
			t.Errorf("%s differs after kill and resume", name)
		}
	}
	for _, p := range ref.Model.Params() {
		if !slices.Equal(ref.ema.Shadow(p.Name), resumed.ema.Shadow(p.Name)) {
			t.Errorf("EMA of %s differs after kill and resume", p.Name)
		}
	}
	if lines := readLogSteps(t, filepath.Join(dir, LogFile)); !slices.Equal(lines, []int{1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("log steps %v, want 1..7 once each", lines)
	}
}

func TestTrainIndependentOfThreads(t *testing.T) {
	data, _ := NewTaskData([]*tasks.Set{sudokuSet(t, 8, 3)}, TaskDataOptions{NumAug: 1000, Seed: 42})
	run := func(threads int) map[string][]float32 {
		old := nn.Threads()
		nn.SetThreads(threads)
		defer nn.SetThreads(old)
		tr, err := NewTrainer(tinyRecipe(3), tinyTrainable(t, 4), data)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if _, err := tr.TrainStep(); err != nil {
				t.Fatal(err)
			}
		}
		return weightsOf(tr.Model)
	}
	a, b := run(1), run(2)
	for name := range a {
		if !slices.Equal(a[name], b[name]) {
			t.Errorf("%s differs between 1 and 2 threads", name)
		}
	}
}

func TestTrainingLowersTheLoss(t *testing.T) {
	data, _ := NewTaskData([]*tasks.Set{sudokuSet(t, 16, 7)}, TaskDataOptions{})
	cfg := tinyRecipe(80)
	cfg.GlobalBatch, cfg.MicroBatch = 16, 16
	tr, err := NewTrainer(cfg, tinyTrainable(t, 9), data)
	if err != nil {
		t.Fatal(err)
	}
	var first, last float64
	for i := range cfg.Steps {
		st, err := tr.TrainStep()
		if err != nil {
			t.Fatal(err)
		}
		if i < 5 {
			first += st.LMLoss / 5
		}
		if i >= cfg.Steps-5 {
			last += st.LMLoss / 5
		}
	}
	if !(last < 0.8*first) {
		t.Errorf("lm loss went from %.3f to %.3f over %d steps; want a clear drop", first, last, cfg.Steps)
	}
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

func readLogSteps(t *testing.T, path string) []int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var r LogRecord
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, r.Step)
	}
	return steps
}

// A checkpoint written before the official sampler (no epochs_per_iter in
// its recipe) holds a position in examples, not groups: resuming it could
// not be bit-identical, so it is refused.
func TestResumeRefusesCheckpointBeforeOfficialSampler(t *testing.T) {
	data, err := NewTaskData([]*tasks.Set{sudokuSet(t, 6, 1)}, TaskDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(tinyRecipe(2), tinyTrainable(t, 2), data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.TrainStep(); err != nil {
		t.Fatal(err)
	}
	tr.Cfg.EpochsPerIter = 0 // as an older arceval wrote it
	path := filepath.Join(t.TempDir(), CheckpointFile)
	if err := tr.Save(path, "sudoku"); err != nil {
		t.Fatal(err)
	}
	ck, err := OpenCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ck.Close()
	if _, err := ResumeTrainer(ck, tinyTrainable(t, 2), data); err == nil || !strings.Contains(err.Error(), "official sampler") {
		t.Errorf("resume of a pre-sampler checkpoint: %v", err)
	}
}

// A checkpoint whose position was tampered with (or corrupted) is an error
// naming the file and the field, not a panic when the sampler indexes the
// epoch's order with it.
func TestResumeRefusesBadPosition(t *testing.T) {
	data, err := NewTaskData([]*tasks.Set{sudokuSet(t, 6, 1)}, TaskDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field  string
		tamper func(tr *Trainer)
	}{
		{"offset", func(tr *Trainer) { tr.samp.Offset = 1000 }},
		{"offset", func(tr *Trainer) { tr.samp.Offset = -1 }},
		{"epoch", func(tr *Trainer) { tr.samp.Epoch = -3 }},
		{"step", func(tr *Trainer) { tr.Step = -1 }},
		{"step", func(tr *Trainer) { tr.Step = tr.Cfg.Steps + 1 }},
	} {
		tr, err := NewTrainer(tinyRecipe(2), tinyTrainable(t, 2), data)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.TrainStep(); err != nil {
			t.Fatal(err)
		}
		tc.tamper(tr)
		path := filepath.Join(t.TempDir(), CheckpointFile)
		if err := tr.Save(path, "sudoku"); err != nil {
			t.Fatal(err)
		}
		ck, err := OpenCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		func() {
			defer ck.Close()
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic %v", tc.field, r)
				}
			}()
			res, err := ResumeTrainer(ck, tinyTrainable(t, 2), data)
			if err == nil {
				_, err = res.TrainStep()
				t.Errorf("tampered %s: resumed (then step: %v)", tc.field, err)
				return
			}
			if want := path + ": " + MetaTrain + ": " + tc.field + " "; !strings.Contains(err.Error(), want) {
				t.Errorf("tampered %s: %v, want it to name %q", tc.field, err, want)
			}
		}()
	}
}

// The same training state saves to the same bytes (the carries' states are
// written in a fixed order, not a map's).
func TestSaveIsDeterministic(t *testing.T) {
	data, err := NewTaskData([]*tasks.Set{sudokuSet(t, 12, 1)}, TaskDataOptions{NumAug: 1000, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(tinyRecipe(2), tinyTrainable(t, 2), data)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background(), RunOptions{Dir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	var first []byte
	for i := range 8 {
		path := filepath.Join(t.TempDir(), "ck.safetensors")
		if err := tr.Save(path, "data"); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = got
		} else if !bytes.Equal(got, first) {
			t.Fatalf("save %d wrote other bytes than save 0", i)
		}
	}
}
