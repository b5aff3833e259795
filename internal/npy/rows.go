package npy

import (
	"errors"
	"io"
	"sync"

	"arceval/internal/userfile"
)

// RowReader gives access to the rows (sub-arrays along the first axis) of an
// array through an io.ReaderAt without loading the whole file: a 2-D
// [N, seq_len] dataset yields N rows of seq_len elements, and a 1-D array
// yields one-element rows. Random-access methods (ReadRows, Uint8Rows, ...)
// are safe for concurrent use; sequential iteration (Next, Row) is not.
type RowReader struct {
	Name   string
	Header Header
	DType  DType

	ra       io.ReaderAt
	closer   io.Closer
	off      int64 // byte offset of the data
	rows     int
	rowLen   int // elements per row
	rowBytes int

	// Sequential iteration state.
	buf      []byte
	bufStart int // row index of buf[0]
	bufRows  int
	cur      int // index of the current row, -1 before the first Next
	err      error
}

// OpenRows opens the .npy file at path for row access. The caller must
// Close the returned reader.
func OpenRows(path string) (*RowReader, error) {
	f, err := userfile.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	r, err := NewRowReader(path, f, fi.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = f
	return r, nil
}

// NewRowReader reads the header of the .npy content of the given size in ra
// and checks that the declared data fills it exactly. The array must have at
// least one dimension.
func NewRowReader(name string, ra io.ReaderAt, size int64) (*RowReader, error) {
	h, dt, off, err := readHeader(name, io.NewSectionReader(ra, 0, size))
	if err != nil {
		return nil, err
	}
	if err := checkFileSize(name, h, dt, off, size); err != nil {
		return nil, err
	}
	if len(h.Shape) == 0 {
		return nil, prefixError(name, "header field 'shape': a 0-d array has no rows")
	}
	rowLen, _ := Header{Shape: h.Shape[1:]}.NumElements() // bounded by the total checked above
	return &RowReader{
		Name: name, Header: h, DType: dt,
		ra: ra, off: off,
		rows: h.Shape[0], rowLen: rowLen, rowBytes: rowLen * dt.Size,
		cur: -1,
	}, nil
}

// Rows returns the number of rows (the first dimension).
func (r *RowReader) Rows() int { return r.rows }

// RowLen returns the number of elements per row.
func (r *RowReader) RowLen() int { return r.rowLen }

// RowBytes returns the number of data bytes per row.
func (r *RowReader) RowBytes() int { return r.rowBytes }

// Close closes the file opened by OpenRows; it is a no-op otherwise.
func (r *RowReader) Close() error {
	if r.closer == nil {
		return nil
	}
	c := r.closer
	r.closer = nil
	return c.Close()
}

// ReadRows reads rows [start, start+count) as raw bytes in the file's byte
// order, appending them to buf.
func (r *RowReader) ReadRows(start, count int, buf []byte) ([]byte, error) {
	if start < 0 || count < 0 || start > r.rows || count > r.rows-start {
		return buf, prefixError(r.Name, "rows [%d, %d+%d) out of range [0, %d)", start, start, count, r.rows)
	}
	n := count * r.rowBytes
	buf = growSlice(buf, n)
	p := buf[len(buf) : len(buf)+n]
	pos := r.off + int64(start)*int64(r.rowBytes)
	m, err := r.ra.ReadAt(p, pos)
	if m == n {
		err = nil // ReadAt may report io.EOF together with a full read
	}
	if err != nil {
		if errors.Is(err, io.EOF) {
			return buf, prefixError(r.Name, "truncated: file ends at byte %d while reading row %d", pos+int64(m), start+m/max(r.rowBytes, 1))
		}
		return buf, prefixError(r.Name, "reading at byte %d: %v", pos+int64(m), err)
	}
	return buf[:len(buf)+n], nil
}

// scratch holds temporary raw-row buffers for the typed accessors.
var scratch = sync.Pool{New: func() any { return new([]byte) }}

// rowInts reads rows [start, start+count) and converts them to T.
func rowInts[T Integer](r *RowReader, start, count int, dst []T) ([]T, error) {
	bp := scratch.Get().(*[]byte)
	defer scratch.Put(bp)
	raw, err := r.ReadRows(start, count, (*bp)[:0])
	*bp = raw
	if err != nil {
		return dst, err
	}
	out, err := AppendInts(dst, r.DType, raw)
	if err != nil {
		return dst, wrapRange(r.Name, r.Header.Shape, int64(start)*int64(r.rowLen), err)
	}
	return out, nil
}

// Uint8Rows appends rows [start, start+count) to dst as uint8.
func (r *RowReader) Uint8Rows(start, count int, dst []uint8) ([]uint8, error) {
	if r.DType.Kind == 'u' && r.DType.Size == 1 {
		return r.ReadRows(start, count, dst) // already the right encoding
	}
	return rowInts(r, start, count, dst)
}

// Int32Rows appends rows [start, start+count) to dst as int32.
func (r *RowReader) Int32Rows(start, count int, dst []int32) ([]int32, error) {
	return rowInts(r, start, count, dst)
}

// Int64Rows appends rows [start, start+count) to dst as int64.
func (r *RowReader) Int64Rows(start, count int, dst []int64) ([]int64, error) {
	return rowInts(r, start, count, dst)
}

// Next advances sequential iteration to the next row, reading about
// readChunk bytes at a time. It returns false at the end or on error (see Err).
func (r *RowReader) Next() bool {
	if r.err != nil || r.cur+1 >= r.rows {
		r.cur = r.rows
		return false
	}
	r.cur++
	if r.cur >= r.bufStart+r.bufRows {
		per := r.rows - r.cur
		if r.rowBytes > 0 {
			per = min(per, max(1, readChunk/r.rowBytes))
		}
		r.buf, r.err = r.ReadRows(r.cur, per, r.buf[:0])
		if r.err != nil {
			return false
		}
		r.bufStart, r.bufRows = r.cur, per
	}
	return true
}

// Row returns the raw bytes of the current row. The slice is only valid
// until the next call to Next.
func (r *RowReader) Row() []byte {
	if r.cur < r.bufStart || r.cur >= r.bufStart+r.bufRows {
		return nil
	}
	i := (r.cur - r.bufStart) * r.rowBytes
	return r.buf[i : i+r.rowBytes : i+r.rowBytes]
}

// Index returns the index of the current row.
func (r *RowReader) Index() int { return r.cur }

// Err returns the first error met by Next.
func (r *RowReader) Err() error { return r.err }
