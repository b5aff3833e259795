// Package jsontok reads JSON one token at a time with bounded memory, for
// parsers of untrusted files: what a document makes a reader hold is one
// token (a guard under the decoder bounds every string and bare literal,
// the only tokens the decoder buffers whole), never the document as a tree.
// The first failure (invalid JSON, a guard refusal) or a Stop ends reading;
// FailureMsg turns the failure into a message with a line and column.
package jsontok

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Bounds of the guard.
const (
	MaxString  = 1 << 16 // bytes of one string literal (task ids, keys, names)
	MaxLiteral = 1 << 10 // bytes of one number, true, false or null
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
			if g.run > MaxString {
				g.err = &literalError{g.startL, g.startC, "a string", MaxString}
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
				if g.run > MaxLiteral {
					g.err = &literalError{g.startL, g.startC, "a number or literal", MaxLiteral}
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

// Reader reads a JSON document token by token; numbers come as
// json.Number. The first decoding failure (invalid JSON, a guard refusal)
// or a Stop ends reading: every later call reports false, and the caller
// turns Failure into a message with FailureMsg.
type Reader struct {
	dec     *json.Decoder
	failure error // what stopped decoding (nil: not stopped by the decoder)
	stopped bool  // reading ended (failure, or Stop)
}

// NewReader reads the document from r.
func NewReader(r io.Reader) *Reader {
	dec := json.NewDecoder(newGuardReader(r))
	dec.UseNumber()
	return &Reader{dec: dec}
}

// Failure is what stopped decoding; nil when the document was read, or
// reading was stopped by the caller.
func (in *Reader) Failure() error { return in.failure }

// Stopped reports whether reading has ended (a failure, or Stop).
func (in *Reader) Stopped() bool { return in.stopped }

// Next returns the next token; false when reading has ended.
func (in *Reader) Next() (json.Token, bool) {
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

// More reports whether the current array or object has another element.
func (in *Reader) More() bool { return !in.stopped && in.dec.More() }

// Stop ends reading after a problem that makes the rest not worth reading.
func (in *Reader) Stop() { in.stopped = true }

// End reads the closing delimiter of the current array or object.
func (in *Reader) End() bool {
	_, ok := in.Next()
	return ok
}

// AtEOF checks that nothing follows the top-level value.
func (in *Reader) AtEOF() bool {
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

// Skip reads the rest of a value whose first token is t, holding nothing.
// budget, when not nil, bounds the tokens read; false when it runs out (the
// reader is then stopped) or reading ended.
func (in *Reader) Skip(t json.Token, budget *int) bool {
	d, ok := t.(json.Delim)
	if !ok || d == ']' || d == '}' {
		return true
	}
	for depth := 1; depth > 0; {
		if budget != nil {
			if *budget <= 0 {
				in.Stop()
				return false
			}
			*budget--
		}
		t, ok := in.Next()
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

// IsDelim reports whether t is the delimiter d.
func IsDelim(t json.Token, d json.Delim) bool {
	x, ok := t.(json.Delim)
	return ok && x == d
}

// FailureMsg says why decoding failed: a guard refusal names its place; a
// syntax error is located in data (the whole document, read again only on
// this path) as "invalid JSON at line L, column C: …".
func FailureMsg(failure error, data func() ([]byte, error)) string {
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
		return SyntaxMsg(b, err)
	}
	return "invalid JSON: " + failure.Error()
}

// BytesSource returns data, for FailureMsg on in-memory input.
func BytesSource(data []byte) func() ([]byte, error) {
	return func() ([]byte, error) { return data, nil }
}

// Describe renders a token for a message about a value that is not
// what was wanted: a number or literal as written, a string quoted, a list
// or object abbreviated.
func Describe(t json.Token) string {
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

// SyntaxMsg turns a decoding error of data (a *json.SyntaxError or
// *json.UnmarshalTypeError) into a message with line and column.
func SyntaxMsg(data []byte, err error) string {
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
