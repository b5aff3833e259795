package harness

import (
	"fmt"

	"arceval/models/nn"
	"arceval/tasks"
	"arceval/tasks/build"
)

// Example is one training example: inputs and labels (S tokens each; labels
// use nn.IgnoreLabel for unsupervised positions) and its puzzle identifier.
type Example struct {
	Inputs, Labels []int32
	PuzzleID       int32
}

// TrainData is a training set as the official loader sees a built train
// split (trm-spec §2.1, §2.6): groups, each an original puzzle and its
// augmented copies (the members), each member a puzzle with its examples.
// The sampler picks one member of each group per epoch, uniformly.
type TrainData interface {
	Kind() tasks.Kind
	Groups() int
	// Members is the number of puzzles of group g (≥ 1).
	Members(g int) int
	// Puzzle returns the examples of member k of group g, in build order,
	// as newly allocated slices. Member 0 of a build is the original.
	Puzzle(g, k int) []Example
	SeqLen() int
	Vocab() int // tokens of the layout (the model's vocab_size)
	NumPuzzleIDs() int
}

// TaskDataOptions say how loaded sets become training data.
type TaskDataOptions struct {
	// NumAug: ARC — augmented copies wanted per task (official 1000);
	// Sudoku — augmented copies per puzzle (official 1000); Maze — any value
	// > 0 makes each maze a group of its 8 dihedral transforms (official: no
	// augmentation).
	NumAug int
	// Seed of the build: ARC — the numpy seed of build_arc_dataset.py
	// (official 42; with the Kaggle files it reads, the plan is that build bit
	// for bit); Sudoku — the root of the fixed augmentation pool.
	Seed uint32
	// Test is the ARC test subset (the set evaluated during training). As in
	// the official build, its tasks' demonstration pairs join the training
	// data and their test pairs form the test split (ARCData.TestItems); it is
	// one of the training sets or, when it is not, an extra last subset.
	Test *tasks.Set
	// AllowEvalTestPairs lets a training set that is a known evaluation set
	// (LeakedSets) and not Test be trained on with its test pairs. That is
	// leakage — the model sees the answers the set is scored on — so
	// NewTaskData refuses it (EvalTestPairsError) unless this is set.
	AllowEvalTestPairs bool
	// Progress, if set, is called while an ARC build is planned.
	Progress func(stage string, done, total int)
}

// NewTaskData prepares loaded sets for training the way the official build
// and loader would train on their build: several ARC sets are the build's
// subsets in the given order; Sudoku and Maze take one set. An ARC training
// set that is a known evaluation set must be opt.Test (see LeakedSets).
func NewTaskData(sets []*tasks.Set, opt TaskDataOptions) (TrainData, error) {
	if len(sets) == 0 {
		return nil, fmt.Errorf("no set to train on")
	}
	if opt.NumAug < 0 {
		return nil, fmt.Errorf("num-aug %d must be ≥ 0", opt.NumAug)
	}
	kind := sets[0].Kind
	for _, s := range sets {
		if len(s.Tasks) == 0 {
			return nil, fmt.Errorf("%s: no tasks to train on", s.Name)
		}
		if s.Kind != kind {
			return nil, fmt.Errorf("%s holds %s puzzles, %s %s ones: train on one kind", s.Name, s.Kind, sets[0].Name, kind)
		}
	}
	if kind != tasks.ARC {
		if len(sets) > 1 {
			return nil, fmt.Errorf("several training sets are for ARC (the build's subsets); give one %s set", kind)
		}
		if opt.Test != nil {
			return nil, fmt.Errorf("a test subset is an ARC build's; %s trains on %s alone", sets[0].Name, kind)
		}
		return newBoardData(sets[0], opt.NumAug, opt.Seed)
	}
	if !opt.AllowEvalTestPairs {
		if leaked := LeakedSets(sets, opt.Test); len(leaked) > 0 {
			return nil, &EvalTestPairsError{Sets: leaked}
		}
	}
	subsets, err := arcSubsets(sets, opt.Test)
	if err != nil {
		return nil, err
	}
	plan, err := build.PlanARC(subsets, build.ARCPlanConfig{Seed: opt.Seed, NumAug: opt.NumAug, IDStart: 1, Progress: opt.Progress})
	if err != nil {
		return nil, err
	}
	return &ARCData{plan: plan, train: plan.Split(build.SplitTrain), test: opt.Test}, nil
}

// BuiltData is the train split of an official built dataset: a member is
// one of the group's stored puzzles.
type BuiltData struct {
	split  *tasks.BuiltSplit
	ignore int // label token meaning "not supervised" (ignore_label_id), −1 none
}

// NewBuiltData wraps a built split for training.
func NewBuiltData(split *tasks.BuiltSplit) *BuiltData {
	ignore := -1
	if split.Meta.IgnoreLabelID != nil {
		ignore = *split.Meta.IgnoreLabelID
	}
	return &BuiltData{split: split, ignore: ignore}
}

func (d *BuiltData) Kind() tasks.Kind  { return d.split.Meta.GuessKind() }
func (d *BuiltData) Groups() int       { return d.split.Groups() }
func (d *BuiltData) SeqLen() int       { return d.split.Meta.SeqLen }
func (d *BuiltData) Vocab() int        { return d.split.Meta.VocabSize }
func (d *BuiltData) NumPuzzleIDs() int { return d.split.Meta.NumPuzzleIdentifiers }

func (d *BuiltData) Members(g int) int {
	return int(d.split.GroupIndices[g+1] - d.split.GroupIndices[g])
}

func (d *BuiltData) Puzzle(g, k int) []Example {
	s := d.split
	p := int(s.GroupIndices[g]) + k
	S := s.Meta.SeqLen
	var out []Example
	for e := int(s.PuzzleIndices[p]); e < int(s.PuzzleIndices[p+1]); e++ {
		out = append(out, tokensExample(s.Inputs[e*S:(e+1)*S], s.Labels[e*S:(e+1)*S], d.ignore, s.PuzzleIdentifiers[p]))
	}
	return out
}

// tokensExample converts one row of uint8 tokens to an Example, the labels
// equal to ignore (−1: none) becoming nn.IgnoreLabel as the official
// _collate_batch does.
func tokensExample(inp, lab []uint8, ignore int, id int32) Example {
	ex := Example{Inputs: make([]int32, len(inp)), Labels: make([]int32, len(lab)), PuzzleID: id}
	for i, v := range inp {
		ex.Inputs[i] = int32(v)
	}
	for i, v := range lab {
		if int(v) == ignore {
			ex.Labels[i] = nn.IgnoreLabel
		} else {
			ex.Labels[i] = int32(v)
		}
	}
	return ex
}
