package checkpoint

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fuzzLimits keep fuzz iterations small; the limits themselves are what is
// being tested.
var fuzzLimits = Limits{MaxPickleBytes: 1 << 20, MaxObjects: 1 << 14, MaxDepth: 32, MaxDims: 8, MaxHeaderBytes: 1 << 20}

// readAll reads every tensor of f in every way the API offers. Reads may
// fail; they must not panic, and what they allocate is bounded by the
// file's size (checked by the allocation guard below).
func readAll(t *testing.T, f *File, budget int64) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	start := ms.TotalAlloc
	for _, tn := range f.Tensors() {
		if tn.DType.IsFloat() {
			tn.Float32()
			if tn.NumRows() > 0 {
				tn.Rows(0, 1)
				tn.Row(tn.NumRows() - 1)
			}
		} else {
			tn.Int64s()
		}
		tn.Bytes()
	}
	runtime.ReadMemStats(&ms)
	if got := int64(ms.TotalAlloc - start); got > budget {
		t.Fatalf("reading the tensors allocated %d bytes, budget %d", got, budget)
	}
}

// pickleSeeds returns the data.pkl records of the PyTorch test files.
func pickleSeeds(f *testing.F) [][]byte {
	var out [][]byte
	for _, name := range []string{"views.pt", "views_proto4.pt", "module.pt", "nested.pt"} {
		zr, err := zip.OpenReader(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		for _, zf := range zr.File {
			if strings.HasSuffix(zf.Name, "/data.pkl") {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				out = append(out, b)
			}
		}
		zr.Close()
	}
	return out
}

// FuzzUnpickle runs the restricted unpickler on arbitrary bytes, with a
// persistent-id resolver that maps any storage id onto a 4 KiB in-memory
// storage, and reads every tensor of a resulting state_dict.
func FuzzUnpickle(f *testing.F) {
	for _, b := range pickleSeeds(f) {
		f.Add(b)
	}
	for _, b := range maliciousPickles() {
		f.Add(b)
	}
	f.Add(stateDictPickle([]fakeTensor{{name: "w", storageType: "HalfStorage", key: "0", numel: 6, offset: 1, shape: []int64{2, 2}, stride: []int64{1, 2}}}))
	mem := make([]byte, 4096)
	for i := range mem {
		mem[i] = byte(i * 7)
	}
	src := &source{name: "fuzz", ra: bytes.NewReader(mem), size: int64(len(mem))}
	f.Fuzz(func(t *testing.T, data []byte) {
		blob := &blob{src: src, name: "mem", size: int64(len(mem))}
		pl := func(pid any) (any, error) {
			tup, ok := pid.(pyTuple)
			if !ok || len(tup) != 5 {
				return nil, kerr(ErrFormat, "bad pid")
			}
			dt, key, numel, err := storageID(tup)
			if err != nil {
				return nil, err
			}
			if n, ok := mulCheck(numel, int64(dt.Size())); !ok || n > blob.size {
				return nil, kerr(ErrLimit, "storage too large")
			}
			return &storage{key: key, dtype: dt, numel: numel, blob: blob}, nil
		}
		v, n, err := unpickle(data, fuzzLimits, pl)
		if err != nil {
			return
		}
		if n > int64(len(data)) {
			t.Fatalf("consumed %d of %d bytes", n, len(data))
		}
		f, err := fromStateDict(src, FormatTorchZip, v, fuzzLimits.withDefaults())
		if err != nil {
			return
		}
		readAll(t, f, 64<<20)
	})
}

// FuzzZipCheckpoint opens arbitrary bytes as a checkpoint (zip, legacy or
// safetensors, by detection) and reads every tensor. With wrap set, data is
// instead used as the data.pkl of a torch.save archive that also holds
// storages "0" to "3" (stored, deflated, big-endian), so that mutations
// reach the storage resolution code rather than breaking the zip.
func FuzzZipCheckpoint(f *testing.F) {
	for _, name := range []string{"views.pt", "views_legacy.pt", "views_proto4.pt", "module.pt", "module_legacy.pt", "nested.pt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	mat := []fakeTensor{{name: "w", storageType: "FloatStorage", key: "0", numel: 6, shape: []int64{2, 3}, stride: []int64{3, 1}}}
	f.Add(torchZipBytes("a", []zipRecord{{name: "data.pkl", raw: stateDictPickle(mat), deflate: true}, {name: "data/0", raw: f32bytes(1, 2, 3, 4, 5, 6), deflate: true}}), false)
	f.Add(torchZipBytes("a", []zipRecord{{name: "data.pkl", raw: stateDictPickle(mat)}, {name: "byteorder", raw: []byte("big")}, {name: "data/0", raw: f32bytes(1, 2, 3, 4, 5, 6)}}), false)
	for _, b := range pickleSeeds(f) {
		f.Add(b, true)
	}
	f.Add(stateDictPickle([]fakeTensor{
		{name: "a", storageType: "BFloat16Storage", key: "1", numel: 32, offset: 2, shape: []int64{3, 5}, stride: []int64{1, 3}},
		{name: "b", storageType: "LongStorage", key: "2", numel: 8, shape: []int64{2, 4}, stride: []int64{4, 1}},
		{name: "c", storageType: "HalfStorage", key: "3", numel: 32, shape: []int64{4, 8}, stride: []int64{8, 1}},
	}), true)
	storage := make([]byte, 64)
	for i := range storage {
		storage[i] = byte(i*13 + 1)
	}
	f.Fuzz(func(t *testing.T, data []byte, wrap bool) {
		if wrap {
			data = torchZipBytes("w", []zipRecord{
				{name: "data.pkl", raw: data},
				{name: "data/0", raw: storage},
				{name: "data/1", raw: storage, deflate: true},
				{name: "data/2", raw: storage[:32]},
				{name: "data/3", raw: storage},
				{name: "version", raw: []byte("3\n")},
			})
		}
		cf, err := NewFile(bytes.NewReader(data), int64(len(data)), "fuzz.pt", fuzzLimits)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.pt") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		// Float32 of a view costs at most 4 bytes per storage element plus
		// the storage's bytes; storages are backed by the file (stored) or
		// by at most maxInflateRatio times it (deflated).
		readAll(t, cf, 64<<20+int64(len(data))*maxInflateRatio*16)
	})
}

// FuzzSafetensors opens arbitrary bytes as safetensors, reads every
// tensor, and checks that re-writing an accepted file and reading it back
// gives the same tensors.
func FuzzSafetensors(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.safetensors")
	err := WriteSafetensors(seed, []NamedTensor{
		Float32Tensor("w", []int{2, 2}, []float32{1, 2, 3, 4}),
		{Name: "b", DType: BFloat16, Shape: []int{1}, Data: []byte{0x80, 0x3f}},
		{Name: "i", DType: Int64, Shape: []int{1}, Data: make([]byte, 8)},
	}, map[string]string{"arceval.format": "1"})
	if err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(seed)
	f.Add(b)
	f.Add(rawSafetensors(`{"__metadata__":{"a":"b"},"x":{"dtype":"F16","shape":[],"data_offsets":[0,2]}}`, []byte{0, 0x3c}))
	f.Add(rawSafetensors(`{"x":{"dtype":"BOOL","shape":[0],"data_offsets":[0,0]}}`, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 9 {
			return
		}
		if data[8] != '{' {
			// Stay on the safetensors path; FuzzZipCheckpoint covers
			// format detection.
			data = append([]byte(nil), data...)
			data[8] = '{'
		}
		sf, err := openSafetensors(&source{name: "fuzz.safetensors", ra: bytes.NewReader(data), size: int64(len(data))}, fuzzLimits.withDefaults())
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.safetensors") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		readAll(t, sf, 64<<20+int64(len(data))*16)
		var nts []NamedTensor
		for _, tn := range sf.Tensors() {
			nts = append(nts, FromTensor(tn))
		}
		out := filepath.Join(t.TempDir(), "rt.safetensors")
		if err := WriteSafetensors(out, nts, sf.Metadata()); err != nil {
			t.Fatalf("re-writing an accepted file: %v", err)
		}
		back, err := OpenSafetensors(out)
		if err != nil {
			t.Fatalf("re-reading: %v", err)
		}
		defer back.Close()
		assertSameTensors(t, sf, back)
		if len(sf.Metadata()) != len(back.Metadata()) {
			t.Fatalf("metadata %v became %v", sf.Metadata(), back.Metadata())
		}
	})
}
