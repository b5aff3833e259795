package checkpoint

import (
	"encoding/binary"
	"fmt"
	"math"
)

// DType is the element type of a tensor as stored in a checkpoint.
type DType uint8

// The element types understood by this package. Their names follow
// safetensors (F32, BF16, ...); PyTorch's storage classes map onto them
// (FloatStorage → Float32, BFloat16Storage → BFloat16, HalfStorage →
// Float16, DoubleStorage → Float64, LongStorage → Int64, IntStorage → Int32,
// ShortStorage → Int16, CharStorage → Int8, ByteStorage and UntypedStorage
// → Uint8, BoolStorage → Bool).
const (
	InvalidDType DType = iota
	Float32            // F32, torch.float32
	BFloat16           // BF16, torch.bfloat16: the upper 16 bits of a float32
	Float16            // F16, torch.float16 (IEEE 754 half precision)
	Float64            // F64, torch.float64
	Int64              // I64, torch.int64
	Int32              // I32, torch.int32
	Int16              // I16, torch.int16
	Int8               // I8, torch.int8
	Uint8              // U8, torch.uint8
	Bool               // BOOL, torch.bool: one byte, 0 or 1
)

var dtypeInfo = [...]struct {
	name string // safetensors name
	size int    // bytes per element
}{
	InvalidDType: {"invalid", 0},
	Float32:      {"F32", 4},
	BFloat16:     {"BF16", 2},
	Float16:      {"F16", 2},
	Float64:      {"F64", 8},
	Int64:        {"I64", 8},
	Int32:        {"I32", 4},
	Int16:        {"I16", 2},
	Int8:         {"I8", 1},
	Uint8:        {"U8", 1},
	Bool:         {"BOOL", 1},
}

// String returns the safetensors name of d ("F32", "BF16", ...).
func (d DType) String() string {
	if int(d) < len(dtypeInfo) {
		return dtypeInfo[d].name
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Size returns the number of bytes of one element, 0 for an invalid DType.
func (d DType) Size() int {
	if int(d) < len(dtypeInfo) {
		return dtypeInfo[d].size
	}
	return 0
}

// IsFloat reports whether d is a floating-point type, i.e. whether
// (*Tensor).Float32 accepts it.
func (d DType) IsFloat() bool {
	return d == Float32 || d == BFloat16 || d == Float16 || d == Float64
}

// IsInt reports whether d is an integer or bool type, i.e. whether
// (*Tensor).Int64s accepts it.
func (d DType) IsInt() bool {
	return d == Int64 || d == Int32 || d == Int16 || d == Int8 || d == Uint8 || d == Bool
}

// TorchName returns the PyTorch name of d ("torch.float32", ...), the form
// used in the "keys" maps of the parity fixtures.
func (d DType) TorchName() string {
	switch d {
	case Float32:
		return "torch.float32"
	case BFloat16:
		return "torch.bfloat16"
	case Float16:
		return "torch.float16"
	case Float64:
		return "torch.float64"
	case Int64:
		return "torch.int64"
	case Int32:
		return "torch.int32"
	case Int16:
		return "torch.int16"
	case Int8:
		return "torch.int8"
	case Uint8:
		return "torch.uint8"
	case Bool:
		return "torch.bool"
	}
	return d.String()
}

// ParseDType maps a safetensors dtype name ("F32", "BF16", ...) to a DType.
func ParseDType(s string) (DType, bool) {
	for d := Float32; int(d) < len(dtypeInfo); d++ {
		if dtypeInfo[d].name == s {
			return d, true
		}
	}
	return InvalidDType, false
}

// torchStorageTypes maps the class names of PyTorch's typed storages, as
// they appear in pickled persistent ids (GLOBAL 'torch FloatStorage'), to
// element types. UntypedStorage holds bytes.
var torchStorageTypes = map[string]DType{
	"FloatStorage":    Float32,
	"BFloat16Storage": BFloat16,
	"HalfStorage":     Float16,
	"DoubleStorage":   Float64,
	"LongStorage":     Int64,
	"IntStorage":      Int32,
	"ShortStorage":    Int16,
	"CharStorage":     Int8,
	"ByteStorage":     Uint8,
	"BoolStorage":     Bool,
	"UntypedStorage":  Uint8,
}

// BFloat16ToFloat32 widens a bfloat16 bit pattern exactly: bfloat16 is the
// upper half of a float32.
func BFloat16ToFloat32(b uint16) float32 {
	return math.Float32frombits(uint32(b) << 16)
}

// Float16ToFloat32 widens an IEEE 754 half-precision bit pattern exactly,
// including subnormals, infinities and NaNs (the payload is kept).
func Float16ToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		// Subnormal half: normalise into float32's range.
		e := uint32(127 - 15 + 1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		mant &= 0x3ff
		return math.Float32frombits(sign | e<<23 | mant<<13)
	default:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	}
}

// decodeFloat32 converts n little-endian elements of a float dtype in src
// to float32 in dst. The caller guarantees len(src) >= n*dt.Size().
func decodeFloat32(dst []float32, src []byte, dt DType) {
	le := binary.LittleEndian
	switch dt {
	case Float32:
		for i := range dst {
			dst[i] = math.Float32frombits(le.Uint32(src[4*i:]))
		}
	case BFloat16:
		for i := range dst {
			dst[i] = BFloat16ToFloat32(le.Uint16(src[2*i:]))
		}
	case Float16:
		for i := range dst {
			dst[i] = Float16ToFloat32(le.Uint16(src[2*i:]))
		}
	case Float64:
		for i := range dst {
			dst[i] = float32(math.Float64frombits(le.Uint64(src[8*i:])))
		}
	}
}

// decodeInt64 converts little-endian elements of an integer or bool dtype in
// src to int64 in dst.
func decodeInt64(dst []int64, src []byte, dt DType) {
	le := binary.LittleEndian
	switch dt {
	case Int64:
		for i := range dst {
			dst[i] = int64(le.Uint64(src[8*i:]))
		}
	case Int32:
		for i := range dst {
			dst[i] = int64(int32(le.Uint32(src[4*i:])))
		}
	case Int16:
		for i := range dst {
			dst[i] = int64(int16(le.Uint16(src[2*i:])))
		}
	case Int8:
		for i := range dst {
			dst[i] = int64(int8(src[i]))
		}
	case Uint8, Bool:
		for i := range dst {
			dst[i] = int64(src[i])
		}
	}
}

// swapBytes reverses the byte order of every size-byte element of p in
// place; it converts big-endian storages to the little-endian form used
// everywhere else in this package.
func swapBytes(p []byte, size int) {
	if size <= 1 {
		return
	}
	for i := 0; i+size <= len(p); i += size {
		e := p[i : i+size]
		for a, b := 0, size-1; a < b; a, b = a+1, b-1 {
			e[a], e[b] = e[b], e[a]
		}
	}
}
