package checkpoint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// expectedTensor is one entry of testdata/expected.json, written by
// testdata/gen_torch.py from the tensors it saved.
type expectedTensor struct {
	DType  string    `json:"dtype"`
	Shape  []int     `json:"shape"`
	Stride []int     `json:"stride"`
	Offset int       `json:"offset"`
	Values []float64 `json:"values"`
}

// orderedExpected decodes expected.json keeping key order per file.
func loadExpected(t *testing.T) map[string][]struct {
	name string
	exp  expectedTensor
} {
	t.Helper()
	data, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string][]struct {
		name string
		exp  expectedTensor
	}{}
	for file, msg := range raw {
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.Token()
		for dec.More() {
			tok, _ := dec.Token()
			var e expectedTensor
			if err := dec.Decode(&e); err != nil {
				t.Fatal(err)
			}
			out[file] = append(out[file], struct {
				name string
				exp  expectedTensor
			}{tok.(string), e})
		}
	}
	return out
}

// TestTorchFiles opens checkpoints written by PyTorch 1.13 (zip, legacy,
// pickle protocol 4, a module state_dict with _metadata, a nested dict) and
// compares every key, dtype, shape, stride, offset and value with what
// PyTorch reported when saving them.
func TestTorchFiles(t *testing.T) {
	exp := loadExpected(t)
	formats := map[string]Format{
		"views.pt": FormatTorchZip, "views_legacy.pt": FormatTorchLegacy, "views_proto4.pt": FormatTorchZip,
		"module.pt": FormatTorchZip, "module_legacy.pt": FormatTorchLegacy, "nested.pt": FormatTorchZip,
	}
	if len(exp) != len(formats) {
		t.Fatalf("expected.json has %d files, test knows %d", len(exp), len(formats))
	}
	for file, want := range exp {
		t.Run(file, func(t *testing.T) {
			f, err := Open(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Format != formats[file] {
				t.Errorf("format %v, want %v", f.Format, formats[file])
			}
			var names []string
			for _, w := range want {
				names = append(names, w.name)
			}
			if !slices.Equal(f.Keys(), names) {
				t.Fatalf("keys %v\nwant %v", f.Keys(), names)
			}
			for _, w := range want {
				tn, ok := f.Tensor(w.name)
				if !ok {
					t.Fatalf("no tensor %q", w.name)
				}
				e := w.exp
				if tn.DType.TorchName() != e.DType {
					t.Errorf("%s: dtype %s, want %s", w.name, tn.DType.TorchName(), e.DType)
				}
				if !slices.Equal(tn.Shape, e.Shape) || !slices.Equal(tn.Strides, e.Stride) || tn.Offset != e.Offset {
					t.Errorf("%s: shape %v stride %v offset %d, want %v %v %d", w.name, tn.Shape, tn.Strides, tn.Offset, e.Shape, e.Stride, e.Offset)
				}
				var got []float64
				if tn.DType.IsFloat() {
					v, err := tn.Float32()
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range v {
						got = append(got, float64(x))
					}
					// float64 values were rounded to float32 by Float32.
					for i := range e.Values {
						if tn.DType == Float64 {
							e.Values[i] = float64(float32(e.Values[i]))
						}
					}
				} else {
					v, err := tn.Int64s()
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range v {
						got = append(got, float64(x))
					}
				}
				if diff := cmp.Diff(e.Values, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s: values (-want +got):\n%s", w.name, diff)
				}
				if tn.DType == Int64 {
					// Exact int64 (2^62 is not exact in float64 comparisons above).
					v, _ := tn.Int64s()
					if !slices.Equal(v, []int64{-(1 << 40), 7, 3, 1 << 62}) {
						t.Errorf("%s: %v", w.name, v)
					}
				}
			}
		})
	}
}

// TestTorchViews checks storage sharing, contiguity and row reads of
// non-contiguous views saved by PyTorch.
func TestTorchViews(t *testing.T) {
	for _, file := range []string{"views.pt", "views_legacy.pt", "views_proto4.pt"} {
		t.Run(file, func(t *testing.T) {
			f, err := Open(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			get := func(n string) *Tensor {
				tn, ok := f.Tensor(n)
				if !ok {
					t.Fatalf("no %s", n)
				}
				return tn
			}
			base, tr, strided, col := get("base"), get("transposed"), get("strided"), get("column")
			for _, v := range []*Tensor{tr, strided, col} {
				if v.StorageKey() != base.StorageKey() {
					t.Errorf("%s: storage %q, base has %q", v.Name, v.StorageKey(), base.StorageKey())
				}
			}
			if get("bf16").StorageKey() == base.StorageKey() {
				t.Error("bf16 shares base's storage")
			}
			if !base.IsContiguous() || tr.IsContiguous() || strided.IsContiguous() {
				t.Error("contiguity wrong")
			}
			all, _ := base.Float32() // [4, 6]
			at := func(i, j int) float32 { return all[i*6+j] }
			// Rows of the transpose are columns of base.
			rows, err := tr.Rows(2, 2)
			if err != nil {
				t.Fatal(err)
			}
			want := []float32{at(0, 2), at(1, 2), at(2, 2), at(3, 2), at(0, 3), at(1, 3), at(2, 3), at(3, 3)}
			if !slices.Equal(rows, want) {
				t.Errorf("transposed rows 2..3 = %v, want %v", rows, want)
			}
			r, err := strided.Row(1)
			if err != nil {
				t.Fatal(err)
			}
			if want := []float32{at(2, 0), at(2, 2), at(2, 4)}; !slices.Equal(r, want) {
				t.Errorf("strided row 1 = %v, want %v", r, want)
			}
			r, err = col.Row(3)
			if err != nil || len(r) != 1 || r[0] != at(3, 5) {
				t.Errorf("column row 3 = %v %v, want %v", r, err, at(3, 5))
			}
			// Bytes of a view are its row-major elements.
			b, err := tr.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			tv, _ := tr.Float32()
			if !slices.Equal(b, f32bytes(tv...)) {
				t.Error("Bytes of transposed view differ from Float32")
			}
			if _, err := get("i64").Float32(); err == nil {
				t.Error("Float32 of an int64 tensor should fail")
			}
			if _, err := get("half").Int64s(); err == nil {
				t.Error("Int64s of a float16 tensor should fail")
			}
			if _, err := get("scalar").Row(0); err == nil {
				t.Error("Row of a scalar should fail")
			}
			if _, err := base.Rows(3, 2); err == nil {
				t.Error("Rows past the end should fail")
			}
			if _, err := base.Rows(-1, 1); err == nil {
				t.Error("Rows before the start should fail")
			}
			if n, err := base.Rows(4, 0); err != nil || len(n) != 0 {
				t.Errorf("Rows(4, 0) = %v, %v", n, err)
			}
		})
	}
}

func TestNestedStateDict(t *testing.T) {
	f, err := Open("testdata/nested.pt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if want := []string{"step", "name", "lr"}; !slices.Equal(f.Skipped(), want) {
		t.Errorf("skipped %v, want %v", f.Skipped(), want)
	}
	if _, ok := f.Tensor("model.0.weight"); !ok {
		t.Errorf("no model.0.weight in %v", f.Keys())
	}
}

func TestClosedFile(t *testing.T) {
	f, err := Open("testdata/views.pt")
	if err != nil {
		t.Fatal(err)
	}
	tn, _ := f.Tensor("base")
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.Float32(); err == nil {
		t.Error("read after Close should fail")
	}
	if err := f.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
