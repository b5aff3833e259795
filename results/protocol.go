package results

// Protocol is how a run measured: everything that decides whether its
// headline may stand beside a published number (trm-spec §7, §9). The
// evaluation commands fill it in; reports read it and never guess it from a
// path. A header without one (run files written before it existed) has an
// unknown protocol, which reports never place beside the paper.
type Protocol struct {
	// The whole set evaluated (before --limit/--ids and sharding), identified
	// by its content: see SetHasher and KnownSets.
	Benchmark     string `json:"benchmark,omitempty"` // family of the known set: arc-agi-1, arc-agi-2, concept-arc, sudoku-extreme, maze-hard; "" for an unknown set
	SetID         string `json:"set_id,omitempty"`    // KnownSet.ID of the set's version; "" for an unknown set
	SetMatch      string `json:"set_match,omitempty"` // how SetID was recognised: MatchContent or MatchSize
	SetHash       string `json:"set_hash"`            // SetHasher digest of the whole set
	SetTasks      int    `json:"set_tasks"`           // tasks of the whole set
	SetTestInputs int    `json:"set_test_inputs"`     // test inputs of the whole set

	// Views of each test input (ARC voting; Sudoku and Maze run the puzzle once).
	Views      int    `json:"views"`                 // views per test input asked for (a build: up to its BuildViews; a task with few distinct augmentations gets fewer)
	ViewSource string `json:"view_source"`           // ViewsBuild, ViewsDrawn or ViewsPuzzle
	BuildViews int    `json:"build_views,omitempty"` // the most views the build offers one test input (its num_aug + 1); 0 unless ViewsBuild

	// Puzzle identifiers (rows of the model's puzzle-embedding table).
	PuzzleIDs        string `json:"puzzle_ids"`                       // IDsBuild, IDsIdentifiers, IDsBlank, IDsRandom or IDsNone
	PuzzleTable      int    `json:"puzzle_table"`                     // rows of the model's puzzle-embedding table (0: none)
	BuildIdentifiers int    `json:"build_identifiers,omitempty"`      // entries of the build's identifiers.json (blank included), when the set is a build
	BuildIDsHash     string `json:"build_identifiers_hash,omitempty"` // IdentifiersDigest of the build's identifiers: which build (KnownBuilds) the ids index

	// Supervision steps.
	Steps      int  `json:"steps"`       // supervision steps per view (the maximum with early halting)
	EarlyHalt  bool `json:"early_halt"`  // a view stopped as soon as its q_halt > 0
	TrainDepth int  `json:"train_depth"` // the model's halt_max_steps: the steps it was trained to use

	Precision string `json:"precision"` // numeric precision of the forward pass ("float32")
	Scoring   string `json:"scoring"`   // the rule of the run's headline: ScoreTaskMacro, ScoreExact or ScoreNone
}

// Values of Protocol.SetMatch.
const (
	MatchContent = "content" // the set's SetHasher digest equals the known one
	MatchSize    = "size"    // no digest is known for the set: recognised by its kind and counts only
)

// Values of Protocol.ViewSource.
const (
	ViewsBuild  = "build"  // the official build's augmented puzzles (its exact views)
	ViewsDrawn  = "drawn"  // augmentations drawn by arceval from a raw set (not the build's)
	ViewsPuzzle = "puzzle" // the puzzle itself, once (Sudoku, Maze)
)

// Values of Protocol.PuzzleIDs.
const (
	IDsBuild       = "build"       // each view's identifier from the built split, as the official evaluator feeds it
	IDsIdentifiers = "identifiers" // looked up by puzzle name in an identifiers.json (views not in it: blank)
	IDsBlank       = "blank"       // 0 for every view
	IDsRandom      = "random"      // a random row per view
	IDsNone        = "none"        // the model has no per-puzzle table (one row or none): identifiers play no part
)

// Values of Protocol.Scoring.
const (
	ScoreTaskMacro = "task-macro pass@2" // ARC: two attempts by votes over the views; per task solved inputs / inputs, mean over tasks
	ScoreExact     = "exact accuracy"    // Sudoku, Maze: every cell of the last step's answer right
	ScoreNone      = "no answers"        // a set without answers (a hidden test set): predictions only
)

// Values of Protocol.Precision. PrecisionFloat32 is the engine's default;
// PrecisionBF16 is the bfloat16 forward pass the paper's models ran
// (trm-spec §3.8), `--precision bf16`.
const (
	PrecisionFloat32 = "float32"
	PrecisionBF16    = "bfloat16"
)
