package npy

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// allocSlack is the allowed allocation beyond a small multiple of the input
// size: headers are copied once, data at most once more, and a stream of
// unknown length starts with a readStart (64 KiB) buffer.
const allocSlack = 256 << 10

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// FuzzRead feeds arbitrary bytes to every reading entry point: none may
// panic or allocate more than a few times the input size plus allocSlack,
// and whatever parses must round-trip through the writer.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/numpy/*.npy")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 4096 {
			continue
		}
		f.Add(b)
		f.Add(b[:len(b)-1])                      // truncated data
		f.Add(b[:len(b)/2])                      // truncated header
		f.Add(append(append([]byte{}, b...), 0)) // trailing byte
		c := append([]byte{}, b...)
		binary.LittleEndian.PutUint16(c[8:], 0xffff) // header length past EOF
		f.Add(c)
	}
	for _, h := range []string{
		hdr("|u1", "False", "(1000000000000,)"),
		hdr("<i8", "False", "(4611686018427387904,)"),
		hdr("<i4", "True", "(2, 3)"),
		hdr("|O", "False", "(1,)"),
		"{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,)}",
		"{'shape': (2L,), 'descr': '>u2', 'fortran_order': False}",
	} {
		f.Add(npyFile(1, h, make([]byte, 16)))
		f.Add(npyFile(3, h, make([]byte, 4)))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		bound := 3*uint64(len(in)) + allocSlack
		check := func(what string, n uint64) {
			if n > bound {
				t.Fatalf("%s allocated %d bytes for %d bytes of input", what, n, len(in))
			}
		}
		var a *Array
		var err error
		check("ReadBytes", allocated(func() { a, err = ReadBytes("f", in) }))
		check("Read", allocated(func() { _, _ = Read("f", bytes.NewReader(in), int64(len(in))) }))
		check("Read(plain)", allocated(func() { _, _ = Read("f", plainReader{bytes.NewReader(in)}, 1<<40) }))
		var rr *RowReader
		check("NewRowReader", allocated(func() { rr, _ = NewRowReader("f", bytes.NewReader(in), int64(len(in))) }))
		if rr != nil {
			n := 0
			for rr.Next() {
				n++
				_, _ = AppendInts[int32](nil, rr.DType, rr.Row())
			}
			if rr.Err() != nil || n != rr.Rows() {
				t.Fatalf("iterated %d of %d rows: %v", n, rr.Rows(), rr.Err())
			}
			if rr.Rows() > 0 {
				_, _ = rr.Int64Rows(rr.Rows()-1, 1, nil)
			}
		}
		if err != nil {
			return
		}
		if rr == nil && len(a.Header.Shape) > 0 {
			t.Fatal("ReadBytes accepted what NewRowReader rejected")
		}
		_, _ = a.Int32s()
		_, _ = a.Uint8s()
		_, _ = a.Int64s()
		_, _ = a.Float64s()

		// Round trip: rewriting the raw data under the same header must
		// parse back to the same array.
		var buf bytes.Buffer
		w, err := NewWriter(&buf, a.Header.Descr, a.Header.Shape)
		if err != nil {
			t.Fatalf("NewWriter for accepted header %+v: %v", a.Header, err)
		}
		if _, err := w.Write(a.Data); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b, err := ReadBytes("rt", buf.Bytes())
		if err != nil {
			t.Fatalf("re-reading written file: %v", err)
		}
		if b.DType != a.DType || !slices.Equal(b.Header.Shape, a.Header.Shape) || !bytes.Equal(b.Data, a.Data) {
			t.Fatalf("round trip changed the array: %+v vs %+v", a.Header, b.Header)
		}
	})
}
