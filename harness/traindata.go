package harness

import (
	"fmt"
	"math/rand/v2"

	"arceval/models/nn"
	"arceval/tasks"
)

// Example is one training example: inputs and labels (S tokens each; labels
// use nn.IgnoreLabel for unsupervised positions) and its puzzle identifier.
type Example struct {
	Inputs, Labels []int32
	PuzzleID       int32
}

// TrainData is a training set as the official sampler sees it: groups (an
// original puzzle and its augmentations), of which each epoch visits every
// group once with one random member.
type TrainData interface {
	Groups() int
	SeqLen() int
	Vocab() int // tokens of the layout (the model's vocab_size)
	NumPuzzleIDs() int
	// Draw returns the examples of one member of group g chosen with rng.
	Draw(g int, rng *rand.Rand) []Example
}

// BuiltData is the train split of an official built dataset: a member is
// one of the group's stored puzzles, chosen uniformly.
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

func (d *BuiltData) Groups() int       { return d.split.Groups() }
func (d *BuiltData) SeqLen() int       { return d.split.Meta.SeqLen }
func (d *BuiltData) Vocab() int        { return d.split.Meta.VocabSize }
func (d *BuiltData) NumPuzzleIDs() int { return d.split.Meta.NumPuzzleIdentifiers }

func (d *BuiltData) Draw(g int, rng *rand.Rand) []Example {
	s := d.split
	first, last := int(s.GroupIndices[g]), int(s.GroupIndices[g+1])
	p := first + rng.IntN(last-first)
	S := s.Meta.SeqLen
	var out []Example
	for e := int(s.PuzzleIndices[p]); e < int(s.PuzzleIndices[p+1]); e++ {
		ex := Example{Inputs: make([]int32, S), Labels: make([]int32, S), PuzzleID: s.PuzzleIdentifiers[p]}
		for i := 0; i < S; i++ {
			ex.Inputs[i] = int32(s.Inputs[e*S+i])
			l := int32(s.Labels[e*S+i])
			if int(l) == d.ignore {
				l = nn.IgnoreLabel
			}
			ex.Labels[i] = l
		}
		out = append(out, ex)
	}
	return out
}

// TaskData trains directly on a loaded set, augmenting on the fly as the
// official builders do: Sudoku — digit permutation, transpose, band/stack
// and row/column shuffles; Maze — one of the 8 dihedral transforms; ARC —
// dihedral × colour permutation (black fixed) of every pair of the task,
// each placed at a random offset in the 30×30 canvas. Every group is one
// task; ARC tasks get puzzle identifier 1 + task index (one embedding per
// task, shared by its augmentations), Sudoku and Maze the blank 0.
type TaskData struct {
	set     *tasks.Set
	augment bool
	seqLen  int
}

// NewTaskData prepares a set for training; augment turns the augmentations on.
func NewTaskData(set *tasks.Set, augment bool) (*TaskData, error) {
	if len(set.Tasks) == 0 {
		return nil, fmt.Errorf("%s: no tasks to train on", set.Name)
	}
	d := &TaskData{set: set, augment: augment}
	switch set.Kind {
	case tasks.ARC:
		d.seqLen = tasks.ARCSeqLen
	default:
		g := set.Tasks[0].Test[0].Input
		d.seqLen = g.H * g.W
		for _, t := range set.Tasks {
			if p := t.Test[0]; p.Input.H*p.Input.W != d.seqLen || p.Output.H*p.Output.W != d.seqLen {
				return nil, fmt.Errorf("%s: task %s is %d×%d, the first task %d cells", set.Name, t.ID, p.Input.H, p.Input.W, d.seqLen)
			}
		}
	}
	return d, nil
}

func (d *TaskData) Groups() int { return len(d.set.Tasks) }
func (d *TaskData) SeqLen() int { return d.seqLen }
func (d *TaskData) Vocab() int  { return tasks.LayoutFor(d.set.Kind, 0).Vocab }

func (d *TaskData) NumPuzzleIDs() int {
	if d.set.Kind == tasks.ARC {
		return len(d.set.Tasks) + 1
	}
	return 1
}

func (d *TaskData) Draw(g int, rng *rand.Rand) []Example {
	t := d.set.Tasks[g]
	switch d.set.Kind {
	case tasks.Sudoku:
		p := t.Test[0]
		if d.augment {
			a := tasks.RandomSudokuAug(pcgShuffler{rng})
			p = tasks.Pair{Input: a.Apply(p.Input), Output: a.Apply(p.Output)}
		}
		return []Example{boardExample(p)}
	case tasks.Maze:
		p := t.Test[0]
		if d.augment {
			k := rng.IntN(tasks.NumDihedral)
			p = tasks.Pair{Input: tasks.Dihedral(p.Input, k), Output: tasks.Dihedral(p.Output, k)}
		}
		return []Example{boardExample(p)}
	}
	aug := tasks.IdentityARCAug
	if d.augment {
		aug.Trans = rng.IntN(tasks.NumDihedral)
		for i, p := range rng.Perm(9) {
			aug.Colours[i+1] = uint8(p + 1)
		}
	}
	var out []Example
	for p := range t.Pairs() {
		in, lab := aug.Apply(p.Input), aug.Apply(p.Output)
		r, c := 0, 0
		if d.augment {
			h, w := max(in.H, lab.H), max(in.W, lab.W)
			r, c = rng.IntN(tasks.MaxARCSide-h+1), rng.IntN(tasks.MaxARCSide-w+1)
		}
		ti, tl := make([]uint8, tasks.ARCSeqLen), make([]uint8, tasks.ARCSeqLen)
		tasks.EncodeARC(in, r, c, ti)
		tasks.EncodeARC(lab, r, c, tl)
		ex := Example{Inputs: make([]int32, tasks.ARCSeqLen), Labels: make([]int32, tasks.ARCSeqLen), PuzzleID: int32(g + 1)}
		for i := range ti {
			ex.Inputs[i] = int32(ti[i])
			if tl[i] == tasks.PadToken {
				ex.Labels[i] = nn.IgnoreLabel
			} else {
				ex.Labels[i] = int32(tl[i])
			}
		}
		out = append(out, ex)
	}
	return out
}

func boardExample(p tasks.Pair) Example {
	ti, tl := make([]uint8, len(p.Input.Cells)), make([]uint8, len(p.Output.Cells))
	tasks.EncodeBoard(p.Input, ti)
	tasks.EncodeBoard(p.Output, tl)
	ex := Example{Inputs: make([]int32, len(ti)), Labels: make([]int32, len(tl))}
	for i := range ti {
		ex.Inputs[i], ex.Labels[i] = int32(ti[i]), int32(tl[i])
	}
	return ex
}

// pcgShuffler adapts math/rand/v2 to the tasks.Shuffler interface.
type pcgShuffler struct{ r *rand.Rand }

func (s pcgShuffler) Permutation(n int) []int { return s.r.Perm(n) }
func (s pcgShuffler) Rand() float64           { return s.r.Float64() }
