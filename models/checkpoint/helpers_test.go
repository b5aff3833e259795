package checkpoint

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// pk assembles pickle opcode streams by hand, so that tests can build
// checkpoints (well-formed and hostile) without Python.
type pk struct{ bytes.Buffer }

func (p *pk) op(b ...byte) *pk { p.Write(b); return p }

func (p *pk) proto(v byte) *pk { return p.op(opProto, v) }

// str emits BINUNICODE s.
func (p *pk) str(s string) *pk {
	p.WriteByte(opBinUnicode)
	binary.Write(p, binary.LittleEndian, uint32(len(s)))
	p.WriteString(s)
	return p
}

// int emits the smallest of BININT1/BININT2/BININT/LONG1 for v.
func (p *pk) int(v int64) *pk {
	switch {
	case v >= 0 && v < 256:
		return p.op(opBinInt1, byte(v))
	case v >= 0 && v < 65536:
		return p.op(opBinInt2, byte(v), byte(v>>8))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		p.WriteByte(opBinInt)
		binary.Write(p, binary.LittleEndian, int32(v))
		return p
	}
	p.op(opLong1, 8)
	binary.Write(p, binary.LittleEndian, v)
	return p
}

// global emits GLOBAL module name.
func (p *pk) global(module, name string) *pk {
	p.WriteByte(opGlobal)
	p.WriteString(module + "\n" + name + "\n")
	return p
}

// tuple emits MARK v... TUPLE for ints.
func (p *pk) tuple(vs ...int64) *pk {
	p.op(opMark)
	for _, v := range vs {
		p.int(v)
	}
	return p.op(opTuple)
}

// fakeTensor describes one tensor of a hand-made state_dict.
type fakeTensor struct {
	name        string
	storageType string // "FloatStorage", ...
	key         string
	numel       int64 // storage elements
	offset      int64
	shape       []int64
	stride      []int64
}

// rowMajor returns row-major strides for shape.
func rowMajor(shape ...int64) []int64 {
	s := make([]int64, len(shape))
	acc := int64(1)
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = acc
		acc *= shape[i]
	}
	return s
}

// stateDictPickle assembles the data.pkl torch.save writes for a dict of
// tensors (protocol 2, as PyTorch does).
func stateDictPickle(ts []fakeTensor) []byte {
	var p pk
	p.proto(2).op(opEmptyDict, opMark)
	for _, t := range ts {
		p.str(t.name).tensor(t)
	}
	p.op(opSetItems, opStop)
	return p.Bytes()
}

// tensor emits the _rebuild_tensor_v2(...) expression torch.save writes.
func (p *pk) tensor(t fakeTensor) *pk {
	p.global("torch._utils", "_rebuild_tensor_v2")
	p.op(opMark)
	p.op(opMark).str("storage").global("torch", t.storageType).str(t.key).str("cpu").int(t.numel).op(opTuple)
	p.op(opBinPersID)
	p.int(t.offset)
	p.tuple(t.shape...)
	p.tuple(t.stride...)
	p.op(opNewFalse)
	p.global("collections", "OrderedDict").op(opEmptyTuple, opReduce)
	p.op(opTuple, opReduce)
	return p
}

// zipRecord is one record of a hand-made torch.save archive; data, when
// set, streams the record's bytes instead of raw.
type zipRecord struct {
	name    string
	raw     []byte
	data    func(w io.Writer) error
	deflate bool
}

// writeTorchZip writes records (names relative to the stem folder) as a
// torch.save-style zip archive.
func writeTorchZip(t testing.TB, path, stem string, recs []zipRecord) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, r := range recs {
		m := zip.Store
		if r.deflate {
			m = zip.Deflate
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: stem + "/" + r.name, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if r.data != nil {
			err = r.data(w)
		} else {
			_, err = w.Write(r.raw)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// torchZipBytes returns a torch.save-style archive in memory.
func torchZipBytes(stem string, recs []zipRecord) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, r := range recs {
		m := zip.Store
		if r.deflate {
			m = zip.Deflate
		}
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: stem + "/" + r.name, Method: m})
		w.Write(r.raw)
	}
	zw.Close()
	return buf.Bytes()
}

func f32bytes(vs ...float32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func tempPath(t testing.TB, name string) string {
	return filepath.Join(t.TempDir(), name)
}

func openBytes(t testing.TB, data []byte) (*File, error) {
	t.Helper()
	return NewFile(bytes.NewReader(data), int64(len(data)), "mem.pt", Limits{})
}

func bytesReaderAt(b []byte) *bytes.Reader { return bytes.NewReader(b) }
