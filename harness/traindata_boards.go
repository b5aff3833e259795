package harness

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"arceval/tasks"
)

// BoardData trains on a loaded Sudoku or Maze set as the official build and
// loader would on the build of that set (trm-spec §2.2, §2.3): one group
// per puzzle, member 0 the original.
//
//   - Sudoku: the original and NumAug fixed augmented copies
//     (build_sudoku_dataset.py L94-L100, shuffle_sudoku L27-L57). Copy k of a
//     puzzle is drawn from a stream seeded by (seed, puzzle id, k), so the pool
//     is the same in every epoch and needs no memory. The official builder
//     never seeds numpy, so only the distribution of the copies can match it,
//     not the copies themselves.
//   - Maze: no augmentation unless NumAug > 0 (the official aug flag defaults
//     to false and the paper's command does not set it); then each maze is a
//     group of its 8 dihedral transforms, member k = transform k
//     (build_maze_dataset.py L68-L80).
//
// Every puzzle has the blank identifier 0 and one example.
type BoardData struct {
	set    *tasks.Set
	numAug int
	seed   uint64
	seqLen int
}

func newBoardData(set *tasks.Set, numAug int, seed uint32) (*BoardData, error) {
	d := &BoardData{set: set, numAug: numAug, seed: uint64(seed)}
	for i, t := range set.Tasks {
		if len(t.Test) != 1 {
			return nil, fmt.Errorf("%s: puzzle %s has %d question/answer pairs, want 1", set.Name, t.ID, len(t.Test))
		}
		if i == 0 {
			d.seqLen = t.Test[0].Input.H * t.Test[0].Input.W
		}
		if p := t.Test[0]; p.Input.H*p.Input.W != d.seqLen || p.Output.H*p.Output.W != d.seqLen {
			return nil, fmt.Errorf("%s: puzzle %s is %d×%d, the first puzzle %d cells", set.Name, t.ID, p.Input.H, p.Input.W, d.seqLen)
		}
	}
	return d, nil
}

func (d *BoardData) Kind() tasks.Kind  { return d.set.Kind }
func (d *BoardData) Groups() int       { return len(d.set.Tasks) }
func (d *BoardData) SeqLen() int       { return d.seqLen }
func (d *BoardData) Vocab() int        { return tasks.LayoutFor(d.set.Kind, 0).Vocab }
func (d *BoardData) NumPuzzleIDs() int { return 1 }

func (d *BoardData) Members(g int) int {
	switch {
	case d.numAug == 0:
		return 1
	case d.set.Kind == tasks.Maze:
		return tasks.NumDihedral
	}
	return 1 + d.numAug
}

func (d *BoardData) Puzzle(g, k int) []Example {
	t := d.set.Tasks[g]
	p := t.Test[0]
	switch {
	case k == 0:
	case d.set.Kind == tasks.Maze:
		p = tasks.Pair{Input: tasks.Dihedral(p.Input, k), Output: tasks.Dihedral(p.Output, k)}
	default:
		a := tasks.RandomSudokuAug(pcgShuffler{d.memberRNG(t.ID, k)})
		p = tasks.Pair{Input: a.Apply(p.Input), Output: a.Apply(p.Output)}
	}
	inp, lab := make([]uint8, d.seqLen), make([]uint8, d.seqLen)
	tasks.EncodeBoard(p.Input, inp)
	tasks.EncodeBoard(p.Output, lab)
	// ignore_label_id is 0 (PAD), which a board never holds: every cell is supervised.
	return []Example{tokensExample(inp, lab, tasks.PadToken, 0)}
}

// memberRNG is the stream that draws copy k of a Sudoku puzzle.
func (d *BoardData) memberRNG(id string, k int) *rand.Rand {
	return taskRNG(d.seed, id, "sudoku-aug "+strconv.Itoa(k))
}

// pcgShuffler adapts math/rand/v2 to the tasks.Shuffler interface.
type pcgShuffler struct{ r *rand.Rand }

func (s pcgShuffler) Permutation(n int) []int { return s.r.Perm(n) }
func (s pcgShuffler) Rand() float64           { return s.r.Float64() }
