package checkpoint

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// bigTableValue is the value of element (i, j) of the synthetic table.
func bigTableValue(i, j int) float32 { return float32(i) + float32(j)/256 }

// TestLazyRows writes a 200 MiB puzzle-embedding-like table to a
// torch.save-style archive, then checks that opening it and reading three
// rows allocates almost nothing: rows are read in place from the stored
// zip record.
func TestLazyRows(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 200 MiB")
	}
	const rows, cols = 409600, 128 // 200 MiB of float32
	path := tempPath(t, "step_1")
	ts := []fakeTensor{
		{name: "_orig_mod.model.inner.H_init", storageType: "BFloat16Storage", key: "0", numel: 4, shape: []int64{4}, stride: []int64{1}},
		{name: "_orig_mod.model.inner.puzzle_emb.weights", storageType: "FloatStorage", key: "1", numel: rows * cols, shape: []int64{rows, cols}, stride: rowMajor(rows, cols)},
	}
	writeTorchZip(t, path, "step_1", []zipRecord{
		{name: "data.pkl", raw: stateDictPickle(ts)},
		{name: "data/0", raw: []byte{0x80, 0x3f, 0x00, 0x40, 0x40, 0xc0, 0x80, 0xbf}}, // 1, 2, -3, -1 in bf16 (little-endian)
		{name: "data/1", data: func(w io.Writer) error {
			buf := make([]byte, cols*4*1024)
			for r0 := 0; r0 < rows; r0 += 1024 {
				for r := 0; r < 1024; r++ {
					for j := 0; j < cols; j++ {
						binary.LittleEndian.PutUint32(buf[(r*cols+j)*4:], math.Float32bits(bigTableValue(r0+r, j)))
					}
				}
				if _, err := w.Write(buf); err != nil {
					return err
				}
			}
			return nil
		}},
		{name: "version", raw: []byte("3\n")},
	})
	if fi, err := os.Stat(path); err != nil || fi.Size() < rows*cols*4 {
		t.Fatalf("synthetic checkpoint: %v", err)
	}

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pe, ok := f.Tensor("_orig_mod.model.inner.puzzle_emb.weights")
	if !ok {
		t.Fatal("no puzzle_emb.weights")
	}
	got := map[int][]float32{}
	for _, i := range []int{0, 123457, rows - 1} {
		r, err := pe.Row(i)
		if err != nil {
			t.Fatal(err)
		}
		got[i] = r
	}
	runtime.ReadMemStats(&after)
	allocated := after.TotalAlloc - before.TotalAlloc
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("open + 3 rows: %d KiB allocated in total, heap delta %d KiB", allocated>>10, heap>>10)
	if allocated > 20<<20 || heap > 20<<20 {
		t.Errorf("open + 3 rows allocated %d bytes (heap delta %d), want < 20 MiB", allocated, heap)
	}
	for i, r := range got {
		if len(r) != cols {
			t.Fatalf("row %d has %d values", i, len(r))
		}
		for j, v := range r {
			if v != bigTableValue(i, j) {
				t.Fatalf("row %d[%d] = %v, want %v", i, j, v, bigTableValue(i, j))
			}
		}
	}
	two, err := pe.Rows(rows-2, 2)
	if err != nil || !slices.Equal(two[cols:], got[rows-1]) {
		t.Errorf("Rows(rows-2, 2): %v", err)
	}
	h, _ := f.Tensor("_orig_mod.model.inner.H_init")
	hv, err := h.Float32()
	if err != nil || !slices.Equal(hv, []float32{1, 2, -3, -1}) {
		t.Errorf("H_init = %v, %v", hv, err)
	}
}

func TestZipVariants(t *testing.T) {
	vals := []float32{1.5, -2, 3.25, 4, 5, 6}
	mat := []fakeTensor{{name: "w", storageType: "FloatStorage", key: "0", numel: 6, shape: []int64{2, 3}, stride: []int64{3, 1}}}
	pkl := stateDictPickle(mat)
	be := f32bytes(vals...)
	swapBytes(be, 4)
	tests := []struct {
		name string
		recs []zipRecord
	}{
		{"stored", []zipRecord{{name: "data.pkl", raw: pkl}, {name: "data/0", raw: f32bytes(vals...)}}},
		{"deflated", []zipRecord{{name: "data.pkl", raw: pkl, deflate: true}, {name: "data/0", raw: f32bytes(vals...), deflate: true}}},
		{"big-endian", []zipRecord{{name: "data.pkl", raw: pkl}, {name: "byteorder", raw: []byte("big")}, {name: "data/0", raw: be}}},
		{"little-endian mark", []zipRecord{{name: "data.pkl", raw: pkl}, {name: "byteorder", raw: []byte("little")}, {name: "data/0", raw: f32bytes(vals...)}, {name: ".data/serialization_id", raw: []byte("123")}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := openBytes(t, torchZipBytes("archive", tc.recs))
			if err != nil {
				t.Fatal(err)
			}
			w, _ := f.Tensor("w")
			got, err := w.Float32()
			if err != nil || !slices.Equal(got, vals) {
				t.Fatalf("Float32 = %v, %v", got, err)
			}
			r, err := w.Row(1)
			if err != nil || !slices.Equal(r, vals[3:]) {
				t.Fatalf("Row(1) = %v, %v", r, err)
			}
			b, err := w.Bytes()
			if err != nil || !slices.Equal(b, f32bytes(vals...)) {
				t.Fatalf("Bytes = %v, %v", b, err)
			}
		})
	}
}

func TestZipErrors(t *testing.T) {
	one := func(ft fakeTensor) []byte { return stateDictPickle([]fakeTensor{ft}) }
	ok := fakeTensor{name: "w", storageType: "FloatStorage", key: "0", numel: 6, shape: []int64{2, 3}, stride: []int64{3, 1}}
	with := func(f func(*fakeTensor)) []byte { t := ok; f(&t); return one(t) }
	data := f32bytes(1, 2, 3, 4, 5, 6)
	tests := []struct {
		name string
		recs []zipRecord
		kind error
		want string
	}{
		{"no data.pkl", []zipRecord{{name: "version", raw: []byte("3")}}, ErrFormat, "no record archive/data.pkl"},
		{"torchscript", []zipRecord{{name: "data.pkl", raw: one(ok)}, {name: "constants.pkl", raw: nil}}, ErrFormat, "TorchScript"},
		{"missing storage", []zipRecord{{name: "data.pkl", raw: one(ok)}}, ErrFormat, `storage "0" has no record archive/data/0`},
		{"short storage", []zipRecord{{name: "data.pkl", raw: one(ok)}, {name: "data/0", raw: data[:20]}}, ErrLimit, "declares 6 elements of F32 (24 bytes) but record archive/data/0 has 20 bytes"},
		{"view past end", []zipRecord{{name: "data.pkl", raw: with(func(t *fakeTensor) { t.offset = 1 })}, {name: "data/0", raw: data}}, ErrFormat, "reaches past storage"},
		{"huge shape", []zipRecord{{name: "data.pkl", raw: with(func(t *fakeTensor) { t.shape = []int64{1 << 40, 1 << 40}; t.stride = []int64{0, 0} })}, {name: "data/0", raw: data}}, ErrLimit, "overflows"},
		{"broadcast", []zipRecord{{name: "data.pkl", raw: with(func(t *fakeTensor) { t.shape = []int64{1 << 30}; t.stride = []int64{0} })}, {name: "data/0", raw: data}}, ErrLimit, "more than its storage"},
		{"negative size", []zipRecord{{name: "data.pkl", raw: with(func(t *fakeTensor) { t.shape = []int64{-1, 3} })}, {name: "data/0", raw: data}}, ErrFormat, "negative"},
		{"rank mismatch", []zipRecord{{name: "data.pkl", raw: with(func(t *fakeTensor) { t.stride = []int64{1} })}, {name: "data/0", raw: data}}, ErrFormat, "size has 2 dimensions, stride 1"},
		{"bad storage type", []zipRecord{{name: "data.pkl", raw: with(func(t *fakeTensor) { t.storageType = "TypedStorage" })}, {name: "data/0", raw: data}}, ErrNotAllowed, `"torch.TypedStorage"`},
		{"bad byteorder", []zipRecord{{name: "data.pkl", raw: one(ok)}, {name: "byteorder", raw: []byte("middle")}, {name: "data/0", raw: data}}, ErrFormat, "unknown byte order"},
		{"duplicate flattened name", []zipRecord{{name: "data.pkl", raw: dupPickle(ok)}, {name: "data/0", raw: data}}, ErrFormat, `tensor "a.b": name occurs twice`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openBytes(t, torchZipBytes("archive", tc.recs))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "mem.pt: ") {
				t.Errorf("error %q, want %v containing %q", err, tc.kind, tc.want)
			}
		})
	}
}

func TestNotACheckpoint(t *testing.T) {
	tar := make([]byte, 1024)
	copy(tar[257:], "ustar")
	for name, data := range map[string][]byte{
		"empty": nil, "text": []byte("hello world, not a checkpoint"), "tar": tar,
		"truncated zip": torchZipBytes("a", []zipRecord{{name: "data.pkl", raw: stateDictPickle(nil)}})[:40],
	} {
		if _, err := openBytes(t, data); err == nil || !strings.HasPrefix(err.Error(), "mem.pt") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Open("testdata/does-not-exist"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

// dupPickle is {"a.b": t, "a": {"b": t}}: two entries that flatten to one
// name.
func dupPickle(t fakeTensor) []byte {
	var p pk
	p.proto(2).op(opEmptyDict, opMark).str("a.b").tensor(t).str("a").op(opEmptyDict).str("b").tensor(t).op(opSetItem, opSetItems, opStop)
	return p.Bytes()
}

// TestTruncatedFiles opens every prefix of the PyTorch test files: all but
// the complete file must fail with an error naming the file.
func TestTruncatedFiles(t *testing.T) {
	for _, name := range []string{"views.pt", "views_legacy.pt", "module_legacy.pt"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(data); n++ {
			if _, err := openBytes(t, data[:n]); err == nil {
				t.Fatalf("%s cut to %d of %d bytes opened", name, n, len(data))
			} else if !strings.HasPrefix(err.Error(), "mem.pt") {
				t.Fatalf("%s cut to %d: error %q does not name the file", name, n, err)
			}
		}
		if _, err := openBytes(t, data); err != nil {
			t.Fatal(err)
		}
	}
}

// TestConcurrentReads reads rows of one tensor from many goroutines (run
// with -race).
func TestConcurrentReads(t *testing.T) {
	f, err := Open("testdata/views.pt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	base, _ := f.Tensor("base")
	want, _ := base.Float32()
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 100 {
				r := (g + i) % base.NumRows()
				row, err := base.Row(r)
				if err == nil && !slices.Equal(row, want[r*6:(r+1)*6]) {
					err = errors.New("row mismatch")
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
