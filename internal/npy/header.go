package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Limits applied before any allocation driven by file contents.
const (
	// MaxHeaderLen bounds the header dictionary length. NumPy itself refuses
	// headers over 10000 characters by default.
	MaxHeaderLen = 64 << 10
	// MaxDims bounds the number of dimensions (NumPy 2's NPY_MAXDIMS).
	MaxDims = 64
)

// magic is the 6-byte prefix of every .npy file.
const magic = "\x93NUMPY"

// Header is the metadata of a .npy file.
type Header struct {
	Descr        string // dtype descriptor as written in the file, e.g. "<i4"
	Shape        []int  // nil or empty for a 0-d (scalar) array
	FortranOrder bool   // column-major; read only when the layout equals C order
}

// NumElements returns the product of Shape (1 for a scalar), or an error if
// it overflows an int.
func (h Header) NumElements() (int, error) {
	n := uint64(1)
	for i, d := range h.Shape {
		if d < 0 {
			return 0, fmt.Errorf("shape[%d] is negative (%d)", i, d)
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return 0, fmt.Errorf("shape %s: element count overflows", shapeRepr(h.Shape))
		}
		n = lo
	}
	return int(n), nil
}

// dataSize returns the number of data bytes the header declares.
func (h Header) dataSize(dt DType) (int64, error) {
	n, err := h.NumElements()
	if err != nil {
		return 0, err
	}
	hi, lo := bits.Mul64(uint64(n), uint64(dt.Size))
	if hi != 0 || lo > math.MaxInt64 || lo > math.MaxInt {
		return 0, fmt.Errorf("shape %s of %s: data size overflows", shapeRepr(h.Shape), dt)
	}
	return int64(lo), nil
}

// checkLayout rejects Fortran-ordered arrays whose byte layout differs from
// C order. When at most one dimension exceeds 1 (or the array is empty) the
// two layouts are identical, so such files are accepted unchanged.
func (h Header) checkLayout() error {
	if !h.FortranOrder {
		return nil
	}
	big := 0
	for _, d := range h.Shape {
		if d == 0 {
			return nil
		}
		if d > 1 {
			big++
		}
	}
	if big > 1 {
		return errors.New("fortran_order True is not supported for this shape; re-save with np.ascontiguousarray")
	}
	return nil
}

// prefixError formats errors as "name: message".
func prefixError(name, format string, args ...any) error {
	return fmt.Errorf("%s: "+format, append([]any{name}, args...)...)
}

// readHeader reads the magic, version, header length and header dictionary
// from r and returns the parsed header, its dtype and the data offset.
// Every read is bounded by MaxHeaderLen; errors name the file and offset.
func readHeader(name string, r io.Reader) (Header, DType, int64, error) {
	var pre [12]byte
	if n, err := io.ReadFull(r, pre[:8]); err != nil {
		if !isEOF(err) {
			return Header{}, DType{}, 0, prefixError(name, "reading byte %d: %v", n, err)
		}
		if !strings.HasPrefix(magic, string(pre[:min(n, len(magic))])) {
			return Header{}, DType{}, 0, prefixError(name, "not a .npy file: bad magic at byte 0")
		}
		return Header{}, DType{}, 0, prefixError(name, "truncated: file ends at byte %d inside the 8-byte magic and version", n)
	}
	if string(pre[:6]) != magic {
		return Header{}, DType{}, 0, prefixError(name, "not a .npy file: bad magic %q at byte 0", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen uint64
	var off int64
	switch {
	case major == 1 && minor == 0:
		if n, err := io.ReadFull(r, pre[8:10]); err != nil {
			if !isEOF(err) {
				return Header{}, DType{}, 0, prefixError(name, "reading byte %d: %v", 8+n, err)
			}
			return Header{}, DType{}, 0, prefixError(name, "truncated: file ends at byte %d inside the header length", 8+n)
		}
		hlen, off = uint64(binary.LittleEndian.Uint16(pre[8:10])), 10
	case (major == 2 || major == 3) && minor == 0:
		if n, err := io.ReadFull(r, pre[8:12]); err != nil {
			if !isEOF(err) {
				return Header{}, DType{}, 0, prefixError(name, "reading byte %d: %v", 8+n, err)
			}
			return Header{}, DType{}, 0, prefixError(name, "truncated: file ends at byte %d inside the header length", 8+n)
		}
		hlen, off = uint64(binary.LittleEndian.Uint32(pre[8:12])), 12
	default:
		return Header{}, DType{}, 0, prefixError(name, "unsupported .npy format version %d.%d at byte 6", major, minor)
	}
	if hlen > MaxHeaderLen {
		return Header{}, DType{}, 0, prefixError(name, "header length %d at byte 8 exceeds limit %d", hlen, MaxHeaderLen)
	}
	// Read through a LimitedReader so a short stream never forces the full
	// allocation: the buffer grows only as bytes actually arrive.
	text, err := io.ReadAll(io.LimitReader(r, int64(hlen)))
	if err != nil {
		return Header{}, DType{}, 0, prefixError(name, "reading header at byte %d: %v", off, err)
	}
	if uint64(len(text)) != hlen {
		return Header{}, DType{}, 0, prefixError(name, "truncated: header length (byte 8) says %d bytes, only %d follow", hlen, len(text))
	}
	h, err := parseHeader(text, major == 3)
	if err != nil {
		var pe *parseError
		if errors.As(err, &pe) {
			return Header{}, DType{}, 0, prefixError(name, "header byte %d: %s", off+int64(pe.pos), pe.msg)
		}
		return Header{}, DType{}, 0, prefixError(name, "header: %v", err)
	}
	dt, err := ParseDescr(h.Descr)
	if err != nil {
		return Header{}, DType{}, 0, prefixError(name, "header field 'descr': %v", err)
	}
	if err := h.checkLayout(); err != nil {
		return Header{}, DType{}, 0, prefixError(name, "header field 'fortran_order': %v", err)
	}
	if _, err := h.dataSize(dt); err != nil {
		return Header{}, DType{}, 0, prefixError(name, "header field 'shape': %v", err)
	}
	return h, dt, off + int64(hlen), nil
}

// isEOF reports whether err marks the end of the input.
func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// parseError is a header syntax error at a byte position within the header.
type parseError struct {
	pos int
	msg string
}

func (e *parseError) Error() string { return fmt.Sprintf("byte %d: %s", e.pos, e.msg) }

// headerParser is a minimal parser for the Python dict literal NumPy writes:
// string keys; string, bool and int-tuple values. Anything else (lists as
// for structured dtypes, nested dicts, expressions) is rejected.
type headerParser struct {
	s   []byte
	pos int
}

func (p *headerParser) fail(format string, args ...any) error {
	return &parseError{pos: p.pos, msg: fmt.Sprintf(format, args...)}
}

// skipSpace skips the whitespace Python allows between tokens.
func (p *headerParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r', '\f', '\v':
			p.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (p *headerParser) peek() byte {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return 0
	}
	return p.s[p.pos]
}

func (p *headerParser) expect(c byte) error {
	if got := p.peek(); got != c {
		if got == 0 {
			return p.fail("expected %q, found end of header", c)
		}
		return p.fail("expected %q, found %q", c, got)
	}
	p.pos++
	return nil
}

// str parses a quoted string without escapes (descriptors never need them).
func (p *headerParser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", p.fail("expected a quoted string")
	}
	start := p.pos + 1
	for i := start; i < len(p.s); i++ {
		switch p.s[i] {
		case q:
			p.pos = i + 1
			return string(p.s[start:i]), nil
		case '\n':
			return "", p.fail("unterminated string") // reported at the opening quote
		case '\\':
			p.pos = i
			return "", p.fail("backslash escapes are not supported")
		}
	}
	return "", p.fail("unterminated string")
}

// word parses an identifier such as True or False.
func (p *headerParser) word() string {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			p.pos++
			continue
		}
		break
	}
	return string(p.s[start:p.pos])
}

// integer parses a non-negative decimal int, allowing the Python 2 'L'
// suffix that NumPy still filters out of version 1.0/2.0 headers.
func (p *headerParser) integer(allowL bool) (int, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
		p.pos++
	}
	if p.pos == start {
		if p.pos < len(p.s) && p.s[p.pos] == '-' {
			return 0, p.fail("negative dimension")
		}
		return 0, p.fail("expected a dimension")
	}
	digits := string(p.s[start:p.pos])
	v, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || v > math.MaxInt {
		p.pos = start
		return 0, p.fail("dimension %.30s is too large", digits)
	}
	if allowL && p.pos < len(p.s) && p.s[p.pos] == 'L' {
		p.pos++
	}
	return int(v), nil
}

// shape parses "()", "(n,)" or "(n, m, ...)" with optional trailing comma.
func (p *headerParser) shape(allowL bool) ([]int, error) {
	if p.peek() == '[' {
		return nil, p.fail("field 'shape' must be a tuple, not a list")
	}
	if err := p.expect('('); err != nil {
		return nil, err
	}
	shape := []int{}
	if p.peek() == ')' {
		p.pos++
		return shape, nil
	}
	for {
		if len(shape) >= MaxDims {
			return nil, p.fail("field 'shape' has more than %d dimensions", MaxDims)
		}
		d, err := p.integer(allowL)
		if err != nil {
			return nil, err
		}
		shape = append(shape, d)
		switch p.peek() {
		case ',':
			p.pos++
			if p.peek() == ')' {
				p.pos++
				return shape, nil
			}
		case ')':
			if len(shape) == 1 {
				// "(5)" is just the int 5 in Python, not a tuple.
				return nil, p.fail("field 'shape': a 1-d shape must be written (n,)")
			}
			p.pos++
			return shape, nil
		default:
			return nil, p.fail("expected ',' or ')' in field 'shape'")
		}
	}
}

// parseHeader parses the header dictionary text. All three keys are required
// exactly once; anything after the closing brace must be whitespace.
func parseHeader(text []byte, utf8Header bool) (Header, error) {
	p := &headerParser{s: text}
	var h Header
	var seenDescr, seenOrder, seenShape bool
	if err := p.expect('{'); err != nil {
		return h, err
	}
	for {
		if p.peek() == '}' {
			p.pos++
			break
		}
		keyPos := p.pos
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if err := p.expect(':'); err != nil {
			return h, err
		}
		dup := false
		switch key {
		case "descr":
			dup, seenDescr = seenDescr, true
			if c := p.peek(); c == '[' || c == '(' || c == '{' {
				return h, p.fail("structured dtypes are not supported")
			}
			valPos := p.pos
			if h.Descr, err = p.str(); err != nil {
				return h, err
			}
			if _, err := ParseDescr(h.Descr); err != nil {
				p.pos = valPos
				return h, p.fail("field 'descr': %v", err)
			}
		case "fortran_order":
			dup, seenOrder = seenOrder, true
			valPos := p.pos
			switch w := p.word(); w {
			case "True":
				h.FortranOrder = true
			case "False":
				h.FortranOrder = false
			default:
				p.pos = valPos
				return h, p.fail("field 'fortran_order' must be True or False")
			}
		case "shape":
			dup, seenShape = seenShape, true
			if h.Shape, err = p.shape(!utf8Header); err != nil {
				return h, err
			}
		default:
			p.pos = keyPos
			return h, p.fail("unexpected key %.40q", key)
		}
		if dup {
			p.pos = keyPos
			return h, p.fail("duplicate key %q", key)
		}
		if p.peek() == ',' {
			p.pos++
			continue
		}
		if err := p.expect('}'); err != nil {
			return h, err
		}
		break
	}
	p.skipSpace()
	if p.pos != len(p.s) {
		return h, p.fail("unexpected text after header dict")
	}
	var missing []string
	if !seenDescr {
		missing = append(missing, "'descr'")
	}
	if !seenOrder {
		missing = append(missing, "'fortran_order'")
	}
	if !seenShape {
		missing = append(missing, "'shape'")
	}
	if len(missing) > 0 {
		return h, p.fail("missing key %s", strings.Join(missing, ", "))
	}
	return h, nil
}
