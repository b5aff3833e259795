package checkpoint

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestDeflatedEqualsStored reads one table from a stored and a deflated
// archive in every way a caller can (whole tensor, bytes, rows forward,
// backward and repeated, rows straddling the 1 MiB chunk boundary,
// concurrently, and a strided view) and requires equal results: the
// streaming inflater must give the bytes at the asked offset whatever the
// previous read was.
func TestDeflatedEqualsStored(t *testing.T) {
	const rows, cols = 1500, 256 // 1.5 MB: Float32 reads two chunks
	deflated, vals := deflatedTable(rows, cols)
	zr := mustZipRecords(t, deflated)
	stored := torchZipBytes("archive", []zipRecord{{name: "data.pkl", raw: zr["archive/data.pkl"]}, {name: "data/0", raw: zr["archive/data/0"]}})
	open := func(data []byte) *Tensor {
		f, err := openBytes(t, data)
		if err != nil {
			t.Fatal(err)
		}
		w, ok := f.Tensor("w")
		if !ok {
			t.Fatal("no tensor w")
		}
		return w
	}
	ws, wd := open(stored), open(deflated)
	if ws.st.blob.inflate != nil || wd.st.blob.inflate == nil {
		t.Fatal("the archives do not have the intended compression")
	}

	for i := 0; i < 2; i++ { // twice: the second read restarts the stream
		got, err := wd.Float32()
		if err != nil || !slices.Equal(got, vals) {
			t.Fatalf("deflated Float32 (pass %d): %v", i, err)
		}
	}
	b1, err1 := ws.Bytes()
	b2, err2 := wd.Bytes()
	if err1 != nil || err2 != nil || !bytes.Equal(b1, b2) {
		t.Fatalf("Bytes differ: %v, %v", err1, err2)
	}
	chunkRow := chunkBytes / 4 / cols // first row of the second chunk
	for _, r := range []struct{ start, count int }{
		{0, 1}, {5, 3}, {5, 3}, {2, 1}, {chunkRow - 1, 2}, {rows - 1, 1}, {0, rows}, {rows / 2, 10}, {1, 0}, {rows - 3, 3}, {0, 1},
	} {
		want, err1 := ws.Rows(r.start, r.count)
		got, err2 := wd.Rows(r.start, r.count)
		if err1 != nil || err2 != nil || !slices.Equal(got, want) || !slices.Equal(want, vals[r.start*cols:(r.start+r.count)*cols]) {
			t.Fatalf("Rows(%d, %d): %v, %v", r.start, r.count, err1, err2)
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for k := range 20 {
				i := (g*131 + k*977) % rows
				got, err := wd.Row(i)
				if err != nil || !slices.Equal(got, vals[i*cols:(i+1)*cols]) {
					errs <- errors.Join(err, errors.New("concurrent Row differs"))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// A column of the table (stride cols) goes through gather.
	col := *wd
	col.Shape, col.Strides, col.Offset = []int{rows}, []int{cols}, 7
	got, err := col.Float32()
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != vals[i*cols+7] {
			t.Fatalf("column[%d] = %v, want %v", i, v, vals[i*cols+7])
		}
	}
}

// TestDeflatedChecksum: reading a whole deflated record checks its CRC-32,
// so a corrupted record is an error rather than wrong weights.
func TestDeflatedChecksum(t *testing.T) {
	data, _ := deflatedTable(4, 8)
	// Change the CRC of data/0 in its central directory entry and data
	// descriptor (Go's zip writer emits both).
	raw := mustZipRecords(t, data)["archive/data/0"]
	var crc [4]byte
	binary.LittleEndian.PutUint32(crc[:], crc32.ChecksumIEEE(raw))
	if n := bytes.Count(data, crc[:]); n != 2 {
		t.Fatalf("CRC occurs %d times, want 2", n)
	}
	bad := bytes.ReplaceAll(data, crc[:], []byte{crc[0] ^ 1, crc[1], crc[2], crc[3]})
	f, err := openBytes(t, bad)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := f.Tensor("w")
	if _, err := w.Float32(); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("Float32 of a corrupted record: %v, want a checksum error", err)
	}
}

// mustZipRecords returns the uncompressed records of a zip archive by name.
func mustZipRecords(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[zf.Name] = b
	}
	return out
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r *bytes.Reader
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestDeflatedReadOnce: converting a deflated tensor of several chunks
// reads its compressed bytes once (not once per 1 MiB chunk, which made
// large tables take quadratic time), and so does reading all rows in order.
func TestDeflatedReadOnce(t *testing.T) {
	const rows, cols = 4096, 256 // 4 MiB: four chunks
	data, vals := deflatedTable(rows, cols)
	src := &countingReaderAt{r: bytes.NewReader(data)}
	f, err := NewFile(src, int64(len(data)), "mem.pt", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := f.Tensor("w")
	// The file holds data.pkl too; data/0 is nearly all of it.
	budget := int64(len(data)) + 64<<10
	src.n.Store(0)
	if got, err := w.Float32(); err != nil || !slices.Equal(got, vals) {
		t.Fatalf("Float32: %v", err)
	}
	if n := src.n.Load(); n > budget {
		t.Errorf("Float32 read %d bytes of a %d-byte file", n, len(data))
	}
	src.n.Store(0)
	for i := 0; i < rows; i += 64 {
		if _, err := w.Rows(i, 64); err != nil {
			t.Fatal(err)
		}
	}
	if n := src.n.Load(); n > budget {
		t.Errorf("reading the rows in order read %d bytes of a %d-byte file", n, len(data))
	}
}
