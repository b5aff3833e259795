package build

import (
	"math"
	"strconv"
	"strings"

	"arceval/tasks"
)

// The official builders write JSON with Python's json.dump defaults
// (", " and ": " separators, ASCII only). These helpers produce the same
// bytes so identifiers.json and friends compare equal with the originals.

// Metadata is a split's dataset.json (TRM's PuzzleDatasetMetadata, fields
// in its declaration order).
type Metadata struct {
	PadID                int
	IgnoreLabelID        *int
	BlankIdentifierID    int
	VocabSize            int
	SeqLen               int
	NumPuzzleIdentifiers int
	TotalGroups          int
	MeanPuzzleExamples   float64
	TotalPuzzles         int
	Sets                 []string
}

func (m Metadata) pythonJSON() []byte {
	ignore := "null"
	if m.IgnoreLabelID != nil {
		ignore = strconv.Itoa(*m.IgnoreLabelID)
	}
	var b strings.Builder
	b.WriteString(`{"pad_id": ` + strconv.Itoa(m.PadID))
	b.WriteString(`, "ignore_label_id": ` + ignore)
	b.WriteString(`, "blank_identifier_id": ` + strconv.Itoa(m.BlankIdentifierID))
	b.WriteString(`, "vocab_size": ` + strconv.Itoa(m.VocabSize))
	b.WriteString(`, "seq_len": ` + strconv.Itoa(m.SeqLen))
	b.WriteString(`, "num_puzzle_identifiers": ` + strconv.Itoa(m.NumPuzzleIdentifiers))
	b.WriteString(`, "total_groups": ` + strconv.Itoa(m.TotalGroups))
	b.WriteString(`, "mean_puzzle_examples": ` + pyFloat(m.MeanPuzzleExamples))
	b.WriteString(`, "total_puzzles": ` + strconv.Itoa(m.TotalPuzzles))
	b.WriteString(`, "sets": ` + string(pyJSONStrings(m.Sets)) + "}")
	return []byte(b.String())
}

// pyFloat formats like Python's float repr (shortest round-trip, ".0" for
// integral values, exponent outside [1e-4, 1e16)).
func pyFloat(f float64) string {
	if math.IsNaN(f) {
		return "NaN"
	}
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-4 || abs >= 1e16) {
		return strconv.FormatFloat(f, 'e', -1, 64) // 1e-05, 1e+16: same as Python
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// pyString quotes s as Python's json.dumps with ensure_ascii=True.
func pyString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r -= 0x10000
				b.WriteString(`\u` + hex4(0xd800+(r>>10)) + `\u` + hex4(0xdc00+(r&0x3ff)))
			} else {
				b.WriteString(`\u` + hex4(r))
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func hex4(r rune) string {
	s := strconv.FormatInt(int64(r), 16)
	return strings.Repeat("0", 4-len(s)) + s
}

// pyJSONStrings writes a list of strings.
func pyJSONStrings(list []string) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pyString(s))
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// pyGrid writes a grid as a Python list of lists.
func pyGrid(b *strings.Builder, g tasks.Grid) {
	b.WriteByte('[')
	for r := 0; r < g.H; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('[')
		for c := 0; c < g.W; c++ {
			if c > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Itoa(int(g.At(r, c))))
		}
		b.WriteByte(']')
	}
	b.WriteByte(']')
}

// testPuzzlesJSON writes test_puzzles.json: the raw test-set tasks keyed by
// id in processing order, each with its "train"/"test" lists in file order
// and test outputs attached.
func testPuzzlesJSON(list []*tasks.Task) []byte {
	var b strings.Builder
	b.WriteByte('{')
	pairs := func(ps []tasks.Pair) {
		b.WriteByte('[')
		for i, p := range ps {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`{"input": `)
			pyGrid(&b, p.Input)
			b.WriteString(`, "output": `)
			pyGrid(&b, p.Output)
			b.WriteByte('}')
		}
		b.WriteByte(']')
	}
	for i, t := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pyString(t.ID) + ": {")
		if t.TestFirst {
			b.WriteString(`"test": `)
			pairs(t.Test)
			b.WriteString(`, "train": `)
			pairs(t.Train)
		} else {
			b.WriteString(`"train": `)
			pairs(t.Train)
			b.WriteString(`, "test": `)
			pairs(t.Test)
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
	return []byte(b.String())
}
