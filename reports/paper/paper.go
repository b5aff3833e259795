// Package paper holds the reference numbers of the TRM paper (arXiv
// 2510.04871v1) that arceval's reports print beside its own: Table 4
// (Sudoku-Extreme, Maze-Hard) and Table 5 (ARC-AGI-1, ARC-AGI-2), every row
// with its params and its source (the TRM paper itself, the HRM paper, or the
// ARC Prize leaderboard). The numbers live in paper.json, embedded in the
// binary, transcribed from docs/trm-spec.md §9.4–9.5.
//
// Scores are percentages as printed in the paper (87.4, not 0.874).
// Benchmarks use arceval's set names: sudoku-extreme, maze-hard, arc-agi-1,
// arc-agi-2.
package paper

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed paper.json
var paperJSON []byte

// Reference is the content of paper.json.
type Reference struct {
	Paper           string  `json:"paper"`            // citation of the paper the tables come from
	TranscribedFrom string  `json:"transcribed_from"` // where the numbers were copied from
	Unit            string  `json:"unit"`
	Tables          []Table `json:"tables"`
}

// Table is one results table of the paper.
type Table struct {
	ID         string   `json:"id"` // "table4", "table5"
	Title      string   `json:"title"`
	Protocol   string   `json:"protocol"`   // how the paper measured the numbers
	Benchmarks []string `json:"benchmarks"` // columns, in the paper's order
	Rows       []Row    `json:"rows"`       // in the paper's order
}

// Row is one method's line in a table.
type Row struct {
	Key    string             `json:"key"`    // stable lower-case id: "trm-mlp", "hrm", "direct"
	Method string             `json:"method"` // name as printed: "TRM-MLP"
	Group  string             `json:"group"`  // the paper's row group
	Params string             `json:"params"` // as printed: "7M", "?"
	Source string             `json:"source"` // who measured the number
	Scores map[string]float64 `json:"scores"` // benchmark → % accuracy
}

// Load returns the embedded reference numbers.
func Load() (*Reference, error) {
	r, err := Parse(paperJSON)
	if err != nil {
		return nil, fmt.Errorf("embedded paper.json: %w", err)
	}
	return r, nil
}

// Parse decodes and validates a reference file: known fields only, every
// row scored on exactly its table's benchmarks with values in [0, 100], and
// each (key, benchmark) pair given once across all tables.
func Parse(data []byte) (*Reference, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Reference
	if err := dec.Decode(&r); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the JSON object")
	}
	if len(r.Tables) == 0 {
		return nil, fmt.Errorf("no tables")
	}
	seen := map[[2]string]string{} // (key, benchmark) → table id
	for _, t := range r.Tables {
		if t.ID == "" || len(t.Benchmarks) == 0 || len(t.Rows) == 0 {
			return nil, fmt.Errorf("table %q: id, benchmarks and rows are required", t.ID)
		}
		for i, row := range t.Rows {
			if row.Key == "" || row.Method == "" || row.Source == "" {
				return nil, fmt.Errorf("table %s: row %d: key, method and source are required", t.ID, i)
			}
			if len(row.Scores) != len(t.Benchmarks) {
				return nil, fmt.Errorf("table %s: %s: %d scores for %d benchmarks", t.ID, row.Key, len(row.Scores), len(t.Benchmarks))
			}
			for _, b := range t.Benchmarks {
				v, ok := row.Scores[b]
				if !ok {
					return nil, fmt.Errorf("table %s: %s: no score for %s", t.ID, row.Key, b)
				}
				if !(v >= 0 && v <= 100) {
					return nil, fmt.Errorf("table %s: %s: %s = %v, want a percentage in [0, 100]", t.ID, row.Key, b, v)
				}
				k := [2]string{row.Key, b}
				if prev, dup := seen[k]; dup {
					return nil, fmt.Errorf("table %s: %s: %s already given in %s", t.ID, row.Key, b, prev)
				}
				seen[k] = t.ID
			}
		}
	}
	return &r, nil
}

// Lookup returns the row and table that report method (a Row.Key such as
// "trm-mlp", or the printed name "TRM-MLP") on benchmark.
func (r *Reference) Lookup(method, benchmark string) (Row, *Table, bool) {
	for i := range r.Tables {
		t := &r.Tables[i]
		for _, row := range t.Rows {
			if row.Key != method && row.Method != method {
				continue
			}
			if _, ok := row.Scores[benchmark]; ok {
				return row, t, true
			}
		}
	}
	return Row{}, nil, false
}

// Score returns the paper's accuracy (in %) of method on benchmark.
func (r *Reference) Score(method, benchmark string) (float64, bool) {
	row, _, ok := r.Lookup(method, benchmark)
	return row.Scores[benchmark], ok
}
