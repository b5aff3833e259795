package results

import (
	"encoding/json"
	"fmt"
	"math"
)

// FormatVersion is written in every header. Version 2 added the protocol
// block; readers accept versions 1 and 2 (a version-1 file has no protocol,
// which reports treat as unknown) and refuse any other.
const FormatVersion = 2

// oldestFormat is the oldest run-file version this arceval still reads.
const oldestFormat = 1

// Header is the first line of a run file.
type Header struct {
	Format      int             `json:"format"`
	Version     string          `json:"arceval_version"`
	Revision    string          `json:"revision,omitempty"`
	GoVersion   string          `json:"go_version"`
	Kernel      string          `json:"kernel"`
	ModelKind   string          `json:"model_kind"`
	ModelSHA256 string          `json:"model_sha256"`
	ModelConfig json.RawMessage `json:"model_config,omitempty"`
	Set         string          `json:"set"`
	Fingerprint string          `json:"data_fingerprint"`
	Seed        uint64          `json:"seed"`
	Flags       map[string]any  `json:"flags,omitempty"`
	Machine     string          `json:"machine,omitempty"`
	Shard       string          `json:"shard,omitempty"` // "K/N" for a shard of a run
	// ShardBy is how a shard's run split the selection ("views": tasks
	// balanced by views); empty in shards of arceval versions that took
	// every N-th task, which must not merge or resume with these.
	ShardBy string `json:"shard_by,omitempty"`

	// The selection evaluated: the denominators of every score, so a run
	// file scores on its own and a missing item counts as wrong.
	TaskKind   string `json:"task_kind"`        // arc, sudoku, maze
	Tasks      int    `json:"tasks"`            // tasks selected (all shards together)
	TestInputs int    `json:"test_inputs"`      // test inputs selected (all shards together)
	Subset     string `json:"subset,omitempty"` // why the selection is not the whole set ("first 20 of 1200 tasks")
	Views      int    `json:"views"`            // views per test input (ARC voting)
	Steps      int    `json:"steps"`            // supervision steps per view (the maximum with halting)
	// NoAnswers marks a run on a set whose answers are not known (an ARC
	// challenges file without solutions: a hidden test set). Its records
	// hold predictions only; it has no scores, it makes a submission.
	NoAnswers bool `json:"no_answers,omitempty"`

	// Protocol is how the run measured (nil in files written before it was
	// recorded: the protocol is then unknown).
	Protocol *Protocol `json:"protocol,omitempty"`
}

// Item is the record of one test input.
type Item struct {
	TaskID    string    `json:"task"`
	TestIndex int       `json:"test"`
	Tests     int       `json:"tests"`           // test inputs of the task (denominator of its task score)
	Attempts  []Attempt `json:"attempts"`        // ARC: two; Sudoku/Maze: one
	Votes     []int     `json:"votes,omitempty"` // votes of the top candidates (ARC)
	StepExact []bool    `json:"step_exact"`      // exact accuracy after each supervision step
	Steps     int       `json:"steps"`           // supervision steps used
	Seconds   float64   `json:"seconds"`         // wall time spent on this item
	// CPUSeconds is the item's share of the CPU time (user + system, every
	// thread) of the batches its views ran in: what the item cost on any
	// machine, where Seconds depends on its cores. 0: not measured.
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
	Cells      *Cells  `json:"cells,omitempty"` // cell accuracy (Sudoku/Maze)
	QHalt      Prob    `json:"q_halt_prob"`     // sigmoid(q_halt) of the first attempt; NaN (written null) when no view gave an answer without NaN
	// NaNViews counts the views whose final outputs held NaN (a diverged or
	// overflowing model): they gave no answer and did not vote. A board
	// puzzle's one view then records an empty attempt, counted wrong.
	NaNViews int `json:"nan_views,omitempty"`
	// StepQHalt is the halting head's confidence after each supervision step:
	// sigmoid(q_halt) of the answer that led at that step (ARC: the mean over
	// the views that voted for the top candidate), so that reports can replay
	// Q-halting at any threshold (HaltFrontier); NaN (null) where it was NaN.
	// Absent in older run files.
	StepQHalt []Prob `json:"step_q_halt_prob,omitempty"`
	// Rank is the 1-based position of the expected answer among the voted
	// candidates (0: not among them); pass@K holds when 0 < Rank ≤ K.
	Rank       int `json:"rank"`
	Candidates int `json:"candidates"` // distinct answers proposed by the views
	Rating     int `json:"rating"`     // Sudoku difficulty / maze path length; -1 unknown
}

// Attempt is one submitted answer.
type Attempt struct {
	Grid    [][]int `json:"grid"`
	Correct bool    `json:"correct"`
}

// Cells counts correct cells of a board answer.
type Cells struct {
	Correct int `json:"correct"`
	Total   int `json:"total"`
}

// Prob is a probability in a run file: a JSON number, or null for NaN
// (JSON has no NaN; a model whose outputs are NaN gives one).
type Prob float64

// MarshalJSON writes p as a number, NaN as null.
func (p Prob) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(p)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(p))
}

// UnmarshalJSON reads a number, null as NaN.
func (p *Prob) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*p = Prob(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*p = Prob(f)
	return nil
}

// check refuses values no run writes: a negative wall time or step count.
func (it Item) check() error {
	switch {
	case it.Seconds < 0:
		return fmt.Errorf("test input %s: seconds %g is negative", it.Key(), it.Seconds)
	case it.Steps < 0:
		return fmt.Errorf("test input %s: steps %d is negative", it.Key(), it.Steps)
	}
	return nil
}

// Key identifies an item within a run.
func (it Item) Key() string { return fmt.Sprintf("%s#%d", it.TaskID, it.TestIndex) }

// PassAt reports whether the expected answer is among the first k candidates.
func (it Item) PassAt(k int) bool { return it.Rank > 0 && it.Rank <= k }

// Solved reports whether any attempt is correct (the ARC two-attempt rule).
func (it Item) Solved() bool {
	for _, a := range it.Attempts {
		if a.Correct {
			return true
		}
	}
	return false
}

// sameRun reports whether two headers describe the same run: equal except for
// the shard and where it ran (machine and GEMM kernels, float32 and bf16,
// which change rounding in the last places only), so that shards computed on
// different machines merge.
func sameRun(a, b Header) bool {
	a.Shard, b.Shard = "", ""
	a.Machine, b.Machine = "", ""
	a.Kernel, b.Kernel = "", ""
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
