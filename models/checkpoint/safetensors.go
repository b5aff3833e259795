package checkpoint

import (
	"arceval/internal/atomicfile"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"unicode/utf8"
)

// The safetensors layout: an unsigned 64-bit little-endian header length N,
// N bytes of UTF-8 JSON (possibly padded with trailing spaces), then the
// data section. The JSON object maps each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the
// data section) and may hold "__metadata__": {string: string}.
//
// Validation follows the reference implementation: the header must start
// with '{', every key appears once, no unknown fields, end-begin equals
// numel·itemsize, and the tensors sorted by offset tile the data section
// exactly (no gap, no overlap, nothing after the last one).

const metadataKey = "__metadata__"

type stInfo struct {
	DType       *string  `json:"dtype"`
	Shape       *[]int64 `json:"shape"`
	DataOffsets *[]int64 `json:"data_offsets"`
}

type stEntry struct {
	name       string
	dtype      DType
	shape      []int64
	begin, end int64
}

// OpenSafetensors opens a safetensors file, refusing other formats.
func OpenSafetensors(path string) (*File, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	if f.Format != FormatSafetensors {
		f.Close()
		return nil, errf(path, "", ErrFormat, "%s file, not safetensors", f.Format)
	}
	return f, nil
}

func openSafetensors(src *source, lim Limits) (*File, error) {
	if src.size < 8 {
		return nil, errf(src.name, "header", ErrFormat, "file of %d bytes has no header length", src.size)
	}
	var lenBuf [8]byte
	if _, err := src.ra.ReadAt(lenBuf[:], 0); err != nil {
		return nil, wrapErr(src.name, "header", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > uint64(lim.MaxHeaderBytes) {
		return nil, errf(src.name, "header", ErrLimit, "header of %d bytes, more than the limit of %d", n, lim.MaxHeaderBytes)
	}
	if int64(n) > src.size-8 {
		return nil, errf(src.name, "header", ErrFormat, "header of %d bytes is longer than the file (%d bytes)", n, src.size)
	}
	hdr := make([]byte, n)
	if _, err := src.ra.ReadAt(hdr, 8); err != nil {
		return nil, wrapErr(src.name, "header", err)
	}
	entries, meta, err := parseSafetensorsHeader(hdr, lim)
	if err != nil {
		return nil, wrapErr(src.name, "header", err)
	}
	dataOff := 8 + int64(n)
	data := &blob{src: src, name: "data", off: dataOff, size: src.size - dataOff}
	if err := checkLayout(entries, data.size); err != nil {
		return nil, wrapErr(src.name, "header", err)
	}
	f := &File{Path: src.name, Format: FormatSafetensors, tensors: map[string]*Tensor{}, metadata: meta}
	for _, e := range entries {
		isz := int64(e.dtype.Size())
		st := &storage{key: e.name, dtype: e.dtype, numel: (e.end - e.begin) / isz, blob: data, byteOff: e.begin}
		t := &Tensor{Name: e.name, DType: e.dtype, st: st, file: src.name,
			Shape: make([]int, len(e.shape)), Strides: make([]int, len(e.shape))}
		stride := 1
		for i := len(e.shape) - 1; i >= 0; i-- {
			t.Shape[i] = int(e.shape[i])
			t.Strides[i] = stride
			stride *= t.Shape[i]
		}
		if err := f.add(t); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// parseSafetensorsHeader decodes the JSON header strictly and returns the
// entries sorted by data offset (then name).
func parseSafetensorsHeader(hdr []byte, lim Limits) ([]stEntry, map[string]string, error) {
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, nil, kerr(ErrFormat, "header does not start with '{'")
	}
	if !utf8.Valid(hdr) {
		return nil, nil, kerr(ErrFormat, "header is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	dec.DisallowUnknownFields()
	if _, err := dec.Token(); err != nil {
		return nil, nil, kerr(ErrFormat, "%v", err)
	}
	var meta map[string]string
	seen := map[string]bool{}
	var entries []stEntry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, kerr(ErrFormat, "%v", err)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, nil, kerr(ErrFormat, "unexpected %v", tok)
		}
		if seen[name] {
			return nil, nil, kerr(ErrFormat, "key %q occurs twice", name)
		}
		seen[name] = true
		if name == metadataKey {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, kerr(ErrFormat, "%s: %v", metadataKey, err)
			}
			continue
		}
		if len(entries) >= lim.MaxObjects {
			return nil, nil, kerr(ErrLimit, "more than %d tensors", lim.MaxObjects)
		}
		var info stInfo
		if err := dec.Decode(&info); err != nil {
			return nil, nil, kerr(ErrFormat, "tensor %q: %v", name, err)
		}
		e, err := checkInfo(name, info, lim)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, nil, kerr(ErrFormat, "%v", err)
	}
	if rest := hdr[dec.InputOffset():]; len(bytes.TrimLeft(rest, " \t\r\n")) != 0 {
		return nil, nil, kerr(ErrFormat, "%d bytes after the JSON object", len(rest))
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].begin != entries[j].begin {
			return entries[i].begin < entries[j].begin
		}
		return entries[i].name < entries[j].name
	})
	return entries, meta, nil
}

func checkInfo(name string, info stInfo, lim Limits) (stEntry, error) {
	bad := func(format string, args ...any) (stEntry, error) {
		return stEntry{}, kerr(ErrFormat, "tensor %q: %s", name, fmt.Sprintf(format, args...))
	}
	if info.DType == nil || info.Shape == nil || info.DataOffsets == nil {
		return bad("needs dtype, shape and data_offsets")
	}
	dt, ok := ParseDType(*info.DType)
	if !ok {
		return bad("unknown dtype %q", *info.DType)
	}
	shape := *info.Shape
	if len(shape) > lim.MaxDims {
		return stEntry{}, kerr(ErrLimit, "tensor %q: %d dimensions, more than %d", name, len(shape), lim.MaxDims)
	}
	numel := int64(1)
	for _, d := range shape {
		var ok bool
		if d < 0 {
			return bad("negative size in shape %v", shape)
		}
		if numel, ok = mulCheck(numel, d); !ok {
			return bad("shape %v overflows", shape)
		}
	}
	nbytes, ok := mulCheck(numel, int64(dt.Size()))
	if !ok {
		return bad("shape %v overflows", shape)
	}
	offs := *info.DataOffsets
	if len(offs) != 2 {
		return bad("data_offsets has %d entries, want 2", len(offs))
	}
	begin, end := offs[0], offs[1]
	if begin < 0 || end < begin {
		return bad("data_offsets %v are not a range", offs)
	}
	if end-begin != nbytes {
		return bad("data_offsets %v give %d bytes, dtype %s and shape %v need %d", offs, end-begin, dt, shape, nbytes)
	}
	return stEntry{name: name, dtype: dt, shape: shape, begin: begin, end: end}, nil
}

// checkLayout verifies that the sorted entries tile [0, size) exactly.
func checkLayout(entries []stEntry, size int64) error {
	pos := int64(0)
	for _, e := range entries {
		if e.begin != pos {
			if e.begin < pos {
				return kerr(ErrFormat, "tensor %q at [%d, %d) overlaps the previous tensor, which ends at %d", e.name, e.begin, e.end, pos)
			}
			return kerr(ErrFormat, "tensor %q starts at %d, leaving a gap after %d", e.name, e.begin, pos)
		}
		pos = e.end
	}
	if pos != size {
		return kerr(ErrFormat, "tensors cover %d data bytes, the file holds %d", pos, size)
	}
	return nil
}

// NamedTensor is a tensor to write. Its values come from exactly one of
// Data (raw little-endian bytes of DType, row-major), Float32s (DType
// Float32 or zero) or Source (a tensor of an open checkpoint, copied in
// chunks with its dtype, so converting a multi-gigabyte checkpoint needs
// little memory; DType and Shape may be left zero and are then taken from
// it).
type NamedTensor struct {
	Name     string
	DType    DType
	Shape    []int
	Data     []byte
	Float32s []float32
	Source   *Tensor
}

// Float32Tensor is a NamedTensor holding float32 values.
func Float32Tensor(name string, shape []int, values []float32) NamedTensor {
	return NamedTensor{Name: name, DType: Float32, Shape: shape, Float32s: values}
}

// FromTensor is a NamedTensor copying t (under t's name) when written.
func FromTensor(t *Tensor) NamedTensor {
	return NamedTensor{Name: t.Name, DType: t.DType, Shape: append([]int(nil), t.Shape...), Source: t}
}

// resolve fills defaults from Source and checks that the value source
// matches dtype and shape; it returns the byte length.
func (nt *NamedTensor) resolve() (int64, error) {
	sources := 0
	if nt.Data != nil {
		sources++
	}
	if nt.Float32s != nil {
		sources++
		if nt.DType == InvalidDType {
			nt.DType = Float32
		}
	}
	if nt.Source != nil {
		sources++
		if nt.DType == InvalidDType {
			nt.DType = nt.Source.DType
		}
		if nt.Shape == nil {
			nt.Shape = append([]int(nil), nt.Source.Shape...)
		}
	}
	if sources > 1 {
		return 0, fmt.Errorf("tensor %q: set only one of Data, Float32s and Source", nt.Name)
	}
	if nt.Name == metadataKey {
		return 0, fmt.Errorf("tensor name %q is not allowed", nt.Name)
	}
	if nt.DType.Size() == 0 {
		return 0, fmt.Errorf("tensor %q: invalid dtype", nt.Name)
	}
	numel := int64(1)
	for _, d := range nt.Shape {
		var ok bool
		if numel, ok = mulCheck(numel, int64(d)); !ok {
			return 0, fmt.Errorf("tensor %q: bad shape %v", nt.Name, nt.Shape)
		}
	}
	nbytes, ok := mulCheck(numel, int64(nt.DType.Size()))
	if !ok {
		return 0, fmt.Errorf("tensor %q: shape %v overflows", nt.Name, nt.Shape)
	}
	switch {
	case nt.Float32s != nil:
		if nt.DType != Float32 {
			return 0, fmt.Errorf("tensor %q: Float32s with dtype %s", nt.Name, nt.DType)
		}
		if int64(len(nt.Float32s)) != numel {
			return 0, fmt.Errorf("tensor %q: shape %v needs %d values, got %d", nt.Name, nt.Shape, numel, len(nt.Float32s))
		}
	case nt.Source != nil:
		if nt.DType != nt.Source.DType || int64(nt.Source.NumElements()) != numel {
			return 0, fmt.Errorf("tensor %q: source %s does not match dtype %s shape %v", nt.Name, nt.Source, nt.DType, nt.Shape)
		}
	default:
		if int64(len(nt.Data)) != nbytes {
			return 0, fmt.Errorf("tensor %q: dtype %s and shape %v need %d bytes, got %d", nt.Name, nt.DType, nt.Shape, nbytes, len(nt.Data))
		}
	}
	return nbytes, nil
}

// writeData writes the tensor's bytes.
func (nt *NamedTensor) writeData(w io.Writer) error {
	switch {
	case nt.Float32s != nil:
		buf := make([]byte, 0, min(len(nt.Float32s)*4, chunkBytes))
		for i := 0; i < len(nt.Float32s); {
			buf = buf[:0]
			for ; i < len(nt.Float32s) && len(buf)+4 <= cap(buf); i++ {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(nt.Float32s[i]))
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	case nt.Source != nil:
		return nt.Source.writeRaw(w)
	}
	_, err := w.Write(nt.Data)
	return err
}

// encodeSafetensorsHeader returns the length prefix and JSON header for
// tensors laid out back to back in the given order, padded with spaces so
// that the data section starts at a multiple of 8 bytes (as the reference
// writer does). The tensors must already be valid.
func encodeSafetensorsHeader(tensors []NamedTensor, sizes []int64, meta map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(meta) > 0 {
		b.WriteString(`"__metadata__":{`)
		for i, k := range sortedKeys(meta) {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(&b, k)
			b.WriteByte(':')
			writeJSONString(&b, meta[k])
		}
		b.WriteByte('}')
	}
	off := int64(0)
	for i, t := range tensors {
		if i > 0 || len(meta) > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, t.Name)
		fmt.Fprintf(&b, `:{"dtype":%q,"shape":[`, t.DType.String())
		for j, d := range t.Shape {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%d", d)
		}
		fmt.Fprintf(&b, `],"data_offsets":[%d,%d]}`, off, off+sizes[i])
		off += sizes[i]
	}
	b.WriteByte('}')
	for (8+b.Len())%8 != 0 {
		b.WriteByte(' ')
	}
	out := make([]byte, 8, 8+b.Len())
	binary.LittleEndian.PutUint64(out, uint64(b.Len()))
	return append(out, b.Bytes()...), nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always encodes
	b.Write(enc)
}

// WriteSafetensors writes tensors (in the given order) and metadata to a
// safetensors file at path, atomically: the file appears complete or not at
// all. Names must be unique; "__metadata__" is reserved.
func WriteSafetensors(path string, tensors []NamedTensor, meta map[string]string) error {
	tensors = append([]NamedTensor(nil), tensors...)
	sizes := make([]int64, len(tensors))
	seen := map[string]bool{}
	for i := range tensors {
		n, err := tensors[i].resolve()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if seen[tensors[i].Name] {
			return fmt.Errorf("%s: tensor %q: name occurs twice", path, tensors[i].Name)
		}
		seen[tensors[i].Name] = true
		sizes[i] = n
	}
	for k, v := range meta {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return fmt.Errorf("%s: metadata %q: not valid UTF-8", path, k)
		}
	}
	for _, t := range tensors {
		if !utf8.ValidString(t.Name) {
			return fmt.Errorf("%s: tensor name %q is not valid UTF-8", path, t.Name)
		}
	}
	hdr, err := encodeSafetensorsHeader(tensors, sizes, meta)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		if _, err := w.Write(hdr); err != nil {
			return err
		}
		for i := range tensors {
			if err := tensors[i].writeData(w); err != nil {
				return fmt.Errorf("tensor %q: %w", tensors[i].Name, err)
			}
		}
		return nil
	})
}
