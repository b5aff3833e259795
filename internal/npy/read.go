// Package npy reads and writes NumPy .npy files.
//
// The reader is meant for untrusted input: malformed bytes produce an error
// naming the file and the offending header field or byte offset, never a
// panic, and no allocation is made from a declared size before that size has
// been checked against the actual file size or a caller-supplied limit.
// It accepts format versions 1.0, 2.0 and 3.0 and simple bool, integer and
// float dtypes in either byte order. Structured and object dtypes are
// rejected, as are Fortran-ordered arrays unless their layout coincides with
// C order (at most one dimension larger than 1).
//
// The writer reproduces numpy.save (NumPy >= 1.24) byte for byte, so files
// written here hash identically to files written by the Python builders.
//
// Reading: Open, ReadBytes and Read load a whole array; Array.Uint8s,
// Int32s, Int64s and Float64s convert it with range checks. OpenRows and
// NewRowReader read rows of arrays too large to load (e.g. 3.6M x 900).
// Writing: Write for in-memory slices; NewWriter, then Writer.Write or
// WriteValues per row, then Close, to stream.
package npy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"arceval/internal/userfile"
)

// Array is a fully loaded .npy array. Data holds the elements exactly as
// stored in the file (C order, byte order given by DType).
type Array struct {
	Name   string // file name used in error messages
	Header Header
	DType  DType
	Data   []byte
}

// Open reads the whole .npy file at path. The data size declared by the
// header must equal the bytes remaining in the file exactly.
func Open(path string) (*Array, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	h, dt, off, err := readHeader(path, f)
	if err != nil {
		return nil, err
	}
	if err := checkFileSize(path, h, dt, off, fi.Size()); err != nil {
		return nil, err
	}
	need, _ := h.dataSize(dt)
	data := make([]byte, need)
	if n, err := io.ReadFull(f, data); err != nil {
		return nil, prefixError(path, "reading data at byte %d: %v", off+int64(n), err)
	}
	return &Array{Name: path, Header: h, DType: dt, Data: data}, nil
}

// checkFileSize verifies that the data declared by h fills the file of
// the given size exactly, starting at byte off.
func checkFileSize(name string, h Header, dt DType, off, size int64) error {
	need, err := h.dataSize(dt)
	if err != nil {
		return prefixError(name, "header field 'shape': %v", err)
	}
	have := size - off
	switch {
	case have < need:
		return prefixError(name, "truncated: header says %d bytes of data, file has %d", need, max(have, 0))
	case have > need:
		return prefixError(name, "header says %d bytes of data, file has %d (%d trailing bytes at byte %d)", need, have, have-need, off+need)
	}
	return nil
}

// Read reads one array from r, consuming exactly its header and data and
// nothing after it. name is used in error messages. Arrays with more than
// limit data bytes are rejected before allocation; if r reports its
// remaining length (bytes.Reader, strings.Reader, bytes.Buffer) a short
// input is rejected up front, and otherwise memory grows only as data
// actually arrives.
func Read(name string, r io.Reader, limit int64) (*Array, error) {
	h, dt, off, err := readHeader(name, r)
	if err != nil {
		return nil, err
	}
	need, _ := h.dataSize(dt)
	if need > limit {
		return nil, prefixError(name, "header says %d bytes of data, exceeding the limit of %d", need, limit)
	}
	if lr, ok := r.(interface{ Len() int }); ok {
		if have := int64(lr.Len()); have < need {
			return nil, prefixError(name, "truncated: header says %d bytes of data, input has %d", need, have)
		}
	}
	data, err := readGrowing(r, int(need))
	if err != nil {
		if isEOF(err) {
			return nil, prefixError(name, "truncated: header says %d bytes of data, input has %d", need, len(data))
		}
		return nil, prefixError(name, "reading data at byte %d: %v", off+int64(len(data)), err)
	}
	return &Array{Name: name, Header: h, DType: dt, Data: data}, nil
}

// ReadBytes parses a complete .npy file held in memory; like Open it
// requires the declared data to fill the input exactly. The returned
// Array's Data aliases b (no copy).
func ReadBytes(name string, b []byte) (*Array, error) {
	h, dt, off, err := readHeader(name, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if err := checkFileSize(name, h, dt, off, int64(len(b))); err != nil {
		return nil, err
	}
	return &Array{Name: name, Header: h, DType: dt, Data: b[off:len(b):len(b)]}, nil
}

// Buffer sizes: readStart is the first allocation when the input length is
// unknown (it then doubles), readChunk the batch size of RowReader.Next.
const (
	readStart = 64 << 10
	readChunk = 1 << 20
)

// readGrowing reads exactly n bytes, doubling its buffer as data arrives so
// that a lying header cannot force a large allocation on a short stream.
func readGrowing(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, 0, min(n, readStart))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(nb, buf)
			buf = nb
		}
		m, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// Len returns the number of elements.
func (a *Array) Len() int { return len(a.Data) / a.DType.Size }

// Uint8s returns the elements as uint8, failing on values outside 0..255.
func (a *Array) Uint8s() ([]uint8, error) { return arrayInts[uint8](a) }

// Int32s returns the elements as int32, failing on values outside int32
// (for example int64 or uint32 data that does not fit).
func (a *Array) Int32s() ([]int32, error) { return arrayInts[int32](a) }

// Int64s returns the elements as int64, failing on uint64 values above
// math.MaxInt64.
func (a *Array) Int64s() ([]int64, error) { return arrayInts[int64](a) }

// Float64s returns the elements as float64 (integers above 2^53 round).
func (a *Array) Float64s() ([]float64, error) {
	out, err := AppendFloats(nil, a.DType, a.Data)
	if err != nil {
		return nil, prefixError(a.Name, "%v", err)
	}
	return out, nil
}

// arrayInts converts the whole array, naming the offending element.
func arrayInts[T Integer](a *Array) ([]T, error) {
	out, err := AppendInts[T](nil, a.DType, a.Data)
	if err != nil {
		return nil, wrapRange(a.Name, a.Header.Shape, 0, err)
	}
	return out, nil
}

// wrapRange adds the file name and the element's position in the array
// (flat index base plus the RangeError's index) to a conversion error.
func wrapRange(name string, shape []int, base int64, err error) error {
	var re *RangeError
	if !errors.As(err, &re) {
		return prefixError(name, "%v", err)
	}
	flat := base + re.Index
	return prefixError(name, "element %d%s: value %s out of %s range", flat, unravel(shape, flat), re.Value, re.Type)
}

// unravel formats a flat C-order index as " [i, j, ...]" for arrays of two
// or more dimensions, and as "" otherwise.
func unravel(shape []int, flat int64) string {
	if len(shape) < 2 {
		return ""
	}
	idx := make([]string, len(shape))
	for i := len(shape) - 1; i >= 0; i-- {
		d := int64(shape[i])
		if d == 0 {
			return ""
		}
		idx[i] = strconv.FormatInt(flat%d, 10)
		flat /= d
	}
	return " [" + strings.Join(idx, ", ") + "]"
}

// String describes the array, e.g. "x.npy: <i4 (1000,)".
func (a *Array) String() string {
	return fmt.Sprintf("%s: %s %s", a.Name, a.DType, shapeRepr(a.Header.Shape))
}
