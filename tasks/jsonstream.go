package tasks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The ARC readers decode JSON one token at a time (jsonIn), so that what a
// file makes them hold is one token, one grid of at most 30×30 cells and the
// tasks kept — never the file's values as a tree: an ARC row of 50 M cells
// is refused at its 31st cell, not decoded first. A guard under the decoder
// bounds every string and bare literal, the only tokens the decoder itself
// would buffer whole.
const (
	maxJSONString  = 1 << 16 // bytes of one string literal (task ids, keys, ConceptARC names)
	maxJSONLiteral = 1 << 10 // bytes of one number, true, false or null
)

// literalError is the guard's refusal of an over-long string or literal.
type literalError struct {
	line, col int64
	what      string
	limit     int
}

func (e *literalError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s longer than %d bytes", e.line, e.col, e.what, e.limit)
}

// guardReader passes bytes through, tracking strings and bare literals, and
// fails with a *literalError at the first one longer than its bound.
type guardReader struct {
	r                io.Reader
	line, col        int64 // position of the next byte (1-based)
	inString, escape bool
	run              int   // bytes of the current string or literal
	startL, startC   int64 // where it began
	err              error
}

func newGuardReader(r io.Reader) *guardReader { return &guardReader{r: r, line: 1, col: 1} }

func (g *guardReader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if g.inString {
			g.run++
			switch {
			case g.escape:
				g.escape = false
			case c == '\\':
				g.escape = true
			case c == '"':
				g.inString, g.run = false, 0
			}
			if g.run > maxJSONString {
				g.err = &literalError{g.startL, g.startC, "a string", maxJSONString}
				return i, g.err
			}
		} else {
			switch c {
			case '"':
				g.inString, g.run, g.startL, g.startC = true, 0, g.line, g.col
			case ' ', '\t', '\r', '\n', ',', ':', '[', ']', '{', '}':
				g.run = 0
			default:
				if g.run == 0 {
					g.startL, g.startC = g.line, g.col
				}
				g.run++
				if g.run > maxJSONLiteral {
					g.err = &literalError{g.startL, g.startC, "a number or literal", maxJSONLiteral}
					return i, g.err
				}
			}
		}
		if c == '\n' {
			g.line, g.col = g.line+1, 1
		} else {
			g.col++
		}
	}
	return n, err
}

// jsonIn reads a JSON document token by token. The first decoding failure
// (invalid JSON, a guard refusal) or a Stop ends reading: every later call
// reports false, and the reader's caller turns Failure into a message.
type jsonIn struct {
	dec     *json.Decoder
	failure error // what stopped decoding (nil: not stopped by the decoder)
	stopped bool  // reading ended (failure, or Stop)
}

func newJSONIn(r io.Reader) *jsonIn {
	dec := json.NewDecoder(newGuardReader(r))
	dec.UseNumber()
	return &jsonIn{dec: dec}
}

// next returns the next token; false when reading has ended.
func (in *jsonIn) next() (json.Token, bool) {
	if in.stopped {
		return nil, false
	}
	t, err := in.dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		in.failure, in.stopped = err, true
		return nil, false
	}
	return t, true
}

// more reports whether the current array or object has another element.
func (in *jsonIn) more() bool { return !in.stopped && in.dec.More() }

// stop ends reading after a problem that makes the rest not worth reading.
func (in *jsonIn) stop() { in.stopped = true }

// end reads the closing delimiter of the current array or object.
func (in *jsonIn) end() bool {
	_, ok := in.next()
	return ok
}

// atEOF checks that nothing follows the top-level value.
func (in *jsonIn) atEOF() bool {
	if in.stopped {
		return false
	}
	if _, err := in.dec.Token(); err != io.EOF {
		if err == nil {
			err = errTrailing
		}
		in.failure, in.stopped = err, true
		return false
	}
	return true
}

// errTrailing is a second value after the top-level one.
var errTrailing = errors.New("data after the top-level value")

// skip reads the rest of a value whose first token is t, holding nothing.
// budget, when not nil, bounds the tokens read; false when it runs out (the
// reader is then stopped) or reading ended.
func (in *jsonIn) skip(t json.Token, budget *int) bool {
	d, ok := t.(json.Delim)
	if !ok || d == ']' || d == '}' {
		return true
	}
	for depth := 1; depth > 0; {
		if budget != nil {
			if *budget <= 0 {
				in.stop()
				return false
			}
			*budget--
		}
		t, ok := in.next()
		if !ok {
			return false
		}
		if d, isDelim := t.(json.Delim); isDelim {
			if d == '[' || d == '{' {
				depth++
			} else {
				depth--
			}
		}
	}
	return true
}

// isDelim reports whether t is the delimiter d.
func isDelim(t json.Token, d json.Delim) bool {
	x, ok := t.(json.Delim)
	return ok && x == d
}

// failureMsg says why decoding failed: a guard refusal names its place; a
// syntax error is located in data (the whole document, read again only on
// this path) as "invalid JSON at line L, column C: …".
func failureMsg(failure error, data func() ([]byte, error)) string {
	var le *literalError
	if errors.As(failure, &le) {
		return le.Error()
	}
	var se *json.SyntaxError
	if !errors.As(failure, &se) && !errors.Is(failure, io.ErrUnexpectedEOF) && failure != errTrailing {
		return failure.Error() // a read error
	}
	b, err := data()
	if err != nil {
		return "invalid JSON: " + failure.Error()
	}
	// Unmarshal checks the whole input before decoding: its syntax error
	// carries an offset in b, and decoding into an empty struct keeps
	// nothing of a valid document.
	if err := json.Unmarshal(b, &struct{}{}); errors.As(err, &se) {
		return jsonSyntaxMsg(b, err)
	}
	return "invalid JSON: " + failure.Error()
}

// bytesSource returns data, for failureMsg on in-memory input.
func bytesSource(data []byte) func() ([]byte, error) {
	return func() ([]byte, error) { return data, nil }
}

// describeJSON renders a token for a message about a value that is not
// what was wanted: a number or literal as written, a string quoted, a list
// or object abbreviated.
func describeJSON(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '[' {
			return "[…]"
		}
		return "{…}"
	case string:
		b, _ := json.Marshal(v)
		return string(bytes.TrimSpace(b))
	case json.Number:
		return string(v)
	case bool:
		return fmt.Sprint(v)
	case nil:
		return "null"
	}
	return fmt.Sprint(t)
}
