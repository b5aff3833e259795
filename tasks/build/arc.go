package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"

	"arceval/internal/nprand"
	"arceval/tasks"
)

// ARCConfig mirrors the options of the official build_arc_dataset.py.
type ARCConfig struct {
	// InputPrefix is the Kaggle file prefix: files are
	// "<prefix>_<subset>_challenges.json" and "<prefix>_<subset>_solutions.json".
	InputPrefix string
	Subsets     []string // e.g. training, evaluation, concept
	TestSet     string   // subset whose test pairs form the test split
	TestSet2    string   // a second test subset (official default "evaluation2")
	Seed        uint32   // numpy global seed (official default 42)
	NumAug      int      // augmented copies per task (official default 1000)
	IDStart     int      // first puzzle identifier (official default 1; 0 is <blank>)
	Out         string
	Force       bool // replace an existing output folder
	// Progress, if set, is called as work advances.
	Progress func(stage string, done, total int)
}

// DefaultARCConfig returns the official defaults for the given input prefix.
func DefaultARCConfig(prefix, out string) ARCConfig {
	return ARCConfig{
		InputPrefix: prefix, Subsets: []string{"training", "evaluation", "concept"},
		TestSet: "evaluation", TestSet2: "evaluation2", Seed: 42, NumAug: 1000, IDStart: 1, Out: out,
	}
}

// Split names of a built dataset.
const (
	SplitTrain = "train"
	SplitTest  = "test"
)

// Official ARC build constants.
const (
	arcRetriesFactor = 5 // trials per wanted augmentation
)

// arcPuzzle is one member of a group: the original task or an augmented
// copy. Only the augmentation is kept; the grids are regenerated when the
// split is written, so a full build (876k puzzles) stays small in memory.
type arcPuzzle struct {
	name string
	aug  tasks.ARCAug
}

// arcGroup is one task routed to one split: its original pairs for that
// split and all accepted augmentations.
type arcGroup struct {
	pairs   []tasks.Pair
	members []arcPuzzle
}

// ARCStats summarises a build.
type ARCStats struct {
	Identifiers int // num_puzzle_identifiers (incl. <blank>)
	Splits      map[string]SplitStats
	ShortGroups []string // tasks whose augmentation stayed below NumAug+1
}

// SplitStats counts one split.
type SplitStats struct{ Groups, Puzzles, Examples int }

// BuildARC runs the official ARC build. The random draws happen in exactly
// the official order: per subset a shuffle of its tasks, per task up to
// 5·NumAug trials of (randint(0,8), permutation of colours 1..9), then per
// split, group and puzzle a randint for the example kept untranslated and,
// in the train split, two randints per translated example.
func BuildARC(cfg ARCConfig) (*ARCStats, error) {
	if len(cfg.Subsets) == 0 {
		return nil, fmt.Errorf("build arc: no subsets")
	}
	if cfg.NumAug < 0 || cfg.IDStart < 1 {
		return nil, fmt.Errorf("build arc: num-aug must be ≥ 0 and id start ≥ 1")
	}
	rng := nprand.New(cfg.Seed)
	splits := map[string][]arcGroup{}
	var splitOrder []string
	testPuzzles := []*tasks.Task{}
	stats := &ARCStats{Splits: map[string]SplitStats{}}

	for _, subset := range cfg.Subsets {
		challenges := cfg.InputPrefix + "_" + subset + "_challenges.json"
		solutions := cfg.InputPrefix + "_" + subset + "_solutions.json"
		if !fileExists(solutions) {
			solutions = ""
		}
		list, err := tasks.LoadKaggle(challenges, solutions)
		if err != nil {
			return nil, err
		}
		rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		isTest := subset == cfg.TestSet || subset == cfg.TestSet2
		for n, t := range list {
			if cfg.Progress != nil {
				cfg.Progress("augment "+subset, n, len(list))
			}
			dests := routeARC(t, isTest)
			if isTest {
				testPuzzles = append(testPuzzles, t)
			}
			members, full := augmentARC(rng, t, dests, cfg.NumAug)
			if !full {
				stats.ShortGroups = append(stats.ShortGroups, fmt.Sprintf("%s (%d)", t.ID, len(members)))
			}
			for _, split := range []string{SplitTrain, SplitTest} {
				if _, ok := dests[split]; !ok {
					continue
				}
				if _, seen := splits[split]; !seen {
					splitOrder = append(splitOrder, split)
				}
				splits[split] = append(splits[split], arcGroup{pairs: dests[split], members: members})
			}
		}
	}

	// Identifiers in order of first appearance over splits, groups, puzzles.
	ids := map[string]int{}
	names := []string{"<blank>"}
	for i := 1; i < cfg.IDStart; i++ {
		names = append(names, "<blank>")
	}
	for _, split := range splitOrder {
		for _, g := range splits[split] {
			for _, p := range g.members {
				if _, ok := ids[p.name]; !ok {
					ids[p.name] = len(names)
					names = append(names, p.name)
				}
			}
		}
	}
	stats.Identifiers = len(names)

	w, err := newFolderWriter(cfg.Out, cfg.Force)
	if err != nil {
		return nil, err
	}
	defer w.abort()
	for _, split := range splitOrder {
		st, err := writeARCSplit(w, rng, split, splits[split], ids, len(names), split == SplitTrain, cfg.Progress)
		if err != nil {
			return nil, err
		}
		stats.Splits[split] = st
	}
	if err := w.writeJSON("identifiers.json", pyJSONStrings(names)); err != nil {
		return nil, err
	}
	if err := w.writeJSON("test_puzzles.json", testPuzzlesJSON(testPuzzles)); err != nil {
		return nil, err
	}
	return stats, w.commit()
}

// routeARC splits a task's pairs by destination split, keeping the file's key
// order: tasks of a test subset send demonstrations to train and test pairs
// to test; other tasks send both to train.
func routeARC(t *tasks.Task, isTest bool) map[string][]tasks.Pair {
	if isTest {
		return map[string][]tasks.Pair{SplitTrain: t.Train, SplitTest: t.Test}
	}
	first, second := t.Train, t.Test
	if t.TestFirst {
		first, second = t.Test, t.Train
	}
	return map[string][]tasks.Pair{SplitTrain: slices.Concat(first, second)}
}

// augmentARC draws augmentations until numAug new distinct copies are found or
// 5·numAug trials are spent. A candidate is new when its puzzle hash (over all
// its pairs in every split) has not been seen. It returns the members
// (original first) and whether the group is full.
func augmentARC(rng *nprand.RandomState, t *tasks.Task, dests map[string][]tasks.Pair, numAug int) ([]arcPuzzle, bool) {
	members := []arcPuzzle{{name: t.ID, aug: tasks.IdentityARCAug}}
	if numAug == 0 {
		return members, true
	}
	var buf []uint8
	seen := map[string]bool{puzzleHash(dests, tasks.IdentityARCAug, &buf): true}
	for trial := 0; trial < arcRetriesFactor*numAug; trial++ {
		var aug tasks.ARCAug
		aug.Trans = int(rng.Randint(0, tasks.NumDihedral))
		for i, p := range rng.Permutation(9) {
			aug.Colours[i+1] = uint8(p + 1)
		}
		if h := puzzleHash(dests, aug, &buf); !seen[h] {
			seen[h] = true
			members = append(members, arcPuzzle{name: aug.Name(t.ID), aug: aug})
		}
		if len(members) >= numAug+1 {
			break
		}
	}
	return members, len(members) >= numAug+1
}

// puzzleHash is the official duplicate check: the sha256 of the sorted
// "inputhash|outputhash" strings of every pair in every split, under aug.
// The augmented grids are built in *buf, reused across calls.
func puzzleHash(per map[string][]tasks.Pair, aug tasks.ARCAug, buf *[]uint8) string {
	var parts []string
	hash := func(g tasks.Grid) string {
		g = aug.ApplyTo(*buf, g)
		*buf = g.Cells
		return g.Hash()
	}
	for _, pairs := range per {
		for _, p := range pairs {
			parts = append(parts, hash(p.Input)+"|"+hash(p.Output))
		}
	}
	slices.Sort(parts)
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return hex.EncodeToString(sum[:])
}

// writeARCSplit serialises one split: examples as 30×30 token canvases,
// translated at random in the train split except one example per puzzle.
func writeARCSplit(w *folderWriter, rng *nprand.RandomState, split string, groups []arcGroup, ids map[string]int, numIDs int, translate bool, progress func(string, int, int)) (SplitStats, error) {
	var st SplitStats
	for _, g := range groups {
		st.Groups++
		st.Puzzles += len(g.members)
		st.Examples += len(g.members) * len(g.pairs)
	}
	rows, err := w.rowWriters(split, st.Examples, tasks.ARCSeqLen, "|u1")
	if err != nil {
		return st, err
	}
	puzzleIdx := []int32{0}
	groupIdx := []int32{0}
	identifiers := make([]int32, 0, st.Puzzles)
	inp := make([]uint8, tasks.ARCSeqLen)
	lab := make([]uint8, tasks.ARCSeqLen)
	// Augmented grids are rebuilt here (arcPuzzle keeps only the
	// augmentation) into two buffers reused for every example.
	augIn := make([]uint8, 0, tasks.MaxARCSide*tasks.MaxARCSide)
	augOut := make([]uint8, 0, tasks.MaxARCSide*tasks.MaxARCSide)
	example := 0
	for gi, g := range groups {
		if progress != nil && gi%16 == 0 {
			progress("write "+split, gi, len(groups))
		}
		for _, p := range g.members {
			keep := int(rng.Randint(0, int64(len(g.pairs))))
			for i, orig := range g.pairs {
				ex := tasks.Pair{Input: p.aug.ApplyTo(augIn, orig.Input), Output: p.aug.ApplyTo(augOut, orig.Output)}
				padR, padC := 0, 0
				if translate && i != keep {
					padR = int(rng.Randint(0, int64(tasks.MaxARCSide-max(ex.Input.H, ex.Output.H)+1)))
					padC = int(rng.Randint(0, int64(tasks.MaxARCSide-max(ex.Input.W, ex.Output.W)+1)))
				}
				tasks.EncodeARC(ex.Input, padR, padC, inp)
				tasks.EncodeARC(ex.Output, padR, padC, lab)
				if err := rows.add(inp, lab); err != nil {
					return st, err
				}
				example++
			}
			puzzleIdx = append(puzzleIdx, int32(example))
			identifiers = append(identifiers, int32(ids[p.name]))
		}
		groupIdx = append(groupIdx, int32(len(identifiers)))
	}
	if err := rows.close(); err != nil {
		return st, err
	}
	meta := Metadata{
		PadID: 0, IgnoreLabelID: intPtr(0), BlankIdentifierID: 0, VocabSize: tasks.ARCVocab, SeqLen: tasks.ARCSeqLen,
		NumPuzzleIdentifiers: numIDs, TotalGroups: st.Groups, MeanPuzzleExamples: float64(st.Examples) / float64(st.Puzzles),
		TotalPuzzles: st.Puzzles, Sets: []string{"all"},
	}
	return st, w.writeIndex(split, meta, identifiers, puzzleIdx, groupIdx)
}

func intPtr(v int) *int { return &v }

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
