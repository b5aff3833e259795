package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Numpy constants from numpy/lib/format.py.
const (
	arrayAlign          = 64 // ARRAY_ALIGN: magic+length+header is padded to this
	growthAxisMaxDigits = 21 // GROWTH_AXIS_MAX_DIGITS: spare room for the growing axis
)

// shapeRepr renders a shape as Python's repr of a tuple: (), (n,), (n, m).
func shapeRepr(shape []int) string {
	switch len(shape) {
	case 0:
		return "()"
	case 1:
		return "(" + strconv.Itoa(shape[0]) + ",)"
	}
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// EncodeHeader returns the complete preamble (magic, version, header length
// and padded header dictionary) that numpy.save writes for h, choosing
// format 1.0 unless the header is too long for it (then 2.0), as NumPy does.
// The descriptor is normalised to NumPy's canonical form (dtype.str), so
// '=i4' becomes '<i4' on little-endian machines and '<u1' becomes '|u1'.
func EncodeHeader(h Header) ([]byte, error) {
	dt, err := ParseDescr(h.Descr)
	if err != nil {
		return nil, err
	}
	if len(h.Shape) > MaxDims {
		return nil, fmt.Errorf("shape has %d dimensions, more than %d", len(h.Shape), MaxDims)
	}
	if _, err := h.dataSize(dt); err != nil {
		return nil, err
	}
	order := "False"
	if h.FortranOrder {
		order = "True"
	}
	// Keys are sorted, each value is Python's repr followed by ", ".
	var sb strings.Builder
	sb.WriteString("{'descr': '" + dt.String() + "', 'fortran_order': " + order +
		", 'shape': " + shapeRepr(h.Shape) + ", }")
	// NumPy >= 1.24 leaves room for the growth axis (first axis in C order,
	// last in Fortran order) to gain digits when appending in place.
	if n := len(h.Shape); n > 0 {
		axis := h.Shape[0]
		if h.FortranOrder {
			axis = h.Shape[n-1]
		}
		sb.WriteString(strings.Repeat(" ", max(0, growthAxisMaxDigits-len(strconv.Itoa(axis)))))
	}
	text := sb.String()
	hlen := len(text) + 1 // the terminating '\n'
	for _, v := range []struct {
		major   byte
		lenSize int
		maxLen  int
	}{{1, 2, math.MaxUint16}, {2, 4, math.MaxUint32}} {
		prefix := len(magic) + 2 + v.lenSize
		// NumPy pads a full ARRAY_ALIGN when already aligned (padlen is never 0).
		pad := arrayAlign - (prefix+hlen)%arrayAlign
		if hlen+pad > v.maxLen {
			continue
		}
		out := make([]byte, 0, prefix+hlen+pad)
		out = append(out, magic...)
		out = append(out, v.major, 0)
		if v.lenSize == 2 {
			out = binary.LittleEndian.AppendUint16(out, uint16(hlen+pad))
		} else {
			out = binary.LittleEndian.AppendUint32(out, uint32(hlen+pad))
		}
		out = append(out, text...)
		out = append(out, strings.Repeat(" ", pad)...)
		return append(out, '\n'), nil
	}
	return nil, errors.New("header too long")
}

// Elem is the set of Go element types the writer accepts; each must match
// the descriptor's kind and size (bool↔b1, int32↔i4, float64↔f8, ...).
type Elem interface {
	bool | int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64 | float32 | float64
}

// elemDType returns the kind and size corresponding to a Go element type.
func elemDType[T Elem]() (kind byte, size int) {
	switch any(*new(T)).(type) {
	case bool:
		return 'b', 1
	case int8:
		return 'i', 1
	case uint8:
		return 'u', 1
	case int16:
		return 'i', 2
	case uint16:
		return 'u', 2
	case int32:
		return 'i', 4
	case uint32:
		return 'u', 4
	case int64:
		return 'i', 8
	case uint64:
		return 'u', 8
	case float32:
		return 'f', 4
	default:
		return 'f', 8
	}
}

// checkElem verifies that Go type T matches dtype dt.
func checkElem[T Elem](dt DType) error {
	kind, size := elemDType[T]()
	if kind != dt.Kind || size != dt.Size {
		return fmt.Errorf("cannot write %T values as %s", *new(T), dt)
	}
	return nil
}

// appendElems encodes vals in dt's byte order and appends them to dst.
func appendElems[T Elem](dst []byte, dt DType, vals []T) []byte {
	bo := dt.appendOrder()
	switch v := any(vals).(type) {
	case []bool:
		for _, x := range v {
			b := byte(0)
			if x {
				b = 1
			}
			dst = append(dst, b)
		}
	case []int8:
		for _, x := range v {
			dst = append(dst, byte(x))
		}
	case []uint8:
		dst = append(dst, v...)
	case []int16:
		for _, x := range v {
			dst = bo.AppendUint16(dst, uint16(x))
		}
	case []uint16:
		for _, x := range v {
			dst = bo.AppendUint16(dst, x)
		}
	case []int32:
		for _, x := range v {
			dst = bo.AppendUint32(dst, uint32(x))
		}
	case []uint32:
		for _, x := range v {
			dst = bo.AppendUint32(dst, x)
		}
	case []int64:
		for _, x := range v {
			dst = bo.AppendUint64(dst, uint64(x))
		}
	case []uint64:
		for _, x := range v {
			dst = bo.AppendUint64(dst, x)
		}
	case []float32:
		for _, x := range v {
			dst = bo.AppendUint32(dst, math.Float32bits(x))
		}
	case []float64:
		for _, x := range v {
			dst = bo.AppendUint64(dst, math.Float64bits(x))
		}
	}
	return dst
}

// Write writes data as a C-ordered .npy file with the given descriptor and
// shape, byte-identical to numpy.save. len(data) must equal the product of
// shape and T must match descr (e.g. []int32 with '<i4' or '>i4').
func Write[T Elem](w io.Writer, descr string, shape []int, data []T) error {
	nw, err := NewWriter(w, descr, shape)
	if err != nil {
		return err
	}
	if len(data) != nw.total/nw.dt.Size {
		return fmt.Errorf("npy: shape %s needs %d elements, got %d", shapeRepr(shape), nw.total/nw.dt.Size, len(data))
	}
	if err := WriteValues(nw, data); err != nil {
		return err
	}
	return nw.Close()
}

// Writer streams a .npy file: NewWriter writes the header, then the data is
// supplied in any number of Write or WriteValues calls (typically one row
// each), and Close checks that exactly the declared amount was written.
// Writer does not buffer and does not close the underlying writer.
type Writer struct {
	w       io.Writer
	dt      DType
	shape   []int
	total   int // declared data bytes
	written int // data bytes accepted so far
	err     error
	buf     []byte
}

// NewWriter validates descr and shape and writes the numpy.save header to w.
func NewWriter(w io.Writer, descr string, shape []int) (*Writer, error) {
	h := Header{Descr: descr, Shape: shape}
	hdr, err := EncodeHeader(h)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	dt, _ := ParseDescr(descr)
	total, _ := h.dataSize(dt)
	if _, err := w.Write(hdr); err != nil {
		return nil, err
	}
	return &Writer{w: w, dt: dt, shape: append([]int(nil), shape...), total: int(total)}, nil
}

// Write writes raw element bytes already encoded in the writer's dtype.
// Writing past the declared size is an error and writes nothing.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if len(p) > w.total-w.written {
		return 0, fmt.Errorf("npy: write of %d bytes exceeds shape %s (%d of %d bytes already written)", len(p), shapeRepr(w.shape), w.written, w.total)
	}
	n, err := w.w.Write(p)
	w.written += n
	if err != nil {
		w.err = err
	}
	return n, err
}

// WriteValues encodes vals in the writer's dtype and writes them. T must
// match the dtype exactly (e.g. uint8 for '|u1').
func WriteValues[T Elem](w *Writer, vals []T) error {
	if err := checkElem[T](w.dt); err != nil {
		return fmt.Errorf("npy: %w", err)
	}
	if b, ok := any(vals).([]uint8); ok {
		_, err := w.Write(b)
		return err
	}
	const chunk = 64 << 10
	for len(vals) > 0 {
		n := min(len(vals), chunk/w.dt.Size)
		w.buf = appendElems(w.buf[:0], w.dt, vals[:n])
		if _, err := w.Write(w.buf); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

// Close reports an error if fewer bytes were written than the shape
// declares (or an earlier write failed). It does not close the underlying
// writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.written != w.total {
		return fmt.Errorf("npy: shape %s declares %d data bytes but %d were written", shapeRepr(w.shape), w.total, w.written)
	}
	return nil
}
