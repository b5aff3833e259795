package results

// KnownSet is a version of an evaluation set that arceval recognises by its
// content (harness.Identify computes the digest the same way for a raw
// folder, a Kaggle file and a built split), so that a run says which set it
// measured whatever path it was read from.
type KnownSet struct {
	ID         string // stable name of the version: "arc-agi-2/evaluation-172"
	Benchmark  string // the benchmark it measures: arc-agi-1, arc-agi-2, concept-arc, sudoku-extreme, maze-hard
	Desc       string // for reports: "ARC-AGI-2 public evaluation, the 172-input copy TRM used"
	Kind       string // arc, sudoku, maze
	Tasks      int
	TestInputs int
	// Hash is the digest of the whole set; "" when no copy was available to
	// compute it (the set is then recognised by its kind and counts).
	Hash string
}

// KnownSets are the evaluation sets whose identity a run records. Counts and
// digests were computed from ../shared/data (tests check them there); the
// Sudoku-Extreme test set is not in the store (only its size, 422,786
// puzzles, from the HF card and the test histogram, is known).
var KnownSets = []KnownSet{
	{ID: "arc-agi-1/evaluation", Benchmark: "arc-agi-1", Desc: "ARC-AGI-1 public evaluation (400 tasks, 419 test inputs)",
		Kind: "arc", Tasks: 400, TestInputs: 419, Hash: "92cc93a726d35308"},
	{ID: "arc-agi-2/evaluation-172", Benchmark: "arc-agi-2", Desc: "ARC-AGI-2 public evaluation, the older 172-input copy TRM used (trm-kaggle/evaluation2)",
		Kind: "arc", Tasks: 120, TestInputs: 172, Hash: "08250733eb4fcd5b"},
	{ID: "arc-agi-2/evaluation-167", Benchmark: "arc-agi-2", Desc: "ARC-AGI-2 public evaluation, the current 167-input copy (arc-agi-2/evaluation)",
		Kind: "arc", Tasks: 120, TestInputs: 167, Hash: "8a5ce6bd0caf353a"},
	{ID: "concept-arc", Benchmark: "concept-arc", Desc: "ConceptARC corpus (160 tasks, 480 test inputs)",
		Kind: "arc", Tasks: 160, TestInputs: 480, Hash: "0b47ee7ee8eead02"},
	{ID: "sudoku-extreme/test", Benchmark: "sudoku-extreme", Desc: "Sudoku-Extreme full test set (422,786 puzzles)",
		Kind: "sudoku", Tasks: 422786, TestInputs: 422786},
	{ID: "sudoku-extreme/test-sample-1200", Benchmark: "sudoku-extreme", Desc: "Sudoku-Extreme stratified test sample (1,200 puzzles, 200 per rating bucket)",
		Kind: "sudoku", Tasks: 1200, TestInputs: 1200, Hash: "db3225c400029b58"},
	{ID: "maze-hard/test", Benchmark: "maze-hard", Desc: "Maze-Hard 30×30 test set (1,000 mazes)",
		Kind: "maze", Tasks: 1000, TestInputs: 1000, Hash: "4b88f39e158c1dca"},
}

// IdentifySet finds the known set with this kind, size and digest. A known
// set without a digest matches on kind and size alone (MatchSize).
func IdentifySet(kind string, tasks, testInputs int, hash string) (KnownSet, string, bool) {
	for _, s := range KnownSets {
		if s.Kind != kind || s.Tasks != tasks || s.TestInputs != testInputs {
			continue
		}
		switch {
		case s.Hash == "":
			return s, MatchSize, true
		case s.Hash == hash:
			return s, MatchContent, true
		}
	}
	return KnownSet{}, "", false
}

// LookupKnownSet returns the known set with this ID.
func LookupKnownSet(id string) (KnownSet, bool) {
	for _, s := range KnownSets {
		if s.ID == id {
			return s, true
		}
	}
	return KnownSet{}, false
}
