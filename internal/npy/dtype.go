package npy

import (
	"encoding/binary"
	"fmt"
	"math"
)

// DType is a simple (non-structured) NumPy element type such as '<i4'.
// Byte order is resolved at parse time so that DType values compare equal
// whenever they describe the same on-disk encoding.
type DType struct {
	Kind      byte // 'b' (bool), 'i' (signed int), 'u' (unsigned int) or 'f' (float)
	Size      int  // bytes per element: 1, 2, 4 or 8
	BigEndian bool // always false when Size == 1
}

// nativeBig reports whether this machine is big-endian; '=' (and '|' on a
// multi-byte type, which NumPy treats the same way) means native order.
var nativeBig = binary.NativeEndian.Uint16([]byte{0, 1}) == 1

// ParseDescr parses a NumPy type descriptor string. The byte-order prefix
// ('<', '>', '|' or '=') is required; supported types are b1, i1/u1, i2/u2,
// i4/u4, i8/u8, f4 and f8.
func ParseDescr(descr string) (DType, error) {
	if len(descr) != 3 {
		return DType{}, fmt.Errorf("unsupported dtype %q (want e.g. '<i4')", descr)
	}
	var d DType
	switch descr[0] {
	case '<':
	case '>':
		d.BigEndian = true
	case '|', '=':
		d.BigEndian = nativeBig
	default:
		return DType{}, fmt.Errorf("unsupported dtype %q: byte order must be one of < > | =", descr)
	}
	d.Kind = descr[1]
	switch descr[2] {
	case '1', '2', '4', '8':
		d.Size = int(descr[2] - '0')
	default:
		return DType{}, fmt.Errorf("unsupported dtype %q: bad item size", descr)
	}
	switch d.Kind {
	case 'b':
		if d.Size != 1 {
			return DType{}, fmt.Errorf("unsupported dtype %q: bool must be b1", descr)
		}
	case 'i', 'u':
	case 'f':
		if d.Size != 4 && d.Size != 8 {
			return DType{}, fmt.Errorf("unsupported dtype %q: only f4 and f8 floats", descr)
		}
	default:
		return DType{}, fmt.Errorf("unsupported dtype %q: only bool, integer and float types", descr)
	}
	if d.Size == 1 {
		d.BigEndian = false
	}
	return d, nil
}

// String returns the canonical descriptor NumPy writes for this type
// (dtype.str): '|' for one-byte types, otherwise '<' or '>'.
func (d DType) String() string {
	order := byte('<')
	switch {
	case d.Size == 1:
		order = '|'
	case d.BigEndian:
		order = '>'
	}
	return string([]byte{order, d.Kind, byte('0' + d.Size)})
}

// order returns the byte order used to decode multi-byte elements.
func (d DType) order() binary.ByteOrder {
	if d.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// appendOrder is order for the encoder's Append methods.
func (d DType) appendOrder() binary.AppendByteOrder {
	if d.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// Integer is the set of Go integer types the typed accessors convert to.
type Integer interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~int | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint
}

// RangeError reports an element that cannot be represented in the requested
// Go type (out of range, or a non-integer dtype).
type RangeError struct {
	Index int64  // flat element index, relative to the decoded bytes
	Value string // the offending value as text
	Type  string // the requested Go type
}

func (e *RangeError) Error() string {
	return fmt.Sprintf("element %d: value %s out of %s range", e.Index, e.Value, e.Type)
}

// AppendInts decodes raw elements of type dt, appends them to dst as T and
// returns the extended slice. An element outside T's range yields a
// *RangeError; floats are rejected because they are not exact integers.
// Bools decode as 0 or 1. len(raw) must be a multiple of dt.Size.
func AppendInts[T Integer](dst []T, dt DType, raw []byte) ([]T, error) {
	if dt.Kind == 'f' {
		return dst, fmt.Errorf("cannot convert float dtype %s to %T", dt, T(0))
	}
	if err := checkWhole(dt, raw); err != nil {
		return dst, err
	}
	n := len(raw) / dt.Size
	dst = growSlice(dst, n)
	bo := dt.order()
	for i := 0; i < n; i++ {
		s, u := rawInt(dt, bo, raw[i*dt.Size:])
		var v T
		var ok bool
		if dt.Kind == 'i' {
			v = T(s)
			ok = int64(v) == s && (v < 0) == (s < 0)
		} else {
			v = T(u)
			ok = uint64(v) == u && v >= 0
		}
		if !ok {
			val := fmt.Sprint(u)
			if dt.Kind == 'i' {
				val = fmt.Sprint(s)
			}
			return dst, &RangeError{Index: int64(i), Value: val, Type: fmt.Sprintf("%T", v)}
		}
		dst = append(dst, v)
	}
	return dst, nil
}

// AppendFloats decodes raw elements of any supported type as float64 and
// appends them to dst. Integers beyond 2^53 are rounded.
func AppendFloats(dst []float64, dt DType, raw []byte) ([]float64, error) {
	if err := checkWhole(dt, raw); err != nil {
		return dst, err
	}
	dst = growSlice(dst, len(raw)/dt.Size)
	bo := dt.order()
	for i := 0; i < len(raw); i += dt.Size {
		b := raw[i:]
		switch {
		case dt.Kind == 'f' && dt.Size == 4:
			dst = append(dst, float64(math.Float32frombits(bo.Uint32(b))))
		case dt.Kind == 'f':
			dst = append(dst, math.Float64frombits(bo.Uint64(b)))
		case dt.Kind == 'i':
			s, _ := rawInt(dt, bo, b)
			dst = append(dst, float64(s))
		default:
			_, u := rawInt(dt, bo, b)
			dst = append(dst, float64(u))
		}
	}
	return dst, nil
}

// rawInt reads one integer or bool element from the start of b, returning
// it both sign-extended (s) and zero-extended (u). Bools are 0 or 1.
func rawInt(dt DType, bo binary.ByteOrder, b []byte) (s int64, u uint64) {
	switch dt.Size {
	case 1:
		u, s = uint64(b[0]), int64(int8(b[0]))
	case 2:
		x := bo.Uint16(b)
		u, s = uint64(x), int64(int16(x))
	case 4:
		x := bo.Uint32(b)
		u, s = uint64(x), int64(int32(x))
	default:
		u = bo.Uint64(b)
		s = int64(u)
	}
	if dt.Kind == 'b' && u != 0 {
		u, s = 1, 1 // NumPy treats any non-zero byte as True
	}
	return s, u
}

// checkWhole verifies raw holds a whole number of elements.
func checkWhole(dt DType, raw []byte) error {
	if dt.Size != 1 && dt.Size != 2 && dt.Size != 4 && dt.Size != 8 {
		return fmt.Errorf("invalid dtype size %d", dt.Size)
	}
	if len(raw)%dt.Size != 0 {
		return fmt.Errorf("%d bytes is not a whole number of %d-byte elements", len(raw), dt.Size)
	}
	return nil
}

// growSlice makes room for n more elements so appends do not reallocate.
func growSlice[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	out := make([]T, len(s), len(s)+n)
	copy(out, s)
	return out
}
