package tasks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// maxJSONBytes bounds the size of a JSON file we read into memory; the largest
// real file (ARC-AGI-2 training challenges) is 4 MB.
const maxJSONBytes = 256 << 20

// readLimited reads a whole file, refusing files larger than limit.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: file larger than %d bytes", path, limit)
	}
	return data, nil
}

// jsonSyntaxMsg turns a decoding error into a message with line and column.
func jsonSyntaxMsg(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return "invalid JSON: " + err.Error()
	}
	// Offset counts the bytes read up to and including the offending one;
	// point at that byte (or at the last byte for an unexpected end).
	if off > 0 {
		off--
	}
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, err)
}

// objectMember is one key/value of a JSON object, in file order.
type objectMember struct {
	Key   string
	Value json.RawMessage
}

// decodeObject splits a JSON object into its members, keeping their order
// (the official builders iterate Python dicts in file order).
func decodeObject(data []byte) ([]objectMember, error) {
	members, err := decodeMembers(data)
	// A Decoder reports syntax errors at offsets relative to the value it
	// was decoding; for invalid input, report Unmarshal's error instead, whose
	// offset is a position in data. Checked only on failure: valid input is
	// not scanned twice.
	if err != nil && !json.Valid(data) {
		var v json.RawMessage
		return nil, json.Unmarshal(data, &v)
	}
	return members, err
}

func decodeMembers(data []byte) ([]objectMember, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("expected a JSON object, found %s", describeToken(tok))
	}
	var members []objectMember
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("expected an object key, found %s", describeToken(tok))
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		members = append(members, objectMember{key, v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("unexpected data after the top-level object")
	}
	return members, nil
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", v.String())
	case string:
		return "a string"
	case nil:
		return "null"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}

// parseGrid decodes a JSON list of rows of integers, recording every problem
// against field. Values must lie in [0, maxValue]; sides in [1, maxSide].
// It returns ok=false when the grid is unusable.
func parseGrid(raw json.RawMessage, pl *problemList, item, field string, maxSide int, maxValue int) (Grid, bool) {
	if len(raw) == 0 {
		pl.add(item, field, "missing")
		return Grid{}, false
	}
	var rows []json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil || rows == nil {
		pl.add(item, field, "not a list of rows")
		return Grid{}, false
	}
	if len(rows) == 0 {
		pl.add(item, field, "grid has no rows")
		return Grid{}, false
	}
	if len(rows) > maxSide {
		pl.add(item, field, "grid has %d rows, at most %d allowed", len(rows), maxSide)
		return Grid{}, false
	}
	var g Grid
	ok := true
	for r, rawRow := range rows {
		var cells []json.RawMessage
		if err := json.Unmarshal(rawRow, &cells); err != nil || cells == nil {
			pl.add(item, field, "row %d is not a list of numbers", r)
			return Grid{}, false
		}
		if r == 0 {
			if len(cells) == 0 {
				pl.add(item, field, "row 0 is empty")
				return Grid{}, false
			}
			if len(cells) > maxSide {
				pl.add(item, field, "row 0 has %d cells, at most %d allowed", len(cells), maxSide)
				return Grid{}, false
			}
			g = NewGrid(len(rows), len(cells))
		} else if len(cells) != g.W {
			pl.add(item, field, "row %d has %d cells, row 0 has %d", r, len(cells), g.W)
			return Grid{}, false
		}
		for c, cell := range cells {
			v, err := strconv.Atoi(string(bytes.TrimSpace(cell)))
			if err != nil || v < 0 || v > maxValue {
				pl.add(item, field, "row %d, column %d: value %s is not an integer in 0..%d", r, c, truncate(string(cell), 20), maxValue)
				ok = false
				continue
			}
			g.Cells[r*g.W+c] = uint8(v)
		}
	}
	return g, ok
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
