package npy

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// npyFile assembles a .npy file from a version, raw header text (padded
// with spaces and '\n' to 64 bytes like numpy) and data bytes.
func npyFile(major byte, header string, data []byte) []byte {
	lenSize := 2
	if major != 1 {
		lenSize = 4
	}
	pre := len(magic) + 2 + lenSize
	pad := 64 - (pre+len(header)+1)%64
	h := header + strings.Repeat(" ", pad%64) + "\n"
	out := append([]byte(magic), major, 0)
	if lenSize == 2 {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(h)))
	} else {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(h)))
	}
	out = append(out, h...)
	return append(out, data...)
}

// hdr builds a header dict with the given descr, fortran_order and shape text.
func hdr(descr, order, shape string) string {
	return "{'descr': '" + descr + "', 'fortran_order': " + order + ", 'shape': " + shape + ", }"
}

// plainReader hides Len so Read must use its growing-buffer path.
type plainReader struct{ r io.Reader }

func (p plainReader) Read(b []byte) (int, error) { return p.r.Read(b) }

// TestMalformed checks that every kind of bad header or size mismatch is
// rejected with a message naming the file and the problem, through each
// entry point.
func TestMalformed(t *testing.T) {
	six := make([]byte, 24)
	withLen := func(major byte, n uint32) []byte {
		out := append([]byte(magic), major, 0)
		if major == 1 {
			return binary.LittleEndian.AppendUint16(out, uint16(n))
		}
		return binary.LittleEndian.AppendUint32(out, n)
	}
	tests := []struct {
		name   string
		file   []byte
		want   string
		stream bool // Read on a stream reports it too (false: whole-file checks only)
	}{
		{"empty", nil, "truncated", true},
		{"short magic", []byte("\x93NUM"), "truncated: file ends at byte 4", true},
		{"bad magic", []byte("PK\x03\x04 not npy at all"), "bad magic", true},
		{"version 4.0", append([]byte(magic), 4, 0, 0, 0), "unsupported .npy format version 4.0", true},
		{"version 1.1", append([]byte(magic), 1, 1, 0, 0), "unsupported .npy format version 1.1", true},
		{"truncated length", append([]byte(magic), 2, 0, 5), "truncated: file ends at byte 9 inside the header length", true},
		{"header too long", withLen(2, 1<<30), "header length 1073741824 at byte 8 exceeds limit", true},
		{"header past EOF", append(withLen(1, 1000), "{'descr'"...), "truncated: header length (byte 8) says 1000 bytes, only 8 follow", true},
		{"empty header", withLen(1, 0), "expected '{', found end of header", true},
		{"not a dict", npyFile(1, "[1, 2]", nil), "header byte 10: expected '{'", true},
		{"missing shape", npyFile(1, "{'descr': '<i4', 'fortran_order': False}", nil), "missing key 'shape'", true},
		{"unknown key", npyFile(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'x': 1}", six[:4]), "unexpected key \"x\"", true},
		{"duplicate key", npyFile(1, "{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': ()}", six[:4]), "duplicate key", true},
		{"structured dtype", npyFile(1, "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,)}", six[:4]), "structured dtypes are not supported", true},
		{"object dtype", npyFile(1, hdr("|O", "False", "(1,)"), six[:8]), "unsupported dtype", true},
		{"unicode dtype", npyFile(1, hdr("<U10", "False", "(1,)"), six[:8]), "unsupported dtype", true},
		{"float16", npyFile(1, hdr("<f2", "False", "(1,)"), six[:2]), "only f4 and f8", true},
		{"bad byte order", npyFile(1, hdr("!i4", "False", "(1,)"), six[:4]), "byte order", true},
		{"fortran 2-d", npyFile(1, hdr("<i4", "True", "(2, 3)"), six), "fortran_order True is not supported", true},
		{"fortran not bool", npyFile(1, hdr("<i4", "1", "(1,)"), six[:4]), "'fortran_order' must be True or False", true},
		{"negative dim", npyFile(1, hdr("<i4", "False", "(-1,)"), nil), "negative dimension", true},
		{"shape not tuple", npyFile(1, hdr("<i4", "False", "[1]"), six[:4]), "must be a tuple", true},
		{"shape (n)", npyFile(1, hdr("<i4", "False", "(1)"), six[:4]), "must be written (n,)", true},
		{"shape junk", npyFile(1, hdr("<i4", "False", "(1; 2)"), six[:4]), "expected ',' or ')'", true},
		{"huge dim", npyFile(1, hdr("<i4", "False", "(99999999999999999999,)"), nil), "too large", true},
		{"count overflow", npyFile(1, hdr("<i4", "False", "(4611686018427387904, 4)"), nil), "element count overflows", true},
		{"bytes overflow", npyFile(1, hdr("<i8", "False", "(4611686018427387904,)"), nil), "data size overflows", true},
		{"too many dims", npyFile(1, hdr("<i4", "False", "("+strings.Repeat("1, ", 65)+")"), six[:4]), "more than 64 dimensions", true},
		{"unterminated string", npyFile(1, "{'descr: '<i4'", nil), "expected ':'", true},
		{"unterminated value", npyFile(1, "{'descr': '<i4", nil), "unterminated string", true},
		{"text after dict", npyFile(1, hdr("<i4", "False", "(1,)")+" x", six[:4]), "unexpected text after header dict", true},
		{"truncated data", npyFile(1, hdr("<i4", "False", "(2, 3)"), six[:20]), "truncated: header says 24 bytes of data", true},
		{"trailing data", npyFile(1, hdr("<i4", "False", "(2, 2)"), six[:20]), "4 trailing bytes", false},
		{"huge declared data", npyFile(1, hdr("|u1", "False", "(1000000000000,)"), six), "header says 1000000000000 bytes of data", true},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := "bad_" + strings.ReplaceAll(tc.name, " ", "_") + ".npy"
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
			check := func(how string, err error) {
				t.Helper()
				if err == nil {
					t.Fatalf("%s: no error", how)
				}
				if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("%s: error %q does not name the file or contain %q", how, err, tc.want)
				}
			}
			_, err := Open(path)
			check("Open", err)
			t.Log(err)
			_, err = ReadBytes(path, tc.file)
			check("ReadBytes", err)
			_, err = NewRowReader(path, bytes.NewReader(tc.file), int64(len(tc.file)))
			check("NewRowReader", err)
			_, err = OpenRows(path)
			check("OpenRows", err)
			if tc.stream {
				_, err = Read(path, bytes.NewReader(tc.file), 1<<20)
				check("Read", err)
				_, err = Read(path, plainReader{bytes.NewReader(tc.file)}, 1<<20)
				check("Read(plain)", err)
			}
		})
	}
}

// TestAcceptedVariants checks header spellings numpy accepts that the
// writer never produces.
func TestAcceptedVariants(t *testing.T) {
	data := []byte{1, 0, 0, 0, 2, 0, 0, 0}
	tests := []struct {
		name   string
		file   []byte
		shape  []int
		fort   bool
		values []int64
	}{
		{"key order, no spaces", npyFile(1, "{'shape':(2,),'fortran_order':False,'descr':'<i4'}", data), []int{2}, false, []int64{1, 2}},
		{"double quotes, newline", npyFile(1, "{\"descr\" : \"<i4\",\n 'fortran_order' : False ,\n 'shape' : ( 2 , ) , }", data), []int{2}, false, []int64{1, 2}},
		{"python2 long", npyFile(1, hdr("<i4", "False", "(2L,)"), data), []int{2}, false, []int64{1, 2}},
		{"version 2.0", npyFile(2, hdr("<i4", "False", "(2,)"), data), []int{2}, false, []int64{1, 2}},
		{"version 3.0", npyFile(3, hdr("<i4", "False", "(2,)"), data), []int{2}, false, []int64{1, 2}},
		{"native order", npyFile(1, hdr("=i8", "False", "(1,)"), binary.NativeEndian.AppendUint64(nil, 7)), []int{1}, false, []int64{7}},
		{"fortran 1-d", npyFile(1, hdr("<i4", "True", "(2,)"), data), []int{2}, true, []int64{1, 2}},
		{"fortran (1, 2, 1)", npyFile(1, hdr("<i4", "True", "(1, 2, 1)"), data), []int{1, 2, 1}, true, []int64{1, 2}},
		{"fortran empty", npyFile(1, hdr("<i4", "True", "(3, 0)"), nil), []int{3, 0}, true, []int64{}},
		{"scalar", npyFile(1, hdr("<i4", "False", "()"), data[:4]), []int{}, false, []int64{1}},
		{"bool any nonzero", npyFile(1, hdr("|b1", "False", "(2,)"), []byte{0, 9}), []int{2}, false, []int64{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ReadBytes("ok.npy", tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Header.Shape, tc.shape) || a.Header.FortranOrder != tc.fort {
				t.Fatalf("header %+v", a.Header)
			}
			got, err := a.Int64s()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.values, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("values (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRangeErrors checks that narrowing conversions fail with the element's
// flat and multi-dimensional index.
func TestRangeErrors(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "<i8", []int{2, 3}, []int64{0, 1, 2, 3, 1 << 40, 5}); err != nil {
		t.Fatal(err)
	}
	a, err := ReadBytes("big.npy", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.Int32s()
	if err == nil || err.Error() != "big.npy: element 4 [1, 1]: value 1099511627776 out of int32 range" {
		t.Fatalf("Int32s: %v", err)
	}
	if _, err := a.Int64s(); err != nil {
		t.Fatal(err)
	}
	_, err = a.Uint8s()
	if err == nil || !strings.Contains(err.Error(), "element 4 [1, 1]") {
		t.Fatalf("Uint8s: %v", err)
	}

	buf.Reset()
	if err := Write(&buf, "<i4", []int{3}, []int32{5, -1, 7}); err != nil {
		t.Fatal(err)
	}
	a, _ = ReadBytes("neg.npy", buf.Bytes())
	if _, err := a.Uint8s(); err == nil || err.Error() != "neg.npy: element 1: value -1 out of uint8 range" {
		t.Fatalf("Uint8s: %v", err)
	}

	buf.Reset()
	if err := Write(&buf, "<u8", []int{2}, []uint64{1, 1 << 63}); err != nil {
		t.Fatal(err)
	}
	a, _ = ReadBytes("u8.npy", buf.Bytes())
	if _, err := a.Int64s(); err == nil || !strings.Contains(err.Error(), "element 1: value 9223372036854775808 out of int64 range") {
		t.Fatalf("Int64s: %v", err)
	}

	buf.Reset()
	if err := Write(&buf, "<f8", []int{1}, []float64{1.5}); err != nil {
		t.Fatal(err)
	}
	a, _ = ReadBytes("f.npy", buf.Bytes())
	if _, err := a.Int32s(); err == nil || !strings.Contains(err.Error(), "cannot convert float dtype") {
		t.Fatalf("Int32s on float: %v", err)
	}
	var re *RangeError
	_, err = AppendInts[int8](nil, DType{Kind: 'u', Size: 1}, []byte{200})
	if !errors.As(err, &re) || re.Index != 0 || re.Value != "200" || re.Type != "int8" {
		t.Fatalf("AppendInts: %v", err)
	}
}

// TestReadStream checks Read's limit, that it consumes exactly one array,
// and truncation on a reader of unknown length.
func TestReadStream(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "|u1", []int{2, 3}, []uint8{1, 2, 3, 4, 5, 6}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&buf, "<i4", []int{2}, []int32{-7, 8}); err != nil {
		t.Fatal(err)
	}
	r := plainReader{bytes.NewReader(buf.Bytes())}
	a, err := Read("s", r, 6)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Read("s", r, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Uint8s(); string(got) != "\x01\x02\x03\x04\x05\x06" {
		t.Fatalf("first array %v", got)
	}
	if got, _ := b.Int32s(); len(got) != 2 || got[0] != -7 || got[1] != 8 {
		t.Fatalf("second array %v", got)
	}
	if _, err := Read("s", bytes.NewReader(buf.Bytes()), 5); err == nil || !strings.Contains(err.Error(), "exceeding the limit of 5") {
		t.Fatalf("limit: %v", err)
	}
	// A header declaring 3 MiB followed by only 10 bytes, on a reader
	// whose length is unknown: must fail without reading past the end.
	var big bytes.Buffer
	w, err := NewWriter(&big, "|u1", []int{3 << 20})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(make([]byte, 10))
	if err := w.Close(); err == nil {
		t.Fatal("Close after short write: no error")
	}
	_, err = Read("short.npy", plainReader{&big}, 1<<30)
	if err == nil || !strings.Contains(err.Error(), "short.npy: truncated: header says 3145728 bytes of data, input has 10") {
		t.Fatalf("short stream: %v", err)
	}
}
