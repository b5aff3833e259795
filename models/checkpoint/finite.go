package checkpoint

import "math"

// CheckFinite returns an error naming the file, the tensor and the first
// element (row-major index) that is NaN or ±Inf as float32 — what the
// engine computes in, so a float64 beyond float32's range counts as Inf.
// A model holding one would only ever produce NaN; loaders refuse it, and
// converters check with this before writing. The tensor is read in chunks
// of at most 1 MiB (a strided view whole), so a large table is never held.
// Integer and bool tensors have no such values.
func (t *Tensor) CheckFinite() error {
	if !t.DType.IsFloat() {
		return nil
	}
	n := t.NumElements()
	if n == 0 {
		return nil
	}
	isz := t.DType.Size()
	vals := make([]float32, min(n, chunkBytes/isz))
	check := func(i int, raw []byte) error {
		v := vals[:len(raw)/isz]
		decodeFloat32(v, raw, t.DType)
		for j, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return t.errorf(ErrFormat, "element %d is %v: a model with non-finite weights computes only NaN", i+j, x)
			}
		}
		return nil
	}
	if !t.IsContiguous() {
		raw, err := t.Bytes()
		if err != nil {
			return err
		}
		vals = make([]float32, n)
		return check(0, raw)
	}
	return t.wrap(t.readChunks(n, check))
}
