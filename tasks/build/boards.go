package build

import (
	"fmt"

	"arceval/internal/nprand"
	"arceval/tasks"
)

// BoardConfig configures the Sudoku and Maze builds (the official
// build_sudoku_dataset.py / build_maze_dataset.py).
type BoardConfig struct {
	Train, Test []*tasks.Task // puzzles of each split (one test pair each)
	// Subsample keeps this many train puzzles, drawn as numpy's
	// choice(n, k, replace=False) (0 = all).
	Subsample int
	// NumAug: Sudoku augmented copies per train puzzle (shuffle_sudoku);
	// Maze: any value > 0 applies the 8 dihedral transforms (the official
	// aug flag).
	NumAug int
	// Seed seeds the numpy-compatible stream. The official Sudoku builder
	// never seeds numpy, so its draws cannot be reproduced; ours are
	// deterministic and follow the same call order.
	Seed     uint32
	Out      string
	Force    bool
	Progress func(stage string, done, total int)
}

// BuildSudoku writes a Sudoku-Extreme built dataset: tokens = value + 1
// (1 blank, 2..10 digits), vocab 11, seq_len 81, one puzzle identifier. As
// in the official build, augmented train arrays are int64 ('<i8', numpy's
// promotion through the int64 digit map) and everything else uint8.
func BuildSudoku(cfg BoardConfig) error {
	return buildBoards(cfg, tasks.Sudoku)
}

// BuildMaze writes a Maze-Hard built dataset: tokens = index in "# SGo" + 1,
// vocab 6, seq_len N², one puzzle identifier; with augmentation each train
// maze becomes a group of its 8 dihedral transforms.
func BuildMaze(cfg BoardConfig) error {
	return buildBoards(cfg, tasks.Maze)
}

func buildBoards(cfg BoardConfig, kind tasks.Kind) error {
	if len(cfg.Train) == 0 || len(cfg.Test) == 0 {
		return fmt.Errorf("build %s: need train and test puzzles", kind)
	}
	side := cfg.Train[0].Test[0].Input.H
	for _, list := range [][]*tasks.Task{cfg.Train, cfg.Test} {
		for _, t := range list {
			if t.Kind != kind || t.Test[0].Input.H != side {
				return fmt.Errorf("build %s: task %s is a %s board of side %d, want %s of side %d", kind, t.ID, t.Kind, t.Test[0].Input.H, kind, side)
			}
		}
	}
	rng := nprand.New(cfg.Seed)
	train := cfg.Train
	if cfg.Subsample > 0 && cfg.Subsample < len(train) {
		picked := make([]*tasks.Task, cfg.Subsample)
		for i, j := range rng.Choice(len(train), cfg.Subsample) {
			picked[i] = train[j]
		}
		train = picked
	}
	w, err := newFolderWriter(cfg.Out, cfg.Force)
	if err != nil {
		return err
	}
	defer w.abort()
	for _, split := range []struct {
		name string
		list []*tasks.Task
	}{{SplitTrain, train}, {SplitTest, cfg.Test}} {
		groups := make([][]tasks.Pair, len(split.list))
		for i, t := range split.list {
			if cfg.Progress != nil && i%1000 == 0 {
				cfg.Progress("augment "+split.name, i, len(split.list))
			}
			groups[i] = boardGroup(rng, kind, t.Test[0], split.name == SplitTrain, cfg.NumAug)
		}
		if err := writeBoardSplit(w, split.name, groups, kind, side, split.name == SplitTrain && kind == tasks.Sudoku && cfg.NumAug > 0); err != nil {
			return err
		}
	}
	if err := w.writeJSON("identifiers.json", pyJSONStrings([]string{"<blank>"})); err != nil {
		return err
	}
	return w.commit()
}

// boardGroup returns the puzzles of one group: the original, then its
// augmentations (train split only).
func boardGroup(rng *nprand.RandomState, kind tasks.Kind, p tasks.Pair, train bool, numAug int) []tasks.Pair {
	group := []tasks.Pair{p}
	if !train || numAug == 0 {
		return group
	}
	if kind == tasks.Maze {
		for t := 1; t < tasks.NumDihedral; t++ {
			group = append(group, tasks.Pair{Input: tasks.Dihedral(p.Input, t), Output: tasks.Dihedral(p.Output, t)})
		}
		return group
	}
	for i := 0; i < numAug; i++ {
		a := tasks.RandomSudokuAug(rng)
		group = append(group, tasks.Pair{Input: a.Apply(p.Input), Output: a.Apply(p.Output)})
	}
	return group
}

// writeBoardSplit writes one split: every puzzle has one example.
func writeBoardSplit(w *folderWriter, split string, groups [][]tasks.Pair, kind tasks.Kind, side int, wide bool) error {
	n := 0
	for _, g := range groups {
		n += len(g)
	}
	seq := side * side
	descr := "|u1"
	if wide {
		descr = "<i8"
	}
	rows, err := w.rowWriters(split, n, seq, descr)
	if err != nil {
		return err
	}
	inp, lab := make([]uint8, seq), make([]uint8, seq)
	inp64, lab64 := make([]int64, seq), make([]int64, seq)
	puzzleIdx, groupIdx := []int32{0}, []int32{0}
	ids := make([]int32, 0, n)
	for _, g := range groups {
		for _, p := range g {
			tasks.EncodeBoard(p.Input, inp)
			tasks.EncodeBoard(p.Output, lab)
			if wide {
				for i := range inp {
					inp64[i], lab64[i] = int64(inp[i]), int64(lab[i])
				}
				err = rows.addInt64(inp64, lab64)
			} else {
				err = rows.add(inp, lab)
			}
			if err != nil {
				return err
			}
			puzzleIdx = append(puzzleIdx, int32(len(puzzleIdx)))
			ids = append(ids, 0)
		}
		groupIdx = append(groupIdx, int32(len(ids)))
	}
	if err := rows.close(); err != nil {
		return err
	}
	vocab := tasks.LayoutFor(kind, side).Vocab
	meta := Metadata{
		PadID: 0, IgnoreLabelID: intPtr(0), BlankIdentifierID: 0, VocabSize: vocab, SeqLen: seq,
		NumPuzzleIdentifiers: 1, TotalGroups: len(groups), MeanPuzzleExamples: 1,
		// The official Sudoku/Maze builders set total_puzzles to the group count.
		TotalPuzzles: len(groups), Sets: []string{"all"},
	}
	return w.writeIndex(split, meta, ids, puzzleIdx, groupIdx)
}
