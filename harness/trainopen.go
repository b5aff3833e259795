package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"arceval/internal/runlock"
	"arceval/models"
	"arceval/models/registry"
	"arceval/results"
	"arceval/tasks"
)

// TrainSpec is one training run into a run folder: the library form of
// `arceval train` (Options name the same settings as its flags).
type TrainSpec struct {
	Dir     string // the run folder
	Resume  bool   // continue the run in Dir (with its options.json)
	Options TrainOptions
	// Ablation changes a new run's model config and recipe (the parsed
	// Options.Ablation; zero: none).
	Ablation Ablation

	Provenance Provenance // build that writes the run files

	// Log receives notes (resuming, the training line, warnings); Progress
	// is called while the data loads and Done when it has; Logged with
	// every log record while training. Any may be nil.
	Log      io.Writer
	Progress func(stage string, done, total int)
	Done     func()
	Logged   func(LogRecord)
}

// Ablation is a change to a new run's model config and to its recipe,
// applied after the preset, config file, overrides and recipe values.
type Ablation struct {
	Model  func(models.Config)
	Recipe func(*TrainConfig)
}

// TrainRun is a training run opened by OpenTrain: its folder is locked,
// its options restored and saved, its data loaded, its trainer made (new
// or resumed) and its periodic evaluation's items and header made. Run
// trains; Close releases it.
type TrainRun struct {
	Spec    TrainSpec
	Source  *TrainSource
	Trainer *Trainer
	Resumed bool
	// EvalItems and EvalHeader are the periodic evaluation's (nil items:
	// no evaluation set).
	EvalItems  []*Item
	EvalHeader results.Header

	ck   *Checkpoint
	lock *runlock.Lock
}

// OpenTrain validates the spec, locks the run folder (one writer per
// folder: a second one is refused, naming the process that writes it,
// before anything is loaded), restores a resumed run's options from its
// options.json (a differing value is refused), loads the data, builds or
// resumes the trainer, makes the evaluation header and saves the options
// of a new run. Bad use is an OptionError.
func OpenTrain(spec TrainSpec) (_ *TrainRun, err error) {
	o := &spec.Options
	if spec.Dir == "" {
		return nil, OptionError{"train: give --out for a new run or --resume DIR"}
	}
	if o.EvalLimit < 0 {
		return nil, OptionError{fmt.Sprintf("train: --eval-limit %d: want a number of tasks ≥ 1, or 0 for all of them", o.EvalLimit)}
	}
	if o.NumAug < -1 {
		return nil, OptionError{fmt.Sprintf("train: --num-aug %d: want ≥ 0 augmented copies, or -1 for the official build's", o.NumAug)}
	}
	if o.given("epochs-per-iter") && o.EpochsPerIter <= 0 {
		return nil, OptionError{fmt.Sprintf("train: --epochs-per-iter %d: want ≥ 1 epochs per sampler iteration", o.EpochsPerIter)}
	}
	dir := spec.Dir
	if spec.Resume {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("--resume %s: not a run folder", dir)
		}
	} else if len(o.Sets) == 0 {
		return nil, OptionError{"train: --set is required"}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := &TrainRun{Spec: spec, Resumed: spec.Resume}
	defer func() {
		if err != nil {
			r.Close()
		}
	}()
	if r.lock, err = runlock.Acquire(runlock.ForFolder(dir), dir); err != nil {
		return nil, err
	}
	haveOptions := false
	if spec.Resume {
		if haveOptions, err = r.restoreOptions(); err != nil {
			return nil, err
		}
	}
	o = &r.Spec.Options
	root := tasks.DataRoot(o.Data)
	src, err := LoadTrainData(root, o.Sets, o.EvalSet, TrainDataSpec{NumAug: o.NumAug, BuildSeed: o.BuildSeed, AllowEvalTestPairs: o.AllowEvalTestPairs, Progress: spec.Progress})
	if spec.Done != nil {
		spec.Done()
	}
	if err != nil {
		return nil, err
	}
	r.Source = src
	if spec.Resume {
		err = r.resumeTrainer()
	} else {
		err = r.newTrainer()
	}
	if err != nil {
		return nil, err
	}
	if o.EvalSet != "" {
		if err := r.makeEval(root); err != nil {
			return nil, err
		}
	}
	if !haveOptions {
		// A new run (or one of an older arceval) records its options for
		// a resume.
		if err := SaveTrainOptions(dir, o); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// restoreOptions refuses the options that set a new run's model, recipe,
// seed or length (the checkpoint holds the run's own), then restores the
// others from options.json; ok is false for a run that predates the file.
func (r *TrainRun) restoreOptions() (ok bool, err error) {
	o := &r.Spec.Options
	var given []string
	for _, name := range optionNames(recipeOption, newRunOption) {
		if o.given(name) {
			given = append(given, "--"+name)
		}
	}
	if len(given) > 0 {
		return false, OptionError{fmt.Sprintf("train: %s set a new run's recipe or model; --resume continues with the ones saved in %s", strings.Join(given, ", "), filepath.Join(r.Spec.Dir, CheckpointFile))}
	}
	opts, ok, err := ReadTrainOptions(r.Spec.Dir)
	if err != nil {
		return false, err
	}
	if ok {
		if err := RestoreTrainOptions(r.Spec.Dir, o, opts); err != nil {
			return false, err
		}
	}
	if len(o.Sets) == 0 {
		return false, OptionError{fmt.Sprintf("train: %s has no %s (a run of an older arceval): give its --set and other flags", r.Spec.Dir, TrainOptionsFile)}
	}
	return ok, nil
}

// resumeTrainer continues the checkpointed run on the same data.
func (r *TrainRun) resumeTrainer() (err error) {
	dir, desc := r.Spec.Dir, r.Source.Desc
	if r.ck, err = OpenCheckpoint(filepath.Join(dir, CheckpointFile)); err != nil {
		return err
	}
	ck := r.ck
	if ck.Data() != desc {
		return fmt.Errorf("%s was trained on %s, not %s: resume with the same --set, --eval-set, --num-aug and --build-seed", dir, ck.Data(), desc)
	}
	fam, err := registry.Lookup(ck.Kind)
	if err != nil {
		return fmt.Errorf("%s: cannot train a %q model", ck.Path, ck.Kind)
	}
	m, err := TrainableFromCheckpoint(fam, ck.Config, ck.Weights)
	if err == nil {
		err = setTrainPrecision(m, r.Spec.Options.Precision)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", ck.Path, err)
	}
	if r.Trainer, err = ResumeTrainer(ck, m, r.Source.Data); err != nil {
		return err
	}
	r.logf("resuming %s at step %d of %d\n", dir, r.Trainer.Step, r.Trainer.Cfg.Steps)
	return nil
}

// newTrainer makes a new run's model, fitted to the data, and its
// training config.
func (r *TrainRun) newTrainer() error {
	o, data := &r.Spec.Options, r.Source.Data
	if _, err := os.Stat(filepath.Join(r.Spec.Dir, CheckpointFile)); err == nil {
		return fmt.Errorf("%s already holds a run: --resume it or choose another --out", r.Spec.Dir)
	}
	fam, err := registry.Lookup(o.Kind)
	if err != nil {
		return OptionError{"train: --kind: " + err.Error()}
	}
	ms := ModelSpec{Family: fam, Preset: o.Preset, ConfigFile: o.ConfigFile, Override: o.Override, Ablate: r.Spec.Ablation.Model}
	m, err := NewTrainable(ms, data, o.Seed)
	if err == nil {
		err = setTrainPrecision(m, o.Precision)
	}
	if err != nil {
		return err
	}
	rc, about, err := ResolveRecipe(m.Info().Kind, o, data.Kind())
	if err != nil {
		return err
	}
	rc.Seed = o.Seed
	if o.MicroBatch != 0 {
		rc.MicroBatch = o.MicroBatch
	}
	if o.given("epochs-per-iter") {
		rc.EpochsPerIter = o.EpochsPerIter
		rc.RecipeOverrides = append(rc.RecipeOverrides, "epochs-per-iter")
	}
	if r.Spec.Ablation.Recipe != nil {
		r.Spec.Ablation.Recipe(&rc)
	}
	if err := rc.Validate(); err != nil {
		return OptionError{err.Error()}
	}
	if r.Trainer, err = NewTrainer(rc, m, data); err != nil {
		return err
	}
	params := 0
	for _, p := range m.Params() {
		params += len(p.W)
	}
	r.logf("training %s (%d parameters%s) on %s for %d steps of %d examples, %s\n",
		m.Info().Kind, params, precisionNote(o.Precision), r.Source.Desc, rc.Steps, rc.GlobalBatch, about)
	return nil
}

// makeEval loads the evaluation set and makes the periodic evaluation's
// items and header: the protocol of every periodic evaluation is all the
// model's steps, no halting (PeriodicEval's options).
func (r *TrainRun) makeEval(root string) error {
	o, tr := &r.Spec.Options, r.Trainer
	info := tr.Model.Info()
	log := r.Spec.Log
	if log == nil {
		log = io.Discard
	}
	// The run's seed, not the option's: a resumed run has its own.
	es, err := TrainEvalSet(log, root, o.EvalSet, r.Source, o.EvalViews, tr.Cfg.Seed)
	if err != nil {
		return err
	}
	items, subset, err := Select(es.Items, o.EvalLimit, nil)
	if err != nil {
		return err
	}
	cfgJSON, _ := tr.Model.ConfigJSON()
	r.EvalItems = items
	r.EvalHeader = NewHeader(r.Spec.Provenance, info, cfgJSON, es, items, subset, tr.Cfg.Seed, es.Protocol(info, ProtocolOptions{Views: o.EvalViews, Precision: o.Precision}))
	return nil
}

func (r *TrainRun) logf(format string, args ...any) {
	if r.Spec.Log != nil {
		fmt.Fprintf(r.Spec.Log, format, args...)
	}
}

// Run trains to the run's last step (or its budget), logging, evaluating
// and checkpointing at the options' cadence. Cancelling ctx checkpoints the
// last finished step and returns an error saying to resume.
func (r *TrainRun) Run(ctx context.Context) error {
	o := &r.Spec.Options
	ro := RunOptions{Dir: r.Spec.Dir, Data: r.Source.Desc, LogEvery: o.LogEvery, CheckpointEvery: o.CheckpointEvery,
		EvalEvery: o.EvalEvery, Budget: o.Budget, Logged: r.Spec.Logged}
	if r.EvalItems != nil {
		ro.Eval = PeriodicEval(r.Spec.Dir, r.EvalItems, r.EvalHeader, o.EvalBatch)
	}
	return r.Trainer.Run(ctx, ro)
}

// Close releases the checkpoint and the run folder's lock.
func (r *TrainRun) Close() {
	if r.ck != nil {
		r.ck.Close()
		r.ck = nil
	}
	if r.lock != nil {
		r.lock.Release()
		r.lock = nil
	}
}

// setTrainPrecision sets the precision a model trains and evaluates in
// ("" or float32: the default).
func setTrainPrecision(m models.Trainable, p string) error {
	if p == "" || p == results.PrecisionFloat32 {
		return nil
	}
	ps, ok := m.(interface{ SetPrecision(string) error })
	if !ok {
		return fmt.Errorf("a %s model cannot train in %s", m.Info().Kind, p)
	}
	return ps.SetPrecision(p)
}

// precisionNote is the log's note of a precision other than float32.
func precisionNote(p string) string {
	if p == "" || p == results.PrecisionFloat32 {
		return ""
	}
	return ", network in " + p
}
