package npy

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
)

// newTestRows writes a 2-D array and opens it with NewRowReader.
func newTestRows(t *testing.T, descr string, rows, cols int, vals []int64) *RowReader {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, descr, []int{rows, cols})
	if err != nil {
		t.Fatal(err)
	}
	switch descr {
	case "|u1":
		err = WriteValues(w, convert(vals, func(v int64) uint8 { return uint8(v) }))
	case "<i4":
		err = WriteValues(w, convert(vals, func(v int64) int32 { return int32(v) }))
	default:
		err = WriteValues(w, vals)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := NewRowReader("rows.npy", bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRowReader(t *testing.T) {
	const rows, cols = 1000, 37
	vals := make([]int64, rows*cols)
	for i := range vals {
		vals[i] = int64(i % 251)
	}
	for _, descr := range []string{"|u1", "<i4", ">i8"} {
		t.Run(descr, func(t *testing.T) {
			r := newTestRows(t, descr, rows, cols, vals)
			if r.Rows() != rows || r.RowLen() != cols || r.RowBytes() != cols*r.DType.Size {
				t.Fatalf("Rows %d RowLen %d RowBytes %d", r.Rows(), r.RowLen(), r.RowBytes())
			}
			u8, err := r.Uint8Rows(3, 2, nil)
			if err != nil {
				t.Fatal(err)
			}
			i32, err := r.Int32Rows(999, 1, []int32{-5})
			if err != nil {
				t.Fatal(err)
			}
			i64, err := r.Int64Rows(0, rows, nil)
			if err != nil {
				t.Fatal(err)
			}
			for c := range 2 * cols {
				if int64(u8[c]) != vals[3*cols+c] {
					t.Fatalf("Uint8Rows[%d]", c)
				}
			}
			if len(i32) != cols+1 || i32[0] != -5 || int64(i32[cols]) != vals[rows*cols-1] {
				t.Fatalf("Int32Rows append: %v", i32[:3])
			}
			for i := range vals {
				if i64[i] != vals[i] {
					t.Fatalf("Int64Rows[%d]", i)
				}
			}
			n := 0
			var row []int64
			for r.Next() {
				if r.Index() != n {
					t.Fatalf("Index %d, want %d", r.Index(), n)
				}
				row, err = AppendInts(row[:0], r.DType, r.Row())
				if err != nil {
					t.Fatal(err)
				}
				for c := range cols {
					if row[c] != vals[n*cols+c] {
						t.Fatalf("row %d col %d", n, c)
					}
				}
				n++
			}
			if r.Err() != nil || n != rows {
				t.Fatalf("iterated %d rows, err %v", n, r.Err())
			}
			if r.Next() {
				t.Fatal("Next after end")
			}
			for _, bad := range [][2]int{{-1, 1}, {rows, 1}, {rows - 1, 2}, {0, -1}} {
				if _, err := r.ReadRows(bad[0], bad[1], nil); err == nil || !strings.Contains(err.Error(), "rows.npy: rows") {
					t.Errorf("ReadRows(%d, %d): %v", bad[0], bad[1], err)
				}
			}
		})
	}
}

// TestRowReaderRange checks that typed row accessors name the element.
func TestRowReaderRange(t *testing.T) {
	vals := []int64{0, 1, 2, 3, 300, 5}
	r := newTestRows(t, "<i8", 2, 3, vals)
	_, err := r.Uint8Rows(1, 1, nil)
	if err == nil || err.Error() != "rows.npy: element 4 [1, 1]: value 300 out of uint8 range" {
		t.Fatalf("Uint8Rows: %v", err)
	}
}

// TestRowReaderChunks iterates rows that straddle several read batches,
// concurrently with random access.
func TestRowReaderChunks(t *testing.T) {
	const rows, cols = 5, readChunk/2 + 3
	vals := make([]int64, rows*cols)
	for i := range vals {
		vals[i] = int64(i * 31 % 256)
	}
	r := newTestRows(t, "|u1", rows, cols, vals)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rows {
				row, err := r.Uint8Rows((i+g)%rows, 1, nil)
				if err != nil || int64(row[7]) != vals[((i+g)%rows)*cols+7] {
					t.Errorf("concurrent row %d: %v", i, err)
					return
				}
			}
		}()
	}
	n := 0
	for r.Next() {
		if len(r.Row()) != cols || int64(r.Row()[cols-1]) != vals[n*cols+cols-1] {
			t.Fatalf("row %d", n)
		}
		n++
	}
	wg.Wait()
	if n != rows || r.Err() != nil {
		t.Fatalf("%d rows, %v", n, r.Err())
	}
}

// TestRowReaderShapes covers zero-width rows, 1-D arrays and scalars.
func TestRowReaderShapes(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "<i4", []int{3, 0}, []int32{}); err != nil {
		t.Fatal(err)
	}
	r, err := NewRowReader("e", bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r.Next() {
		if len(r.Row()) != 0 {
			t.Fatal("non-empty row")
		}
		n++
	}
	if n != 3 || r.Err() != nil {
		t.Fatalf("%d rows, %v", n, r.Err())
	}

	buf.Reset()
	Write(&buf, "<i4", []int{4}, []int32{10, 20, 30, 40})
	r, err = NewRowReader("v", bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Int32Rows(1, 2, nil)
	if err != nil || len(got) != 2 || got[0] != 20 || got[1] != 30 {
		t.Fatalf("1-d rows %v %v", got, err)
	}

	buf.Reset()
	Write(&buf, "<i4", nil, []int32{1})
	if _, err := NewRowReader("s", bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil || !strings.Contains(err.Error(), "0-d array has no rows") {
		t.Fatalf("scalar: %v", err)
	}
}

// shrinkingReaderAt simulates a file truncated after NewRowReader checked it.
type shrinkingReaderAt struct {
	b    []byte
	size int
}

func (s *shrinkingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(s.size) {
		return 0, io.EOF
	}
	n := copy(p, s.b[off:s.size])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func TestRowReaderShrunk(t *testing.T) {
	var buf bytes.Buffer
	Write(&buf, "|u1", []int{4, 10}, make([]uint8, 40))
	s := &shrinkingReaderAt{b: buf.Bytes(), size: buf.Len()}
	r, err := NewRowReader("gone.npy", s, int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	s.size -= 15
	if _, err := r.ReadRows(2, 2, nil); err == nil || !strings.Contains(err.Error(), "gone.npy: truncated: file ends at byte") {
		t.Fatalf("ReadRows: %v", err)
	}
	for r.Next() {
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("Next: %v", err)
	}
}
