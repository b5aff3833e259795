package checkpoint

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"arceval/internal/testenv"
)

// fixtureJSON is the part of a parity fixture's NAME.json this package
// checks: "keys" maps tensor name → [shape, dtype].
type fixtureJSON struct {
	Keys map[string][2]json.RawMessage `json:"keys"`
}

func fixtureKeys(t *testing.T, path string) map[string]struct {
	shape []int
	dtype string
} {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fj fixtureJSON
	if err := json.Unmarshal(data, &fj); err != nil {
		t.Fatal(err)
	}
	out := map[string]struct {
		shape []int
		dtype string
	}{}
	if fj.Keys == nil {
		// dtype_example.json: name → {"shape", "dtype", "values"}.
		var direct map[string]struct {
			Shape []int  `json:"shape"`
			DType string `json:"dtype"`
		}
		if err := json.Unmarshal(data, &direct); err != nil {
			t.Fatal(err)
		}
		for k, v := range direct {
			out[k] = struct {
				shape []int
				dtype string
			}{v.Shape, v.DType}
		}
		return out
	}
	for k, v := range fj.Keys {
		var shape []int
		var dt string
		if err := json.Unmarshal(v[0], &shape); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(v[1], &dt); err != nil {
			t.Fatal(err)
		}
		out[k] = struct {
			shape []int
			dtype string
		}{shape, "torch." + strings.TrimPrefix(dt, "torch.")}
	}
	return out
}

// fixtureSums is testdata/fixture_sums.json, written by
// testdata/gen_fixture_sums.py with PyTorch's own loader.
type fixtureSum struct {
	Sum   float64   `json:"sum"`
	Abs   float64   `json:"abs"`
	First []float64 `json:"first"`
	Last  []float64 `json:"last"`
}

// TestParityFixtures opens every checkpoint of the parity fixtures and
// checks names, order, shapes and dtypes against NAME.json, and every value
// against the sums PyTorch computed (fixture_sums.json).
func TestParityFixtures(t *testing.T) {
	var paths []string
	for _, pat := range []string{"*.state_dict", "*.grad", "*.after"} {
		paths = append(paths, testenv.FixtureFiles(t, pat)...)
	}
	if len(paths) == 0 {
		testenv.Missing(t, testenv.Fixtures, "no parity fixture checkpoints in %s", strings.Join(testenv.FixtureDirs(t), ", "))
	}
	data, err := os.ReadFile("testdata/fixture_sums.json")
	if err != nil {
		t.Fatal(err)
	}
	var sums map[string]map[string]fixtureSum
	if err := json.Unmarshal(data, &sums); err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		base := filepath.Base(path)
		t.Run(base, func(t *testing.T) {
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Format != FormatTorchZip {
				t.Errorf("format %v", f.Format)
			}
			name := base[:strings.IndexByte(base, '.')]
			keys := fixtureKeys(t, filepath.Join(filepath.Dir(path), name+".json"))
			isGrad := strings.HasSuffix(base, ".grad")
			if !isGrad && len(f.Keys()) != len(keys) {
				t.Errorf("%d tensors, fixture JSON lists %d", len(f.Keys()), len(keys))
			}
			for _, k := range f.Keys() {
				tn, _ := f.Tensor(k)
				want, ok := keys[k]
				if !ok {
					if isGrad && strings.HasSuffix(k, "puzzle_emb.local_weights") {
						continue // the puzzle-embedding gradient, one row per batch row
					}
					t.Errorf("%s: not in the fixture JSON", k)
					continue
				}
				if !slices.Equal(tn.Shape, want.shape) || tn.DType.TorchName() != want.dtype {
					t.Errorf("%s: %v %s, want %v %s", k, tn.Shape, tn.DType.TorchName(), want.shape, want.dtype)
				}
				if !tn.IsContiguous() || tn.Offset != 0 {
					t.Errorf("%s: not a contiguous offset-0 tensor", k)
				}
				vals, err := tn.Float32()
				if err != nil {
					t.Fatal(err)
				}
				var sum, abs float64
				for _, v := range vals {
					if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
						t.Fatalf("%s: non-finite value", k)
					}
					sum += float64(v)
					abs += math.Abs(float64(v))
				}
				ws, ok := sums[base][k]
				if !ok {
					t.Errorf("%s: no reference sums", k)
					continue
				}
				tol := 1e-9 * max(ws.Abs, 1)
				if math.Abs(sum-ws.Sum) > tol || math.Abs(abs-ws.Abs) > tol {
					t.Errorf("%s: sum %v abs %v, PyTorch %v %v", k, sum, abs, ws.Sum, ws.Abs)
				}
				for i, w := range ws.First {
					if float64(vals[i]) != w {
						t.Errorf("%s[%d] = %v, PyTorch %v", k, i, vals[i], w)
					}
				}
				if float64(vals[len(vals)-1]) != ws.Last[0] {
					t.Errorf("%s[last] = %v, PyTorch %v", k, vals[len(vals)-1], ws.Last[0])
				}
			}
		})
	}
}

// TestDTypeExample loads the bf16 fixture and compares it exactly with the
// values in dtype_example.json.
func TestDTypeExample(t *testing.T) {
	fixture := testenv.Fixture(t, "dtype_example")
	data, err := os.ReadFile(fixture + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]struct {
		Shape  []int     `json:"shape"`
		DType  string    `json:"dtype"`
		Values []float64 `json:"values"`
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	f, err := Open(fixture + ".state_dict")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if len(f.Keys()) != len(want) {
		t.Fatalf("keys %v", f.Keys())
	}
	sawBF16 := false
	for name, w := range want {
		tn, ok := f.Tensor(name)
		if !ok {
			t.Fatalf("no %s", name)
		}
		if tn.DType.TorchName() != w.DType || !slices.Equal(tn.Shape, w.Shape) {
			t.Errorf("%s: %s %v, want %s %v", name, tn.DType.TorchName(), tn.Shape, w.DType, w.Shape)
		}
		sawBF16 = sawBF16 || tn.DType == BFloat16
		got, err := tn.Float32()
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if float64(got[i]) != w.Values[i] {
				t.Errorf("%s[%d] = %v, want %v", name, i, got[i], w.Values[i])
			}
		}
	}
	if !sawBF16 {
		t.Error("dtype_example has no bf16 tensor")
	}
}

// TestFixtureRowsAndRoundTrip reads puzzle-embedding rows lazily from a
// fixture and round-trips every fixture state_dict through safetensors and
// the native format without PyTorch.
func TestFixtureRowsAndRoundTrip(t *testing.T) {
	paths := testenv.FixtureFiles(t, "*.state_dict")
	if len(paths) == 0 {
		testenv.Missing(t, testenv.Fixtures, "no parity fixture state_dicts in %s", strings.Join(testenv.FixtureDirs(t), ", "))
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if pe, ok := f.Tensor("_orig_mod.model.inner.puzzle_emb.weights"); ok {
				all, err := pe.Float32()
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < pe.NumRows(); i++ {
					r, err := pe.Row(i)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(r, all[i*pe.RowLen():(i+1)*pe.RowLen()]) {
						t.Errorf("row %d differs from Float32", i)
					}
				}
			}
			var nts []NamedTensor
			for _, tn := range f.Tensors() {
				nts = append(nts, FromTensor(tn))
			}
			out := filepath.Join(t.TempDir(), "rt.safetensors")
			cfg := json.RawMessage(`{"hidden_size": 32}`)
			if err := WriteNative(out, "trm", cfg, nts, map[string]string{"source": filepath.Base(path)}); err != nil {
				t.Fatal(err)
			}
			n, err := OpenNative(out)
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close()
			if n.Kind != "trm" || string(n.Config) != `{"hidden_size":32}` || n.Meta["source"] != filepath.Base(path) {
				t.Errorf("native header: kind %q config %s meta %v", n.Kind, n.Config, n.Meta)
			}
			assertSameTensors(t, f, n.File)
		})
	}
}

// assertSameTensors checks that b holds a's tensors in a's order with equal
// dtypes, shapes and bytes.
func assertSameTensors(t *testing.T, a, b *File) {
	t.Helper()
	if !slices.Equal(a.Keys(), b.Keys()) {
		t.Fatalf("keys %v, want %v", b.Keys(), a.Keys())
	}
	for _, k := range a.Keys() {
		ta, _ := a.Tensor(k)
		tb, _ := b.Tensor(k)
		if ta.DType != tb.DType || !slices.Equal(ta.Shape, tb.Shape) {
			t.Errorf("%s: %s %v, want %s %v", k, tb.DType, tb.Shape, ta.DType, ta.Shape)
			continue
		}
		ba, err := ta.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		bb, err := tb.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ba, bb) {
			t.Errorf("%s: bytes differ", k)
		}
	}
}
