package results

import (
	"encoding/json"
	"fmt"
)

// FormatVersion is written in every header; readers refuse other versions.
const FormatVersion = 1

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
}

// Item is the record of one test input.
type Item struct {
	TaskID    string    `json:"task"`
	TestIndex int       `json:"test"`
	Attempts  []Attempt `json:"attempts"`        // ARC: two; Sudoku/Maze: one
	Votes     []int     `json:"votes,omitempty"` // votes of the top candidates (ARC)
	StepExact []bool    `json:"step_exact"`      // exact accuracy after each supervision step
	Steps     int       `json:"steps"`           // supervision steps used
	Seconds   float64   `json:"seconds"`         // wall time spent on this item
	Cells     *Cells    `json:"cells,omitempty"` // cell accuracy (Sudoku/Maze)
	QHalt     float64   `json:"q_halt_prob"`     // sigmoid(q_halt) of the first attempt
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

// Key identifies an item within a run.
func (it Item) Key() string { return fmt.Sprintf("%s#%d", it.TaskID, it.TestIndex) }

// Solved reports whether any attempt is correct (the ARC two-attempt rule).
func (it Item) Solved() bool {
	for _, a := range it.Attempts {
		if a.Correct {
			return true
		}
	}
	return false
}
