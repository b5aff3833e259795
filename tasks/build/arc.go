package build

import (
	"fmt"
	"os"

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

// ARCStats summarises a build.
type ARCStats struct {
	Identifiers int // num_puzzle_identifiers (incl. <blank>)
	Splits      map[string]SplitStats
	ShortGroups []string // tasks whose augmentation stayed below NumAug+1
}

// SplitStats counts one split.
type SplitStats struct{ Groups, Puzzles, Examples int }

// BuildARC runs the official ARC build: it loads the Kaggle files of each
// subset, plans the build with PlanARC (every random draw in the official
// order) and writes it with WriteARC.
func BuildARC(cfg ARCConfig) (*ARCStats, error) {
	plan, err := PlanARCFiles(cfg)
	if err != nil {
		return nil, err
	}
	return WriteARC(plan, cfg.Out, cfg.Force, cfg.Progress)
}

// PlanARCFiles loads the Kaggle files of each subset of cfg and plans the
// build (PlanARC) without writing it: what BuildARC writes, or what a
// faithful evaluation of its test split will run.
func PlanARCFiles(cfg ARCConfig) (*ARCPlan, error) {
	if len(cfg.Subsets) == 0 {
		return nil, fmt.Errorf("build arc: no subsets")
	}
	var subsets []ARCSubset
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
		subsets = append(subsets, ARCSubset{Name: subset, Tasks: list, Test: subset == cfg.TestSet || subset == cfg.TestSet2})
	}
	return PlanARC(subsets, ARCPlanConfig{Seed: cfg.Seed, NumAug: cfg.NumAug, IDStart: cfg.IDStart, Progress: cfg.Progress})
}

// WriteARC writes a planned ARC build as the official folder: per split the
// token arrays and index arrays, then identifiers.json and
// test_puzzles.json.
func WriteARC(plan *ARCPlan, out string, force bool, progress func(string, int, int)) (*ARCStats, error) {
	w, err := newFolderWriter(out, force)
	if err != nil {
		return nil, err
	}
	defer w.abort()
	stats := &ARCStats{Identifiers: plan.NumIDs, Splits: map[string]SplitStats{}, ShortGroups: plan.ShortGroups}
	for _, split := range plan.Splits {
		st, err := writeARCSplit(w, split, plan.NumIDs, progress)
		if err != nil {
			return nil, err
		}
		stats.Splits[split.Name] = st
	}
	if err := w.writeJSON("identifiers.json", pyJSONStrings(plan.Identifiers())); err != nil {
		return nil, err
	}
	if err := w.writeJSON("test_puzzles.json", testPuzzlesJSON(plan.TestTasks)); err != nil {
		return nil, err
	}
	return stats, w.commit()
}

// writeARCSplit serialises one split: every member's examples as 30×30
// token canvases at the plan's offsets.
func writeARCSplit(w *folderWriter, split *ARCSplit, numIDs int, progress func(string, int, int)) (SplitStats, error) {
	st := SplitStats{Groups: len(split.Groups)}
	st.Puzzles, st.Examples = split.Examples()
	rows, err := w.rowWriters(split.Name, st.Examples, tasks.ARCSeqLen, "|u1")
	if err != nil {
		return st, err
	}
	puzzleIdx := make([]int32, 1, st.Puzzles+1)
	groupIdx := make([]int32, 1, st.Groups+1)
	identifiers := make([]int32, 0, st.Puzzles)
	inp := make([]uint8, tasks.ARCSeqLen)
	lab := make([]uint8, tasks.ARCSeqLen)
	var buf EncodeBuffer
	example := 0
	for gi, g := range split.Groups {
		if progress != nil && gi%16 == 0 {
			progress("write "+split.Name, gi, len(split.Groups))
		}
		for m, mem := range g.Members {
			for i := range g.Pairs {
				g.Encode(m, i, &buf, inp, lab)
				if err := rows.add(inp, lab); err != nil {
					return st, err
				}
				example++
			}
			puzzleIdx = append(puzzleIdx, int32(example))
			identifiers = append(identifiers, mem.ID)
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
	return st, w.writeIndex(split.Name, meta, identifiers, puzzleIdx, groupIdx)
}

func intPtr(v int) *int { return &v }

func fileExists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
