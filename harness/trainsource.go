package harness

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"arceval/tasks"
)

// TrainSource is the training data of a run: the data, its description
// (compared on resume) and, for ARC sets, the build's test subset.
type TrainSource struct {
	Data TrainData
	Desc string
	Test *tasks.Set // the ARC test subset (--eval-set), nil otherwise
}

// TrainDataSpec are the flags that shape training data built from sets.
type TrainDataSpec struct {
	NumAug             int    // copies per puzzle; −1: the official build's (OfficialNumAug)
	BuildSeed          uint32 // seed of the in-memory build
	AllowEvalTestPairs bool   // train on a known evaluation set's test pairs
	Progress           func(stage string, done, total int)
}

// LoadTrainData opens the training data: a built train split, or sets built
// in memory as the official builders would (see NewTaskData). An
// ARC --eval-set that is a set becomes the build's test subset. The
// description names every set with its fingerprint, and the test subset
// with its identity (Identify: the digest and the known set it
// is), or says there is none; it is kept in the checkpoint and model file.
func LoadTrainData(root string, names []string, evalSet string, o TrainDataSpec) (*TrainSource, error) {
	for _, name := range names {
		if IsBuilt(name) {
			if len(names) > 1 {
				return nil, OptionError{fmt.Sprintf("train: %s is a built split; a built split is trained on alone", name)}
			}
			split, err := tasks.OpenBuilt(name)
			if err != nil {
				return nil, err
			}
			return &TrainSource{Data: NewBuiltData(split), Desc: fmt.Sprintf("built split %s (tokens %s)", name, BuiltFingerprint(split))}, nil
		}
	}
	var sets []*tasks.Set
	var parts []string
	for _, name := range names {
		set, err := tasks.LoadSet(root, name)
		if err != nil {
			return nil, err
		}
		sets = append(sets, set)
		parts = append(parts, fmt.Sprintf("%s (%d tasks, fingerprint %s)", set.Name, len(set.Tasks), tasks.Fingerprint(set)))
	}
	kind := sets[0].Kind
	opt := TaskDataOptions{NumAug: o.NumAug, Seed: o.BuildSeed, AllowEvalTestPairs: o.AllowEvalTestPairs, Progress: o.Progress}
	if o.NumAug < 0 {
		opt.NumAug = OfficialNumAug(kind)
	}
	testNote := ""
	if kind == tasks.ARC && evalSet != "" && !IsBuilt(evalSet) {
		test, err := tasks.LoadSet(root, evalSet)
		if err != nil {
			return nil, err
		}
		if test.Kind == tasks.ARC {
			opt.Test = test
			id, err := IdentifySet(test)
			if err != nil {
				return nil, fmt.Errorf("test subset %w", err)
			}
			note := " [test subset, identity " + id.Hash
			if id.Known.ID != "" {
				note += ": " + id.Known.ID
			}
			note += "]"
			if i := slices.IndexFunc(sets, func(s *tasks.Set) bool { return s.Name == test.Name }); i >= 0 {
				parts[i] += note
			} else {
				parts = append(parts, fmt.Sprintf("%s (%d tasks, fingerprint %s)%s", test.Name, len(test.Tasks), tasks.Fingerprint(test), note))
			}
		}
	}
	if kind == tasks.ARC {
		if opt.Test == nil {
			testNote = "; no test subset"
		}
		if o.AllowEvalTestPairs {
			for _, l := range LeakedSets(sets, opt.Test) {
				i := slices.IndexFunc(sets, func(s *tasks.Set) bool { return s.Name == l.Set })
				parts[i] += " [its test outputs trained on: " + l.Known.ID + "]"
			}
		}
	}
	d, err := NewTaskData(sets, opt)
	var leak *EvalTestPairsError
	if errors.As(err, &leak) {
		return nil, OptionError{fmt.Sprintf("train: %v: add --eval-set %s. To train on its test outputs anyway (leakage: the model's scores on that set are then not evaluations), add --allow-eval-test-pairs", err, leak.Sets[0].Set)}
	}
	if err != nil {
		return nil, err
	}
	desc := fmt.Sprintf("%s build of %s%s; num-aug %d, build seed %d", kind, strings.Join(parts, " + "), testNote, opt.NumAug, o.BuildSeed)
	return &TrainSource{Data: d, Desc: desc, Test: opt.Test}, nil
}

// OfficialNumAug is the --num-aug of the official build commands: 1000 for
// ARC (build_arc_dataset.py default) and Sudoku (README command); Maze
// builds have no augmentation (aug=False).
func OfficialNumAug(kind tasks.Kind) int {
	if kind == tasks.Maze {
		return 0
	}
	return 1000
}

// TrainEvalSet loads what a run evaluates periodically: the test split of
// the in-memory ARC build when --eval-set is its test subset (its views and
// the puzzle ids the model trains with), else --eval-set itself. views is
// --eval-views: of a build's test split, its first views (0: all).
func TrainEvalSet(stderr io.Writer, root, name string, src *TrainSource, views int, seed uint64) (*EvalSet, error) {
	vo := ViewOptions{Views: views, Seed: seed}
	if ad, ok := src.Data.(*ARCData); ok && src.Test != nil {
		return ad.TestEvalSet(vo)
	}
	es, err := LoadEvalSet(root, name, vo)
	if err != nil {
		return nil, err
	}
	if es.Identity.NoAnswers {
		return nil, OptionError{fmt.Sprintf("train: --eval-set %s has no answers (a challenges file without solutions): nothing to evaluate", es.Name)}
	}
	if es.Kind == tasks.ARC && !es.Built {
		fmt.Fprintf(stderr, "warning: %s is evaluated with the blank puzzle id 0, not ids the model trained with; evaluate the build's test split (the --eval-set of a built train split) or train from ARC sets\n", es.Name)
	}
	return es, nil
}
