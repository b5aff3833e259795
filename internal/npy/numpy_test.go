package npy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// manifestEntry describes one reference file written by testdata/gen_numpy.py.
type manifestEntry struct {
	Name         string        `json:"name"`
	Descr        string        `json:"descr"`
	Shape        []int         `json:"shape"`
	FortranOrder bool          `json:"fortran_order"`
	Version      string        `json:"version"`
	Values       []json.Number `json:"values"`
	SHA256       string        `json:"sha256"`
}

func loadManifest(t *testing.T) []manifestEntry {
	t.Helper()
	b, err := os.ReadFile("testdata/numpy/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m []manifestEntry
	fixed := fixBools(b)
	dec := json.NewDecoder(bytes.NewReader(fixed))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	if len(m) < 20 {
		t.Fatalf("manifest has only %d entries", len(m))
	}
	return m
}

// fixBools rewrites the JSON booleans inside "values" lists as 0/1 so that
// every value decodes as a json.Number.
func fixBools(b []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		i := bytes.Index(line, []byte(`"values": [`))
		if i < 0 {
			out = append(out, line...)
			continue
		}
		j := i + bytes.IndexByte(line[i:], ']')
		vals := bytes.ReplaceAll(line[i:j], []byte("true"), []byte("1"))
		vals = bytes.ReplaceAll(vals, []byte("false"), []byte("0"))
		out = append(out, line[:i]...)
		out = append(out, vals...)
		out = append(out, line[j:]...)
	}
	return out
}

// TestNumpyFiles reads every numpy-written reference file, checks header and
// values, and checks that the writer reproduces version 1.0 C-order files
// byte for byte (their sha256 is pinned in the manifest).
func TestNumpyFiles(t *testing.T) {
	for _, e := range loadManifest(t) {
		t.Run(e.Name, func(t *testing.T) {
			path := filepath.Join("testdata/numpy", e.Name)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(raw)
			if got := hex.EncodeToString(sum[:]); got != e.SHA256 {
				t.Fatalf("sha256 %s, manifest says %s", got, e.SHA256)
			}
			a, err := Open(path)
			if e.FortranOrder {
				if err == nil || !strings.Contains(err.Error(), "fortran_order True is not supported") {
					t.Fatalf("fortran file: got err %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			dt, _ := ParseDescr(e.Descr)
			if a.DType != dt || !slices.Equal(a.Header.Shape, e.Shape) || a.Header.FortranOrder {
				t.Fatalf("header %+v dtype %v, want %s %v", a.Header, a.DType, e.Descr, e.Shape)
			}
			if a.Len() != len(e.Values) {
				t.Fatalf("Len %d, want %d", a.Len(), len(e.Values))
			}
			checkValues(t, a, e.Values)
			if e.Version != "1.0" {
				return
			}
			var buf bytes.Buffer
			if err := writeTyped(&buf, e.Descr, e.Shape, e.Values); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), raw) {
				t.Fatalf("writer output differs from numpy.save:\n got %q\nwant %q", buf.Bytes(), raw)
			}
		})
	}
}

// checkValues compares decoded elements with the manifest's values.
func checkValues(t *testing.T, a *Array, want []json.Number) {
	t.Helper()
	switch a.DType.Kind {
	case 'f':
		got, err := a.Float64s()
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			wf, _ := strconv.ParseFloat(string(w), 64)
			if a.DType.Size == 4 {
				wf = float64(float32(wf))
			}
			if got[i] != wf {
				t.Errorf("element %d = %v, want %v", i, got[i], wf)
			}
		}
	case 'u':
		got, err := AppendInts[uint64](nil, a.DType, a.Data)
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			if strconv.FormatUint(got[i], 10) != string(w) {
				t.Errorf("element %d = %d, want %s", i, got[i], w)
			}
		}
	default:
		got, err := a.Int64s()
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range want {
			if strconv.FormatInt(got[i], 10) != string(w) {
				t.Errorf("element %d = %d, want %s", i, got[i], w)
			}
		}
	}
}

// writeTyped writes manifest values through Write with the Go type that
// matches descr, exercising every supported element type.
func writeTyped(buf *bytes.Buffer, descr string, shape []int, vals []json.Number) error {
	dt, err := ParseDescr(descr)
	if err != nil {
		return err
	}
	ints := func() []int64 {
		out := make([]int64, len(vals))
		for i, v := range vals {
			out[i], _ = strconv.ParseInt(string(v), 10, 64)
		}
		return out
	}
	uints := func() []uint64 {
		out := make([]uint64, len(vals))
		for i, v := range vals {
			out[i], _ = strconv.ParseUint(string(v), 10, 64)
		}
		return out
	}
	floats := func() []float64 {
		out := make([]float64, len(vals))
		for i, v := range vals {
			out[i], _ = strconv.ParseFloat(string(v), 64)
		}
		return out
	}
	switch string(dt.Kind) + strconv.Itoa(dt.Size) {
	case "b1":
		return Write(buf, descr, shape, convert(uints(), func(v uint64) bool { return v != 0 }))
	case "i1":
		return Write(buf, descr, shape, convert(ints(), func(v int64) int8 { return int8(v) }))
	case "u1":
		return Write(buf, descr, shape, convert(uints(), func(v uint64) uint8 { return uint8(v) }))
	case "i2":
		return Write(buf, descr, shape, convert(ints(), func(v int64) int16 { return int16(v) }))
	case "u2":
		return Write(buf, descr, shape, convert(uints(), func(v uint64) uint16 { return uint16(v) }))
	case "i4":
		return Write(buf, descr, shape, convert(ints(), func(v int64) int32 { return int32(v) }))
	case "u4":
		return Write(buf, descr, shape, convert(uints(), func(v uint64) uint32 { return uint32(v) }))
	case "i8":
		return Write(buf, descr, shape, ints())
	case "u8":
		return Write(buf, descr, shape, uints())
	case "f4":
		return Write(buf, descr, shape, convert(floats(), func(v float64) float32 { return float32(v) }))
	default:
		return Write(buf, descr, shape, floats())
	}
}

func convert[S, T any](in []S, f func(S) T) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// TestEncodeHeaderTable compares EncodeHeader with numpy's preamble for
// many shapes, descriptors (including non-canonical '=i8' and '<u1') and
// Fortran order, then parses each preamble back.
func TestEncodeHeaderTable(t *testing.T) {
	b, err := os.ReadFile("testdata/headers.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		// A '|' descriptor prefix splits into an extra empty field.
		if len(f) == 5 {
			f = []string{"|" + f[1], f[2], f[3], f[4]}
		}
		if len(f) != 4 {
			t.Fatalf("bad line %q", line)
		}
		want, err := hex.DecodeString(f[3])
		if err != nil {
			t.Fatal(err)
		}
		var shape []int
		if f[2] != "" {
			for _, s := range strings.Split(f[2], ",") {
				d, err := strconv.Atoi(s)
				if err != nil {
					t.Fatal(err)
				}
				shape = append(shape, d)
			}
		}
		h := Header{Descr: f[0], Shape: shape, FortranOrder: f[1] == "True"}
		got, err := EncodeHeader(h)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("EncodeHeader(%+v)\n got %q\nwant %q", h, got, want)
		}
		if len(got)%64 != 0 || got[len(got)-1] != '\n' {
			t.Errorf("EncodeHeader(%+v): length %d not aligned", h, len(got))
		}
		back, dt, off, err := readHeader("t", bytes.NewReader(want))
		if h.FortranOrder && len(shape) > 1 && err != nil {
			n++
			continue // rejected on read, as documented
		}
		if err != nil {
			t.Fatalf("reading numpy header %q: %v", want, err)
		}
		wdt, _ := ParseDescr(f[0])
		if off != int64(len(want)) || dt != wdt || !slices.Equal(back.Shape, shape) || back.FortranOrder != h.FortranOrder {
			t.Errorf("readHeader(%q) = %+v %v %d", want, back, dt, off)
		}
		n++
	}
	if n < 30 {
		t.Fatalf("only %d header cases", n)
	}
}
