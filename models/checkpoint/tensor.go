package checkpoint

import (
	"errors"
	"fmt"
	"io"
	"math"
)

// source is the checkpoint file being read.
type source struct {
	name string // path for error messages
	ra   io.ReaderAt
	size int64
}

// blob is the byte range of one storage record in the checkpoint: a zip
// entry, a legacy storage, or the data section of a safetensors file.
type blob struct {
	src       *source
	name      string    // the record's name for error messages ("stem/data/3")
	off       int64     // file offset of the first byte (when zf is nil)
	size      int64     // length in bytes
	inflate   *inflater // a compressed zip entry, read by decompressing; nil when stored
	bigEndian bool      // elements are stored big-endian (zip byteorder record "big")
}

// readAt fills p with the record's bytes starting at off.
func (b *blob) readAt(p []byte, off int64) error {
	if off < 0 || off > b.size || int64(len(p)) > b.size-off {
		return kerr(ErrFormat, "read of %d bytes at %d is outside record %s of %d bytes", len(p), off, b.name, b.size)
	}
	if len(p) == 0 {
		return nil
	}
	if b.inflate == nil {
		n, err := b.src.ra.ReadAt(p, b.off+off)
		if n == len(p) {
			return nil
		}
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("record %s: %w", b.name, err)
	}
	if err := b.inflate.readAt(p, off); err != nil {
		return fmt.Errorf("record %s: %w", b.name, err)
	}
	return nil
}

// storage is a typed run of elements inside a blob: a PyTorch storage, or
// one tensor of a safetensors file.
type storage struct {
	key     string // storage key ("0", "1", ... in zip files) or tensor name
	dtype   DType
	numel   int64 // elements, as declared
	blob    *blob // nil until located (legacy format: after the main pickle)
	byteOff int64 // first byte within blob
}

// read fills dst with elements of s starting at element elem, in
// little-endian byte order.
func (s *storage) read(dst []byte, elem int64) error {
	isz := int64(s.dtype.Size())
	if s.blob == nil {
		return kerr(ErrFormat, "storage %q has no data", s.key)
	}
	if elem < 0 || elem > s.numel || int64(len(dst))/isz > s.numel-elem {
		return kerr(ErrFormat, "read of %d elements at %d is outside storage %q of %d elements", int64(len(dst))/isz, elem, s.key, s.numel)
	}
	if err := s.blob.readAt(dst, s.byteOff+elem*isz); err != nil {
		return err
	}
	if s.blob.bigEndian {
		swapBytes(dst, int(isz))
	}
	return nil
}

// tensorRef is a tensor as the unpickler rebuilds it: a strided view of a
// storage, validated against the storage's size.
type tensorRef struct {
	st      *storage
	offset  int64
	shape   []int64
	strides []int64
}

// check validates the view: non-negative sizes and strides, no overflow,
// and every element inside the storage.
func (t *tensorRef) check() error {
	if t.offset < 0 {
		return kerr(ErrFormat, "negative storage offset %d", t.offset)
	}
	numel := int64(1)
	for i, d := range t.shape {
		if d < 0 {
			return kerr(ErrFormat, "size[%d] = %d is negative", i, d)
		}
		if t.strides[i] < 0 {
			return kerr(ErrFormat, "stride[%d] = %d is negative", i, t.strides[i])
		}
		var ok bool
		if numel, ok = mulCheck(numel, d); !ok {
			return kerr(ErrLimit, "shape %v overflows", t.shape)
		}
	}
	// A view may overlap itself (stride 0) but may not hold more elements
	// than its storage: materialising it then costs at most the storage's
	// bytes, which the file has already shown to exist.
	if numel > t.st.numel {
		return kerr(ErrLimit, "shape %v has %d elements, more than its storage %q of %d", t.shape, numel, t.st.key, t.st.numel)
	}
	if numel == 0 {
		if t.offset > t.st.numel {
			return kerr(ErrFormat, "storage offset %d is past the end of storage %q of %d elements", t.offset, t.st.key, t.st.numel)
		}
		return nil
	}
	last, ok := lastIndex(t.offset, t.shape, t.strides)
	if !ok || last >= t.st.numel {
		return kerr(ErrFormat, "view (offset %d, size %v, stride %v) reaches past storage %q of %d elements", t.offset, t.shape, t.strides, t.st.key, t.st.numel)
	}
	return nil
}

// lastIndex returns offset + Σ (shape[i]-1)·strides[i], the storage index of
// a non-empty view's last element, and false on overflow.
func lastIndex(offset int64, shape, strides []int64) (int64, bool) {
	last := offset
	for i, d := range shape {
		p, ok := mulCheck(d-1, strides[i])
		if !ok || last > math.MaxInt64-p {
			return 0, false
		}
		last += p
	}
	return last, true
}

// mulCheck returns a·b for non-negative a, b and whether it fits in int64.
func mulCheck(a, b int64) (int64, bool) {
	if a < 0 || b < 0 {
		return 0, false
	}
	if a == 0 || b == 0 {
		return 0, true
	}
	if a > math.MaxInt64/b {
		return 0, false
	}
	return a * b, true
}

// Tensor is one named tensor of a checkpoint. Opening a checkpoint reads
// only this description; the data stay in the file until a method such as
// Float32, Rows or Bytes reads them. Tensors are safe for concurrent use,
// and stay readable until their File is closed. The exported fields
// describe the tensor as found in the file; treat them as read-only.
type Tensor struct {
	Name    string
	DType   DType
	Shape   []int // sizes, outermost first; empty for a scalar
	Strides []int // element steps per dimension (PyTorch's stride()); row-major for safetensors
	Offset  int   // index of the first element within the storage

	st   *storage
	file string // checkpoint path, for errors
}

func newTensor(file, name string, r *tensorRef) *Tensor {
	t := &Tensor{Name: name, DType: r.st.dtype, st: r.st, file: file, Offset: int(r.offset),
		Shape: make([]int, len(r.shape)), Strides: make([]int, len(r.strides))}
	for i := range r.shape {
		t.Shape[i] = int(r.shape[i])
		t.Strides[i] = int(r.strides[i])
	}
	return t
}

func (t *Tensor) String() string {
	return fmt.Sprintf("%s %s %v", t.Name, t.DType, t.Shape)
}

// NumElements returns the product of the shape (1 for a scalar).
func (t *Tensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// StorageKey names the storage the tensor views. Tensors of one PyTorch
// checkpoint with equal keys share memory in PyTorch (views of one buffer).
func (t *Tensor) StorageKey() string { return t.st.key }

// IsContiguous reports whether the elements lie in row-major order without
// gaps, as after PyTorch's .contiguous().
func (t *Tensor) IsContiguous() bool {
	want := 1
	for i := len(t.Shape) - 1; i >= 0; i-- {
		if t.Shape[i] != 1 && t.Strides[i] != want {
			return false
		}
		want *= t.Shape[i]
	}
	return true
}

// NumRows returns the size of the first dimension (the rows that Rows
// reads); a scalar has none.
func (t *Tensor) NumRows() int {
	if len(t.Shape) == 0 {
		return 0
	}
	return t.Shape[0]
}

// RowLen returns the number of elements of one row: the product of all
// sizes but the first (1 for a vector).
func (t *Tensor) RowLen() int {
	n := 1
	for _, d := range t.Shape[min(1, len(t.Shape)):] {
		n *= d
	}
	return n
}

func (t *Tensor) errorf(kind error, format string, args ...any) error {
	return errf(t.file, fmt.Sprintf("tensor %q", t.Name), kind, format, args...)
}

func (t *Tensor) wrap(err error) error {
	return wrapErr(t.file, fmt.Sprintf("tensor %q", t.Name), err)
}

// Bytes returns the elements in row-major order as little-endian bytes of
// t.DType, whatever the storage's layout and byte order.
func (t *Tensor) Bytes() ([]byte, error) {
	out := make([]byte, t.NumElements()*t.DType.Size())
	if err := t.readRaw(out); err != nil {
		return nil, t.wrap(err)
	}
	return out, nil
}

// Float32 returns the elements in row-major order converted to float32.
// bfloat16 and float16 widen exactly; float64 rounds to nearest. Integer and
// bool tensors are refused (use Int64s) so that no value is silently
// rounded.
func (t *Tensor) Float32() ([]float32, error) {
	if !t.DType.IsFloat() {
		return nil, t.errorf(ErrFormat, "dtype %s is not a float type (use Int64s)", t.DType)
	}
	out := make([]float32, t.NumElements())
	if err := t.decodeFloat32(out); err != nil {
		return nil, t.wrap(err)
	}
	return out, nil
}

// Int64s returns the elements of an integer or bool tensor in row-major
// order, widened to int64.
func (t *Tensor) Int64s() ([]int64, error) {
	if !t.DType.IsInt() {
		return nil, t.errorf(ErrFormat, "dtype %s is not an integer type (use Float32)", t.DType)
	}
	n := t.NumElements()
	raw := make([]byte, n*t.DType.Size())
	if err := t.readRaw(raw); err != nil {
		return nil, t.wrap(err)
	}
	out := make([]int64, n)
	decodeInt64(out, raw, t.DType)
	return out, nil
}

// Row returns row i (along the first dimension) as float32.
func (t *Tensor) Row(i int) ([]float32, error) { return t.Rows(i, 1) }

// Rows returns count rows starting at row start, as float32 in row-major
// order (count·RowLen() values). Only the bytes of those rows are read from
// the file, so a few rows of a multi-gigabyte embedding table are cheap.
func (t *Tensor) Rows(start, count int) ([]float32, error) {
	if count < 0 {
		return nil, t.errorf(ErrFormat, "negative row count %d", count)
	}
	if len(t.Shape) > 0 && count > t.Shape[0] {
		return nil, t.errorf(ErrFormat, "rows [%d, %d) are outside [0, %d)", start, start+count, t.Shape[0])
	}
	dst := make([]float32, count*t.RowLen())
	if err := t.RowsInto(dst, start); err != nil {
		return nil, err
	}
	return dst, nil
}

// RowsInto fills dst with len(dst)/RowLen() rows starting at row start,
// converted to float32; len(dst) must be a multiple of RowLen(). It lets a
// caller reuse one buffer for many lookups.
func (t *Tensor) RowsInto(dst []float32, start int) error {
	if !t.DType.IsFloat() {
		return t.errorf(ErrFormat, "dtype %s is not a float type", t.DType)
	}
	if len(t.Shape) == 0 {
		return t.errorf(ErrFormat, "a scalar has no rows")
	}
	rl := t.RowLen()
	if rl == 0 {
		if len(dst) != 0 {
			return t.errorf(ErrFormat, "rows are empty, got a buffer of %d values", len(dst))
		}
		return nil
	}
	if len(dst)%rl != 0 {
		return t.errorf(ErrFormat, "buffer of %d values is not a whole number of rows of %d", len(dst), rl)
	}
	count := len(dst) / rl
	if start < 0 || start > t.Shape[0] || count > t.Shape[0]-start {
		return t.errorf(ErrFormat, "rows [%d, %d) are outside [0, %d)", start, start+count, t.Shape[0])
	}
	v := *t
	v.Shape = append([]int(nil), t.Shape...)
	v.Shape[0] = count
	v.Offset = t.Offset + start*t.Strides[0]
	if count == 0 {
		return nil
	}
	return t.wrap(v.decodeFloat32(dst))
}

// chunkBytes bounds the scratch buffer used when converting contiguous
// tensors, so that Float32 of a 2 GB table needs the output and 1 MiB more.
const chunkBytes = 1 << 20

// decodeFloat32 fills dst (NumElements values) from a float tensor.
func (t *Tensor) decodeFloat32(dst []float32) error {
	if t.IsContiguous() {
		return t.readChunks(len(dst), func(i int, raw []byte) error {
			decodeFloat32(dst[i:i+len(raw)/t.DType.Size()], raw, t.DType)
			return nil
		})
	}
	raw := make([]byte, len(dst)*t.DType.Size())
	if err := t.gather(raw); err != nil {
		return err
	}
	decodeFloat32(dst, raw, t.DType)
	return nil
}

// readRaw fills dst (NumElements·itemsize bytes) with the elements in
// row-major order.
func (t *Tensor) readRaw(dst []byte) error {
	if len(dst) == 0 {
		return nil
	}
	if t.IsContiguous() {
		return t.st.read(dst, int64(t.Offset))
	}
	return t.gather(dst)
}

// gather materialises a strided view: it reads the storage span the view
// touches once and copies the elements out in row-major order.
func (t *Tensor) gather(dst []byte) error {
	isz := t.DType.Size()
	n := len(dst) / isz
	if n == 0 {
		return nil
	}
	shape := make([]int64, len(t.Shape))
	strides := make([]int64, len(t.Strides))
	for i := range t.Shape {
		shape[i], strides[i] = int64(t.Shape[i]), int64(t.Strides[i])
	}
	lo := int64(t.Offset)
	hi, ok := lastIndex(lo, shape, strides)
	if !ok {
		return errors.New("view overflows")
	}
	src := make([]byte, (hi-lo+1)*int64(isz))
	if err := t.st.read(src, lo); err != nil {
		return err
	}
	nd := len(shape)
	if nd == 0 {
		copy(dst, src[:isz])
		return nil
	}
	inner, innerStride := int(shape[nd-1]), int(strides[nd-1])
	idx := make([]int, nd-1)
	pos := 0
	for pos < len(dst) {
		base := 0
		for i, j := range idx {
			base += j * int(strides[i])
		}
		for j := 0; j < inner; j++ {
			s := (base + j*innerStride) * isz
			copy(dst[pos:pos+isz], src[s:s+isz])
			pos += isz
		}
		for i := nd - 2; i >= 0; i-- {
			idx[i]++
			if idx[i] < int(shape[i]) {
				break
			}
			idx[i] = 0
		}
	}
	return nil
}

// writeRaw streams the tensor's little-endian row-major bytes to w in
// chunks, so that converting a large checkpoint never holds a whole table.
func (t *Tensor) writeRaw(w io.Writer) error {
	n := t.NumElements()
	if !t.IsContiguous() {
		raw, err := t.Bytes()
		if err != nil {
			return err
		}
		_, err = w.Write(raw)
		return err
	}
	var werr error
	err := t.readChunks(n, func(_ int, raw []byte) error {
		_, werr = w.Write(raw)
		return werr
	})
	if werr != nil {
		return werr
	}
	return t.wrap(err)
}

// readChunks reads the first n elements of a contiguous tensor in chunks of
// at most chunkBytes, calling f with the index of each chunk's first element
// and its little-endian bytes (valid until f returns).
func (t *Tensor) readChunks(n int, f func(i int, raw []byte) error) error {
	isz := t.DType.Size()
	per := chunkBytes / isz
	buf := make([]byte, min(n, per)*isz)
	for i := 0; i < n; i += per {
		raw := buf[:min(per, n-i)*isz]
		if err := t.st.read(raw, int64(t.Offset+i)); err != nil {
			return err
		}
		if err := f(i, raw); err != nil {
			return err
		}
	}
	return nil
}
