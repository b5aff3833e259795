package npy

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestWriterRows streams rows through NewWriter and checks the result equals
// the one-shot Write and reads back.
func TestWriterRows(t *testing.T) {
	const rows, cols = 5, 7
	all := make([]int64, 0, rows*cols)
	var streamed bytes.Buffer
	w, err := NewWriter(&streamed, "<i8", []int{rows, cols})
	if err != nil {
		t.Fatal(err)
	}
	for r := range rows {
		row := make([]int64, cols)
		for c := range row {
			row[c] = int64(r*1000 - c)
		}
		all = append(all, row...)
		if err := WriteValues(w, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var oneShot bytes.Buffer
	if err := Write(&oneShot, "<i8", []int{rows, cols}, all); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(streamed.Bytes(), oneShot.Bytes()) {
		t.Fatal("streamed and one-shot outputs differ")
	}
	a, err := ReadBytes("rt.npy", streamed.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Int64s()
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		if got[i] != all[i] {
			t.Fatalf("element %d = %d, want %d", i, got[i], all[i])
		}
	}
}

// TestWriterErrors covers the writer's validation.
func TestWriterErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "<i4", []int{2, 2}, []int32{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "needs 4 elements, got 3") {
		t.Errorf("short data: %v", err)
	}
	if err := Write(&buf, "<i8", []int{1}, []int32{1}); err == nil || !strings.Contains(err.Error(), "cannot write int32 values as <i8") {
		t.Errorf("type mismatch: %v", err)
	}
	if err := Write(&buf, "|O", []int{1}, []uint8{1}); err == nil || !strings.Contains(err.Error(), "unsupported dtype") {
		t.Errorf("bad descr: %v", err)
	}
	if err := Write(&buf, "|u1", []int{-1}, []uint8{}); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("negative dim: %v", err)
	}
	if err := Write(&buf, "<i8", []int{1 << 62, 4}, []int64{}); err == nil || !strings.Contains(err.Error(), "overflows") {
		t.Errorf("overflow: %v", err)
	}

	buf.Reset()
	w, err := NewWriter(&buf, "|u1", []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "declares 6 data bytes but 3 were written") {
		t.Errorf("short Close: %v", err)
	}
	if n, err := w.Write([]byte{4, 5, 6, 7}); n != 0 || err == nil || !strings.Contains(err.Error(), "exceeds shape (2, 3)") {
		t.Errorf("overlong write: %d %v", n, err)
	}
	if err := WriteValues(w, []int32{1}); err == nil {
		t.Error("WriteValues type mismatch: no error")
	}
	if err := WriteValues(w, []uint8{4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	fw := &failWriter{after: 1}
	w, err = NewWriter(fw, "|u1", []int{4})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte{1, 2}); !errors.Is(err, errBoom) {
		t.Fatalf("write error: %v", err)
	}
	if err := w.Close(); !errors.Is(err, errBoom) {
		t.Errorf("Close after write error: %v", err)
	}
}

var errBoom = errors.New("boom")

// failWriter fails every write after the first `after` writes.
type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after == 0 {
		return 0, errBoom
	}
	f.after--
	return len(p), nil
}

// TestDescrNormalised checks that non-canonical descriptors are written the
// way numpy writes them (dtype.str).
func TestDescrNormalised(t *testing.T) {
	native := "<"
	if nativeBig {
		native = ">"
	}
	for in, want := range map[string]string{"<u1": "|u1", ">i1": "|i1", "=i4": native + "i4", "|i8": native + "i8", "=b1": "|b1", ">f8": ">f8"} {
		h, err := EncodeHeader(Header{Descr: in, Shape: []int{1}})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(h, []byte("{'descr': '"+want+"',")) {
			t.Errorf("%s: header %q, want descr %s", in, h, want)
		}
	}
}

// TestLargeWriteValues crosses WriteValues' internal chunk size.
func TestLargeWriteValues(t *testing.T) {
	vals := make([]int32, 100_000)
	for i := range vals {
		vals[i] = int32(i * 7)
	}
	var buf bytes.Buffer
	if err := Write(&buf, ">i4", []int{len(vals)}, vals); err != nil {
		t.Fatal(err)
	}
	a, err := ReadBytes("big", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Int32s()
	if err != nil {
		t.Fatal(err)
	}
	for i := range vals {
		if got[i] != vals[i] {
			t.Fatalf("element %d", i)
		}
	}
}
