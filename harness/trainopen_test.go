package harness

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// tinyTrainSpec is a new run in dir of a tiny TRM on the first maze test
// file, evaluated on it: one step of two (the budget stops it), so that a
// resume has a step left.
func tinyTrainSpec(t *testing.T, dir string) TrainSpec {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "tasks", "testdata", "maze*.csv"))
	if len(files) == 0 {
		t.Fatal("no maze testdata")
	}
	o := DefaultTrainOptions()
	o.Preset, o.Override = "maze-att", `{"hidden_size":16,"num_heads":2,"H_cycles":1,"L_cycles":1,"L_layers":1,"halt_max_steps":2,"puzzle_emb_ndim":0}`
	o.Sets, o.EvalSet = files[:1], files[0]
	o.Seed, o.GlobalBatch, o.Steps, o.Warmup, o.LogEvery, o.EvalEvery, o.Budget = 7, 2, 2, 1, 1, 1, time.Nanosecond
	o.Give("preset", "override", "set", "eval-set", "seed", "batch", "steps", "warmup", "log-every", "eval-every", "budget")
	return TrainSpec{Dir: dir, Options: o}
}

// trainOnce opens a spec, runs it and closes it.
func trainOnce(t *testing.T, spec TrainSpec) *TrainRun {
	t.Helper()
	r, err := OpenTrain(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

// A resumed run with no options given continues with every option of the
// run (options.json): its data, evaluation set, cadence and seed, and its
// step; the per-process options it was given are its own.
func TestOpenTrainResumeRestoresOptions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	spec := tinyTrainSpec(t, dir)
	first := trainOnce(t, spec)
	if first.Trainer.Step != 1 || first.EvalItems == nil {
		t.Fatalf("first run: step %d, eval items %d", first.Trainer.Step, len(first.EvalItems))
	}
	resume := TrainSpec{Dir: dir, Resume: true, Options: DefaultTrainOptions()}
	resume.Options.EvalBatch = 3
	resume.Options.Give("eval-batch")
	r, err := OpenTrain(resume)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	got, want := r.Spec.Options, spec.Options
	if got.EvalBatch != 3 {
		t.Errorf("eval batch %d: the given per-process value is not kept", got.EvalBatch)
	}
	got.EvalBatch, got.Given, want.Given = want.EvalBatch, nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("restored options\n%+v\nwant\n%+v", got, want)
	}
	if !r.Resumed || r.Trainer.Step != 1 || r.Trainer.Cfg.Seed != 7 || r.EvalHeader.Seed != 7 {
		t.Errorf("resumed at step %d with seed %d (header %d), want step 1, seed 7", r.Trainer.Step, r.Trainer.Cfg.Seed, r.EvalHeader.Seed)
	}
	if err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.Trainer.Step != 2 {
		t.Errorf("resumed run ended at step %d, want 2", r.Trainer.Step)
	}
}

// On resume, a run option given with another value than the run's is
// refused naming both values; the options that set a new run's model or
// recipe are refused; a per-process option may differ, and the same set
// by another path is the same.
func TestOpenTrainResumeRefusesDifferingOptions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	spec := tinyTrainSpec(t, dir)
	trainOnce(t, spec)
	for _, tc := range []struct {
		name string
		set  func(o *TrainOptions)
		want string // "" accepted
	}{
		{"log-every", func(o *TrainOptions) { o.LogEvery = 5; o.Give("log-every") }, `--log-every 5 (the run's: "1")`},
		{"eval-views", func(o *TrainOptions) { o.EvalViews = 2; o.Give("eval-views") }, `--eval-views 2 (the run's: "1")`},
		{"same value", func(o *TrainOptions) { o.LogEvery = 1; o.Give("log-every") }, ""},
		{"budget is per process", func(o *TrainOptions) { o.Budget = time.Hour; o.Give("budget") }, ""},
		{"seed", func(o *TrainOptions) { o.Seed = 3; o.Give("seed") }, "--seed set a new run's recipe or model"},
		{"lr", func(o *TrainOptions) { o.LR = 1; o.Give("lr", "kind") }, "--lr, --kind set a new run's recipe or model"},
		{"set by another path", func(o *TrainOptions) {
			abs, err := filepath.Abs(spec.Options.Sets[0])
			if err != nil {
				t.Fatal(err)
			}
			o.Sets = []string{abs}
			o.Give("set")
		}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := TrainSpec{Dir: dir, Resume: true, Options: DefaultTrainOptions()}
			tc.set(&s.Options)
			r, err := OpenTrain(s)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !reflect.DeepEqual(r.Spec.Options.Sets, spec.Options.Sets) {
					t.Errorf("sets %q, want the run's spelling %q", r.Spec.Options.Sets, spec.Options.Sets)
				}
				r.Close()
				return
			}
			var oe OptionError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want an OptionError with %q", err, tc.want)
			}
		})
	}
}

// While a run holds its folder, a second writer is refused before it
// loads anything (its data are not read); the first keeps the folder.
func TestOpenTrainSecondWriterRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	spec := tinyTrainSpec(t, dir)
	r, err := OpenTrain(spec)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	second := spec
	loaded := false
	second.Done = func() { loaded = true }
	if _, err := OpenTrain(second); err == nil {
		t.Fatal("a second writer of a locked run folder was not refused")
	}
	if loaded {
		t.Error("a refused second writer loaded its data")
	}
	second.Resume = true
	second.Options = DefaultTrainOptions()
	if _, err := OpenTrain(second); err == nil || loaded {
		t.Fatalf("a second resuming writer: %v (loaded %v)", err, loaded)
	}
}

// Options that cannot apply are OptionErrors, before the folder is made.
func TestOpenTrainOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(s *TrainSpec)
		want string
	}{
		{"no folder", func(s *TrainSpec) { s.Dir = "" }, "give --out for a new run or --resume DIR"},
		{"eval limit", func(s *TrainSpec) { s.Options.EvalLimit = -1 }, "--eval-limit -1"},
		{"num-aug", func(s *TrainSpec) { s.Options.NumAug = -2 }, "--num-aug -2"},
		{"epochs-per-iter", func(s *TrainSpec) { s.Options.EpochsPerIter = 0; s.Options.Give("epochs-per-iter") }, "--epochs-per-iter 0"},
		{"no set", func(s *TrainSpec) { s.Options.Sets = nil }, "--set is required"},
		{"kind", func(s *TrainSpec) { s.Options.Kind = "chess" }, `train: --kind: model kind "chess"`},
		{"recipe", func(s *TrainSpec) { s.Options.Recipe = "trm-chess"; s.Options.Give("recipe") }, "--recipe: unknown recipe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tinyTrainSpec(t, filepath.Join(t.TempDir(), "run"))
			tc.set(&spec)
			_, err := OpenTrain(spec)
			var oe OptionError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want an OptionError with %q", err, tc.want)
			}
		})
	}
}

// options.json files written by an earlier arceval (testdata/trainoptions,
// written by `arceval train` of main a1b993a) are read back: every option
// restores, and saved again with the same options given, the file is the
// same bytes.
func TestTrainOptionsOfEarlierArceval(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "trainoptions", "*.json"))
	if len(files) == 0 {
		t.Fatal("no options files in testdata/trainoptions")
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, TrainOptionsFile), want, 0o644); err != nil {
				t.Fatal(err)
			}
			opts, ok, err := ReadTrainOptions(dir)
			if err != nil || !ok {
				t.Fatalf("read: %v (ok %v)", err, ok)
			}
			o := DefaultTrainOptions()
			if err := RestoreTrainOptions(dir, &o, opts); err != nil {
				t.Fatal(err)
			}
			for name, v := range opts {
				if got, _ := o.Text(name); got != v {
					t.Errorf("%s: restored %q, file %q", name, got, v)
				}
				o.Give(name)
			}
			if len(o.Sets) == 0 {
				t.Error("no sets restored")
			}
			out := t.TempDir()
			if err := SaveTrainOptions(out, &o); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(out, TrainOptionsFile))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("saved again:\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// A bad options file is an error naming the file and the option.
func TestTrainOptionsFileErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"unknown option", `{"arceval_train_options":1,"options":{"colour":"red"}}`, `option "colour": train has no such flag`},
		{"bad value", `{"arceval_train_options":1,"options":{"eval-every":"often"}}`, `option "eval-every": strconv.ParseInt`},
		{"bad precision", `{"arceval_train_options":1,"options":{"precision":"fp8"}}`, `option "precision": "fp8" is not a precision`},
		{"format", `{"arceval_train_options":2,"options":{}}`, "options format 2, this arceval reads 1"},
		{"unknown field", `{"arceval_train_options":1,"options":{},"x":1}`, `unknown field "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, TrainOptionsFile)
			if err := os.WriteFile(path, []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			opts, _, err := ReadTrainOptions(dir)
			if err == nil {
				o := DefaultTrainOptions()
				err = RestoreTrainOptions(dir, &o, opts)
			}
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %s with %q", err, path, tc.want)
			}
		})
	}
}
