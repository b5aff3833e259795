package harness

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"arceval/tasks"
)

// PuzzleIDMode says which puzzle identifier each view gets.
type PuzzleIDMode int

const (
	// IDsAuto uses the training build's identifier of the view's puzzle name
	// (from a built folder, or Identifiers), else 0 (blank).
	IDsAuto   PuzzleIDMode = iota
	IDsBlank               // 0 for every view: the puzzle-embedding ablation
	IDsRandom              // a random row 1..n−1 of the table per view
)

// ParsePuzzleIDMode parses "auto", "blank" or "random".
func ParsePuzzleIDMode(s string) (PuzzleIDMode, error) {
	switch s {
	case "", "auto":
		return IDsAuto, nil
	case "blank":
		return IDsBlank, nil
	case "random":
		return IDsRandom, nil
	}
	return 0, fmt.Errorf("--puzzle-id %q: want auto, blank or random", s)
}

// ViewOptions control how test inputs become views.
type ViewOptions struct {
	Views       int    // views per ARC test input (1: the canonical view only)
	Seed        uint64 // root seed: views of a task depend on (seed, task id) only
	IDs         PuzzleIDMode
	Identifiers map[string]int32 // puzzle name → identifier of the model's training build
	NumIDs      int              // rows of the model's puzzle-embedding table (IDsRandom)
	// Unknown, when set, counts the views whose puzzle name is not in
	// Identifiers (they run with the blank id 0).
	Unknown *atomic.Int64
}

// ReadIdentifiers reads a built dataset's identifiers.json (a list of puzzle
// names, index = identifier) into a name → identifier map. A list longer
// than maxCount (the model's puzzle-embedding rows: an identifier past them
// could not be looked up) is refused while it is read, and the file's size
// is checked against it first.
func ReadIdentifiers(path string, maxCount int) (map[string]int32, error) {
	names, err := tasks.ReadIdentifiers(path, maxCount, "the model's puzzle-embedding rows")
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int32, len(names))
	for i, n := range names {
		if _, dup := ids[n]; !dup {
			ids[n] = int32(i)
		}
	}
	return ids, nil
}

// FromSet makes the items of a loaded set: one per test input, in the set's
// order; the test inputs of ARC tasks without solutions are NoAnswer. ARC items get opt.Views views — the original, then distinct random
// dihedral × colour-permutation copies (black fixed) drawn per task as the
// official builder draws them; Sudoku and Maze items get their one view.
func FromSet(set *tasks.Set, opt ViewOptions) ([]*Item, error) {
	opt.Views = max(opt.Views, 1)
	var items []*Item
	for ti, t := range set.Tasks {
		if len(t.Test) == 0 {
			return nil, fmt.Errorf("%s: task %s has no test input", set.Name, t.ID)
		}
		if !t.HasSolutions && t.Kind != tasks.ARC {
			return nil, fmt.Errorf("%s: task %s has no test outputs", set.Name, t.ID)
		}
		var augs func() []tasks.ARCAug // drawn once per task, when its first view is needed
		if t.Kind == tasks.ARC {
			augs = sync.OnceValue(func() []tasks.ARCAug { return drawARCAugs(t, opt.Views, opt.Seed) })
		}
		for j, p := range t.Test {
			it := &Item{TaskID: t.ID, TestIndex: j, Tests: len(t.Test), Kind: t.Kind, Expected: p.Output, NoAnswer: !t.HasSolutions, Rating: t.Rating, Task: ti, ViewCount: 1}
			if it.NoAnswer {
				it.input = p.Input
			}
			switch t.Kind {
			case tasks.ARC:
				if p.Input.H > tasks.MaxARCSide || p.Input.W > tasks.MaxARCSide {
					return nil, fmt.Errorf("%s: task %s test %d: %d×%d input does not fit the 30×30 canvas", set.Name, t.ID, j, p.Input.H, p.Input.W)
				}
				it.ViewCount = max(opt.Views, 1) // drawARCAugs draws at most this many
				it.views = func() ([]View, error) { return arcViews(t, p.Input, augs(), opt), nil }
			default:
				tok := make([]uint8, len(p.Input.Cells))
				tasks.EncodeBoard(p.Input, tok)
				it.views = func() ([]View, error) { return []View{{Tokens: tok, Aug: tasks.IdentityARCAug}}, nil }
			}
			items = append(items, it)
		}
	}
	return items, nil
}

// drawARCAugs returns n augmentations of a task, the identity first, then
// random ones whose augmented task (every pair) differs from all before,
// giving up after 5·n draws as the official builder does.
func drawARCAugs(t *tasks.Task, n int, seed uint64) []tasks.ARCAug {
	augs := []tasks.ARCAug{tasks.IdentityARCAug}
	if n <= 1 {
		return augs
	}
	rng := taskRNG(seed, t.ID, "views")
	seen := map[[32]byte]bool{taskHash(t, tasks.IdentityARCAug): true}
	for trial := 0; trial < 5*n && len(augs) < n; trial++ {
		var a tasks.ARCAug
		a.Trans = rng.IntN(tasks.NumDihedral)
		a.Colours[0] = 0
		for i, p := range rng.Perm(9) {
			a.Colours[i+1] = uint8(p + 1)
		}
		if h := taskHash(t, a); !seen[h] {
			seen[h] = true
			augs = append(augs, a)
		}
	}
	return augs
}

// taskHash identifies an augmented task by its sorted pair hashes.
func taskHash(t *tasks.Task, a tasks.ARCAug) [32]byte {
	var parts []string
	for p := range t.Pairs() {
		parts = append(parts, a.Apply(p.Input).Hash()+"|"+a.Apply(p.Output).Hash())
	}
	slices.Sort(parts)
	return sha256.Sum256([]byte(strings.Join(parts, "|")))
}

func arcViews(t *tasks.Task, input tasks.Grid, augs []tasks.ARCAug, opt ViewOptions) []View {
	views := make([]View, len(augs))
	rng := taskRNG(opt.Seed, t.ID, "ids")
	for i, a := range augs {
		tok := make([]uint8, tasks.ARCSeqLen)
		tasks.EncodeARC(a.Apply(input), 0, 0, tok)
		name := t.ID
		if !a.IsIdentity() {
			name = a.Name(t.ID)
		}
		views[i] = View{Tokens: tok, Aug: a, PuzzleID: puzzleID(opt, rng, opt.lookup(name))}
	}
	return views
}

// puzzleID picks a view's identifier: auto (the training build's row of
// the view's puzzle; 0 when it has none), blank (0) or random (1..n−1).
func puzzleID(opt ViewOptions, rng *rand.Rand, auto int32) int32 {
	switch opt.IDs {
	case IDsRandom:
		if opt.NumIDs > 1 {
			return int32(1 + rng.IntN(opt.NumIDs-1))
		}
	case IDsAuto:
		return auto
	}
	return 0
}

// lookup finds a puzzle name in opt.Identifiers, counting the names it lacks
// in opt.Unknown; unknown names get the blank id 0.
func (opt ViewOptions) lookup(name string) int32 {
	id, ok := opt.Identifiers[name]
	if !ok && opt.Identifiers != nil && opt.Unknown != nil && opt.IDs == IDsAuto {
		opt.Unknown.Add(1)
	}
	return id
}

// taskRNG is the random stream of one task for one purpose: a PCG seeded by
// the root seed and a hash of (task id, purpose), so a task's views do not
// depend on which other tasks are evaluated, or in which order.
func taskRNG(seed uint64, id, purpose string) *rand.Rand {
	h := sha256.Sum256([]byte(id + "\x00" + purpose))
	return rand.New(rand.NewPCG(seed, binary.LittleEndian.Uint64(h[:8])))
}
