package tasks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"arceval/internal/npy"
)

// BuiltMeta is a split's dataset.json in an official built-dataset folder.
type BuiltMeta struct {
	PadID                int      `json:"pad_id"`
	IgnoreLabelID        *int     `json:"ignore_label_id"`
	BlankIdentifierID    int      `json:"blank_identifier_id"`
	VocabSize            int      `json:"vocab_size"`
	SeqLen               int      `json:"seq_len"`
	NumPuzzleIdentifiers int      `json:"num_puzzle_identifiers"`
	TotalGroups          int      `json:"total_groups"`
	MeanPuzzleExamples   float64  `json:"mean_puzzle_examples"`
	TotalPuzzles         *int     `json:"total_puzzles"` // TRM only; HRM lacks it
	Sets                 []string `json:"sets"`
}

// GuessKind tells the benchmark from the token geometry.
func (m BuiltMeta) GuessKind() Kind {
	switch {
	case m.VocabSize == ARCVocab && m.SeqLen == ARCSeqLen:
		return ARC
	case m.VocabSize == SudokuVocab && m.SeqLen == SudokuSide*SudokuSide:
		return Sudoku
	default:
		return Maze
	}
}

// ReadBuiltMeta reads and checks dir/dataset.json.
func ReadBuiltMeta(dir string) (BuiltMeta, error) {
	path := filepath.Join(dir, "dataset.json")
	data, err := readLimited(path, 1<<20)
	if err != nil {
		return BuiltMeta{}, err
	}
	return parseBuiltMeta(path, data)
}

// parseBuiltMeta decodes and range-checks dataset.json content.
func parseBuiltMeta(path string, data []byte) (BuiltMeta, error) {
	var m BuiltMeta
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("%s: %s", path, jsonSyntaxMsg(data, err))
	}
	switch {
	case m.SeqLen <= 0 || m.SeqLen > 1<<16:
		return m, fmt.Errorf("%s: seq_len %d out of range", path, m.SeqLen)
	case m.VocabSize <= 1 || m.VocabSize > 256:
		return m, fmt.Errorf("%s: vocab_size %d out of range 2..256", path, m.VocabSize)
	case m.NumPuzzleIdentifiers < 1 || m.NumPuzzleIdentifiers > MaxPuzzleIdentifiers:
		return m, fmt.Errorf("%s: num_puzzle_identifiers %d out of range 1..%d", path, m.NumPuzzleIdentifiers, MaxPuzzleIdentifiers)
	}
	return m, nil
}

// BuiltSplit is one split of an official built dataset, loaded in memory:
// example e has tokens Inputs[e*SeqLen:(e+1)*SeqLen]; puzzle p owns examples
// [PuzzleIndices[p], PuzzleIndices[p+1]); group g owns puzzles
// [GroupIndices[g], GroupIndices[g+1]).
type BuiltSplit struct {
	Dir               string
	Meta              BuiltMeta
	Identifiers       []string // identifiers.json of the parent folder, if present
	Inputs, Labels    []uint8  // [N*SeqLen]
	PuzzleIdentifiers []int32  // [P]
	PuzzleIndices     []int32  // [P+1]
	GroupIndices      []int32  // [G+1]
}

// Examples is the number of rows N.
func (b *BuiltSplit) Examples() int { return len(b.Inputs) / b.Meta.SeqLen }

// Puzzles is the number of puzzles P.
func (b *BuiltSplit) Puzzles() int { return len(b.PuzzleIdentifiers) }

// Groups is the number of groups G.
func (b *BuiltSplit) Groups() int { return len(b.GroupIndices) - 1 }

// OpenBuilt loads and checks a built-dataset split folder (train or test):
// array shapes agree, tokens lie in the vocabulary (int64 arrays are
// accepted, as the official Sudoku train build writes them), CSR offsets
// start at 0, never decrease and end at the row / puzzle counts, and puzzle
// identifiers lie below num_puzzle_identifiers.
func OpenBuilt(dir string) (*BuiltSplit, error) {
	meta, err := ReadBuiltMeta(dir)
	if err != nil {
		return nil, err
	}
	b := &BuiltSplit{Dir: dir, Meta: meta}
	file := func(name string) string { return filepath.Join(dir, "all__"+name+".npy") }
	if b.Inputs, err = readTokens(file("inputs"), meta); err != nil {
		return nil, err
	}
	if b.Labels, err = readTokens(file("labels"), meta); err != nil {
		return nil, err
	}
	if len(b.Labels) != len(b.Inputs) {
		return nil, fmt.Errorf("%s: %d label rows, inputs have %d", file("labels"), len(b.Labels)/meta.SeqLen, len(b.Inputs)/meta.SeqLen)
	}
	for _, a := range []struct {
		name string
		dst  *[]int32
	}{{"puzzle_identifiers", &b.PuzzleIdentifiers}, {"puzzle_indices", &b.PuzzleIndices}, {"group_indices", &b.GroupIndices}} {
		arr, err := npy.Open(file(a.name))
		if err != nil {
			return nil, err
		}
		if len(arr.Header.Shape) != 1 {
			return nil, fmt.Errorf("%s: shape %v, want 1-D", file(a.name), arr.Header.Shape)
		}
		if *a.dst, err = arr.Int32s(); err != nil {
			return nil, err
		}
	}
	if err := checkCSR(file("puzzle_indices"), b.PuzzleIndices, b.Examples()); err != nil {
		return nil, err
	}
	if len(b.PuzzleIdentifiers) != len(b.PuzzleIndices)-1 {
		return nil, fmt.Errorf("%s: %d identifiers for %d puzzles", file("puzzle_identifiers"), len(b.PuzzleIdentifiers), len(b.PuzzleIndices)-1)
	}
	if err := checkCSR(file("group_indices"), b.GroupIndices, b.Puzzles()); err != nil {
		return nil, err
	}
	for i, id := range b.PuzzleIdentifiers {
		if id < 0 || int(id) >= meta.NumPuzzleIdentifiers {
			return nil, fmt.Errorf("%s: element %d: identifier %d outside 0..%d", file("puzzle_identifiers"), i, id, meta.NumPuzzleIdentifiers-1)
		}
	}
	idPath := filepath.Join(filepath.Dir(filepath.Clean(dir)), "identifiers.json")
	if _, err := os.Stat(idPath); err == nil {
		// More names than dataset.json's count is refused while reading.
		if b.Identifiers, err = ReadIdentifiers(idPath, meta.NumPuzzleIdentifiers, "dataset.json's num_puzzle_identifiers"); err != nil {
			return nil, err
		}
		if len(b.Identifiers) != meta.NumPuzzleIdentifiers {
			return nil, fmt.Errorf("%s: %d identifiers, dataset.json says num_puzzle_identifiers %d", idPath, len(b.Identifiers), meta.NumPuzzleIdentifiers)
		}
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	return b, nil
}

// readTokens reads a [N, seq_len] integer array and checks every token lies in
// [0, vocab_size); int64 arrays are narrowed to uint8.
func readTokens(path string, meta BuiltMeta) ([]uint8, error) {
	arr, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	if s := arr.Header.Shape; len(s) != 2 || s[1] != meta.SeqLen {
		return nil, fmt.Errorf("%s: shape %v, want [N, %d] (seq_len of dataset.json)", path, s, meta.SeqLen)
	}
	var vals []uint8
	if arr.DType.Size == 1 && arr.DType.Kind == 'u' {
		vals = arr.Data
	} else {
		wide, err := arr.Int64s()
		if err != nil {
			return nil, err
		}
		vals = make([]uint8, len(wide))
		for i, v := range wide {
			if v < 0 || v >= int64(meta.VocabSize) {
				return nil, fmt.Errorf("%s: row %d, column %d: token %d outside vocabulary 0..%d", path, i/meta.SeqLen, i%meta.SeqLen, v, meta.VocabSize-1)
			}
			vals[i] = uint8(v)
		}
	}
	for i, v := range vals {
		if int(v) >= meta.VocabSize {
			return nil, fmt.Errorf("%s: row %d, column %d: token %d outside vocabulary 0..%d", path, i/meta.SeqLen, i%meta.SeqLen, v, meta.VocabSize-1)
		}
	}
	return vals, nil
}

// checkCSR checks offsets: start at 0, non-decreasing, end at total.
func checkCSR(path string, idx []int32, total int) error {
	if len(idx) == 0 || idx[0] != 0 {
		return fmt.Errorf("%s: offsets must start with 0", path)
	}
	for i := 1; i < len(idx); i++ {
		if idx[i] < idx[i-1] {
			return fmt.Errorf("%s: element %d: offset %d is below the previous %d", path, i, idx[i], idx[i-1])
		}
	}
	if int(idx[len(idx)-1]) != total {
		return fmt.Errorf("%s: last offset %d, want %d", path, idx[len(idx)-1], total)
	}
	return nil
}

// LoadBuiltTasks turns a built split into tasks, one per example: Sudoku and
// Maze rows decode to boards (token − 1) and are validated like CSV rows; ARC
// rows are cropped as the evaluator does and named after their puzzle
// identifier.
func LoadBuiltTasks(dir string, kind Kind) ([]*Task, error) {
	b, err := OpenBuilt(dir)
	if err != nil {
		return nil, err
	}
	s := b.Meta.SeqLen
	if kind == ARC && s != ARCSeqLen {
		return nil, fmt.Errorf("%s: seq_len %d, ARC rows must be %d tokens (a 30×30 canvas)", filepath.Join(dir, "dataset.json"), s, ARCSeqLen)
	}
	pl := &problemList{file: filepath.Join(dir, "all__inputs.npy")}
	out := make([]*Task, 0, b.Examples())
	for p := 0; p < b.Puzzles(); p++ {
		name := fmt.Sprintf("puzzle %d", p)
		if id := int(b.PuzzleIdentifiers[p]); id < len(b.Identifiers) && id > 0 {
			name = b.Identifiers[id]
		}
		for e := int(b.PuzzleIndices[p]); e < int(b.PuzzleIndices[p+1]); e++ {
			in, lab := b.Inputs[e*s:(e+1)*s], b.Labels[e*s:(e+1)*s]
			item := fmt.Sprintf("row %d", e)
			t := &Task{ID: fmt.Sprintf("%d", e), Kind: kind, Rating: -1, HasSolutions: true, Source: name}
			switch kind {
			case ARC:
				t.ID = fmt.Sprintf("%s#%d", name, e)
				t.Test = []Pair{{Input: CropARC(in), Output: CropARC(lab)}}
			default:
				side := intSqrt(s)
				q, okQ := DecodeBoard(in, side, b.Meta.VocabSize)
				a, okA := DecodeBoard(lab, side, b.Meta.VocabSize)
				if !okQ || !okA || side*side != s {
					pl.add(item, "", "tokens do not decode to a %d×%d board", side, side)
					continue
				}
				if kind == Sudoku {
					checkSudoku(q, a, pl, item)
				} else if msg := MazeProblem(q, a); msg != "" {
					pl.add(item, "labels", "%s", msg)
				}
				t.Test = []Pair{{Input: q, Output: a}}
			}
			out = append(out, t)
		}
	}
	return out, pl.err()
}
