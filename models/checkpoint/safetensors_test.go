package checkpoint

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rawSafetensors assembles a safetensors file from a header string and data.
func rawSafetensors(header string, data []byte) []byte {
	out := make([]byte, 8, 8+len(header)+len(data))
	binary.LittleEndian.PutUint64(out, uint64(len(header)))
	out = append(out, header...)
	return append(out, data...)
}

func TestSafetensorsRoundTrip(t *testing.T) {
	path := tempPath(t, "m.safetensors")
	i64 := make([]byte, 16)
	binary.LittleEndian.PutUint64(i64, uint64(math.MaxInt64))
	binary.LittleEndian.PutUint64(i64[8:], uint64(1<<63)) // MinInt64
	bf := []byte{0x80, 0x3f, 0xc0, 0xbf}                  // 1, -1.5
	f16 := []byte{0x00, 0x3c, 0x01, 0x00, 0x00, 0x7c}     // 1, 2^-24, +Inf
	in := []NamedTensor{
		Float32Tensor("b.weight", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}),
		{Name: "a.bias", DType: BFloat16, Shape: []int{2}, Data: bf},
		{Name: "half", DType: Float16, Shape: []int{3}, Data: f16},
		{Name: "ids", DType: Int64, Shape: []int{2}, Data: i64},
		{Name: "mask", DType: Bool, Shape: []int{1, 2}, Data: []byte{1, 0}},
		{Name: "scalar", DType: Float64, Shape: []int{}, Data: binary.LittleEndian.AppendUint64(nil, math.Float64bits(0.1))},
		{Name: "empty", DType: Float32, Shape: []int{0, 4}, Data: []byte{}},
	}
	meta := map[string]string{"note": "héllo \"quoted\" <tag>", "step": "7"}
	if err := WriteSafetensors(path, in, meta); err != nil {
		t.Fatal(err)
	}
	f, err := OpenSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	for _, nt := range in {
		names = append(names, nt.Name)
	}
	if !slices.Equal(f.Keys(), names) {
		t.Errorf("keys %v, want %v (write order)", f.Keys(), names)
	}
	if m := f.Metadata(); len(m) != 2 || m["note"] != meta["note"] || m["step"] != "7" {
		t.Errorf("metadata %v", m)
	}
	check := func(name string, want []float32) {
		t.Helper()
		tn, _ := f.Tensor(name)
		got, err := tn.Float32()
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%s = %v, %v; want %v", name, got, err, want)
		}
	}
	check("b.weight", []float32{1, 2, 3, 4, 5, 6})
	check("a.bias", []float32{1, -1.5})
	check("half", []float32{1, float32(math.Ldexp(1, -24)), float32(math.Inf(1))})
	check("scalar", []float32{0.1})
	check("empty", []float32{})
	ids, _ := f.Tensor("ids")
	if v, err := ids.Int64s(); err != nil || !slices.Equal(v, []int64{math.MaxInt64, math.MinInt64}) {
		t.Errorf("ids = %v, %v", v, err)
	}
	mask, _ := f.Tensor("mask")
	if v, err := mask.Int64s(); err != nil || !slices.Equal(v, []int64{1, 0}) || !slices.Equal(mask.Strides, []int{2, 1}) {
		t.Errorf("mask = %v, %v, strides %v", v, err, mask.Strides)
	}
	w, _ := f.Tensor("b.weight")
	if r, err := w.Row(1); err != nil || !slices.Equal(r, []float32{4, 5, 6}) {
		t.Errorf("Row(1) = %v, %v", r, err)
	}
	// The data section starts 8-byte aligned, and the header is what the
	// reference writer would accept.
	raw, _ := os.ReadFile(path)
	if n := binary.LittleEndian.Uint64(raw); (8+n)%8 != 0 {
		t.Errorf("header length %d leaves data unaligned", n)
	}

	// Re-write from the opened file (Source copies) and compare.
	var copies []NamedTensor
	for _, tn := range f.Tensors() {
		copies = append(copies, FromTensor(tn))
	}
	path2 := tempPath(t, "copy.safetensors")
	if err := WriteSafetensors(path2, copies, f.Metadata()); err != nil {
		t.Fatal(err)
	}
	raw2, _ := os.ReadFile(path2)
	if !slices.Equal(raw, raw2) {
		t.Error("copying a safetensors file through FromTensor changed its bytes")
	}
}

// TestTorchToSafetensors converts the PyTorch test checkpoints (views,
// legacy, shared storages) to safetensors and compares every tensor.
func TestTorchToSafetensors(t *testing.T) {
	for _, name := range []string{"views.pt", "views_legacy.pt", "module.pt", "nested.pt"} {
		t.Run(name, func(t *testing.T) {
			f, err := Open(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var nts []NamedTensor
			for _, tn := range f.Tensors() {
				nts = append(nts, FromTensor(tn))
			}
			out := tempPath(t, "out.safetensors")
			if err := WriteSafetensors(out, nts, nil); err != nil {
				t.Fatal(err)
			}
			g, err := Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			if g.Format != FormatSafetensors || g.Metadata() != nil {
				t.Errorf("format %v metadata %v", g.Format, g.Metadata())
			}
			assertSameTensors(t, f, g)
		})
	}
}

func TestSafetensorsErrors(t *testing.T) {
	d24 := make([]byte, 24)
	tests := []struct {
		name   string
		header string
		data   []byte
		kind   error
		want   string
	}{
		{"not an object", `[1]`, nil, ErrFormat, "not a PyTorch"},
		{"bad json", `{"a":`, nil, ErrFormat, "header"},
		{"unknown dtype", `{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 1), ErrFormat, `unknown dtype "F8"`},
		{"size mismatch", `{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}}`, make([]byte, 20), ErrFormat, "give 20 bytes, dtype F32 and shape [2 3] need 24"},
		{"past end", `{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}`, make([]byte, 20), ErrFormat, "cover 24 data bytes, the file holds 20"},
		{"trailing data", `{"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}`, make([]byte, 28), ErrFormat, "cover 24 data bytes, the file holds 28"},
		{"overlap", `{"a":{"dtype":"F32","shape":[6],"data_offsets":[0,24]},"b":{"dtype":"F32","shape":[1],"data_offsets":[20,24]}}`, d24, ErrFormat, "overlaps"},
		{"gap", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[20,24]}}`, d24, ErrFormat, "gap"},
		{"reversed", `{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, nil, ErrFormat, "not a range"},
		{"negative shape", `{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, nil, ErrFormat, "negative"},
		{"overflow shape", `{"a":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,0]}}`, nil, ErrFormat, "overflows"},
		{"missing field", `{"a":{"dtype":"F32","shape":[1]}}`, nil, ErrFormat, "needs dtype, shape and data_offsets"},
		{"null field", `{"a":{"dtype":"F32","shape":null,"data_offsets":[0,4]}}`, make([]byte, 4), ErrFormat, "needs dtype"},
		{"unknown field", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, make([]byte, 4), ErrFormat, "unknown field"},
		{"duplicate key", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4), ErrFormat, "occurs twice"},
		{"bad metadata", `{"__metadata__":{"a":1}}`, nil, ErrFormat, "__metadata__"},
		{"three offsets", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, make([]byte, 4), ErrFormat, "3 entries"},
		{"junk after", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x`, make([]byte, 4), ErrFormat, "after the JSON"},
		{"invalid utf8", "{\"\xff\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", make([]byte, 4), ErrFormat, "UTF-8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := openBytes(t, rawSafetensors(tc.header, tc.data))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %v containing %q", err, tc.kind, tc.want)
			}
		})
	}
	// Header length beyond the file or the limit.
	huge := rawSafetensors(`{}`, nil)
	binary.LittleEndian.PutUint64(huge, 1<<62)
	if _, err := openBytes(t, append(huge, '{')); !errors.Is(err, ErrLimit) {
		t.Errorf("huge header: %v", err)
	}
	long := rawSafetensors(`{}`, nil)
	binary.LittleEndian.PutUint64(long, 1000)
	if _, err := openBytes(t, long); !errors.Is(err, ErrFormat) {
		t.Errorf("header past end: %v", err)
	}
	// Padding spaces, empty metadata and zero tensors are fine.
	if f, err := openBytes(t, rawSafetensors(`{"__metadata__":{}}     `, nil)); err != nil || len(f.Keys()) != 0 {
		t.Errorf("empty file: %v", err)
	}
}

func TestWriteSafetensorsErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.safetensors")
	tests := []struct {
		name string
		ts   []NamedTensor
		want string
	}{
		{"short data", []NamedTensor{{Name: "a", DType: Float32, Shape: []int{2}, Data: make([]byte, 4)}}, "need 8 bytes, got 4"},
		{"short floats", []NamedTensor{Float32Tensor("a", []int{3}, []float32{1})}, "needs 3 values, got 1"},
		{"duplicate", []NamedTensor{Float32Tensor("a", nil, []float32{1}), Float32Tensor("a", nil, []float32{1})}, "occurs twice"},
		{"reserved name", []NamedTensor{Float32Tensor("__metadata__", nil, []float32{1})}, "not allowed"},
		{"no dtype", []NamedTensor{{Name: "a", Data: []byte{1}}}, "invalid dtype"},
		{"two sources", []NamedTensor{{Name: "a", DType: Float32, Data: make([]byte, 4), Float32s: []float32{1}}}, "only one"},
		{"negative shape", []NamedTensor{{Name: "a", DType: Uint8, Shape: []int{-1}, Data: nil}}, "bad shape"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteSafetensors(path, tc.ts, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
	// Nothing was left behind: no target, no temporary file.
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files left behind: %v", ents)
	}
}

// TestAtomicWriteKeepsOld checks that a failed write leaves the previous
// file intact.
func TestAtomicWriteKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := WriteSafetensors(path, []NamedTensor{Float32Tensor("a", []int{1}, []float32{7})}, nil); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := f.Tensor("a")
	f.Close() // reading src now fails midway through the write
	if err := WriteSafetensors(path, []NamedTensor{Float32Tensor("b", []int{1}, []float32{1}), FromTensor(src)}, nil); err == nil {
		t.Fatal("write from a closed source succeeded")
	}
	after, _ := os.ReadFile(path)
	if !slices.Equal(before, after) {
		t.Error("failed write changed the existing file")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("files left behind: %v", ents)
	}
}

func TestNative(t *testing.T) {
	path := tempPath(t, "trm.safetensors")
	cfg := json.RawMessage("{\n  \"hidden_size\": 512,\n  \"H_cycles\": 3\n}")
	ts := []NamedTensor{Float32Tensor("w", []int{2}, []float32{1, 2})}
	if err := WriteNative(path, "trm", cfg, ts, map[string]string{"arceval.source": "step_518071"}); err != nil {
		t.Fatal(err)
	}
	n, err := OpenNative(path)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if n.Kind != "trm" || string(n.Config) != `{"hidden_size":512,"H_cycles":3}` || len(n.Meta) != 1 || n.Meta["arceval.source"] != "step_518071" {
		t.Errorf("native: kind %q config %s meta %v", n.Kind, n.Config, n.Meta)
	}
	if w, ok := n.Tensor("w"); !ok || w.DType != Float32 {
		t.Error("tensor w missing")
	}

	for name, tc := range map[string]struct {
		kind string
		cfg  string
		meta map[string]string
		want string
	}{
		"no kind":       {"", `{}`, nil, "needs a model kind"},
		"bad config":    {"trm", `{"a":`, nil, "not valid JSON"},
		"reserved meta": {"trm", `{}`, map[string]string{MetaKind: "hrm"}, "reserved"},
	} {
		if err := WriteNative(tempPath(t, "x"), tc.kind, json.RawMessage(tc.cfg), ts, tc.meta); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}

	// Plain safetensors, a wrong version and PyTorch files are refused.
	plain := tempPath(t, "plain.safetensors")
	WriteSafetensors(plain, ts, map[string]string{"x": "y"})
	v2 := tempPath(t, "v2.safetensors")
	WriteSafetensors(v2, ts, map[string]string{MetaFormat: "2", MetaKind: "trm", MetaConfig: "{}"})
	noCfg := tempPath(t, "nocfg.safetensors")
	WriteSafetensors(noCfg, ts, map[string]string{MetaFormat: "1", MetaKind: "trm"})
	for path, want := range map[string]string{
		plain: "not a native arceval checkpoint", v2: `arceval.format is "2"`, noCfg: "arceval.config is missing",
		"testdata/views.pt": "pytorch-zip file, not safetensors",
	} {
		if _, err := OpenNative(path); err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), path) {
			t.Errorf("OpenNative(%s) = %v, want %q", path, err, want)
		}
	}
}

// A header length whose low byte is 0x80 makes the file start with the
// pickle PROTO opcode; it is still safetensors.
func TestSafetensorsHeaderLengthLooksLikePickle(t *testing.T) {
	header := `{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`
	header += strings.Repeat(" ", 0x80-len(header))
	path := tempPath(t, "m.safetensors")
	if err := os.WriteFile(path, rawSafetensors(header, []byte{0, 0, 128, 63}), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := OpenSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	x, _ := f.Tensor("x")
	if v, err := x.Float32(); err != nil || v[0] != 1 {
		t.Errorf("read %v, %v", v, err)
	}
}
