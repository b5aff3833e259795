package checkpoint

import (
	"encoding/binary"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// CheckFinite names the first NaN or ±Inf element as float32 (its index
// counted across the 1 MiB chunks it reads), in every float dtype; finite
// and integer tensors pass.
func TestCheckFinite(t *testing.T) {
	big := make([]float32, 300_000) // > one chunk of 262144 float32
	big[290_001] = float32(math.NaN())
	f64 := make([]byte, 3*8)
	binary.LittleEndian.PutUint64(f64[8:], math.Float64bits(1e300)) // finite in float64, +Inf in float32
	bf16 := []byte{0, 0, 0xC0, 0x7F}                                // 0, NaN
	i64 := make([]byte, 8)
	binary.LittleEndian.PutUint64(i64, math.MaxUint64)
	path := filepath.Join(t.TempDir(), "t.safetensors")
	if err := WriteSafetensors(path, []NamedTensor{
		Float32Tensor("big", []int{300, 1000}, big),
		Float32Tensor("fine", []int{2}, []float32{1, -3e38}),
		{Name: "f64", DType: Float64, Shape: []int{3}, Data: f64},
		{Name: "bf16", DType: BFloat16, Shape: []int{2}, Data: bf16},
		{Name: "ints", DType: Int64, Shape: []int{1}, Data: i64},
	}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := OpenSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, want := range map[string]string{
		"big":  `tensor "big": element 290001 is NaN`,
		"fine": "",
		"f64":  `tensor "f64": element 1 is +Inf`,
		"bf16": `tensor "bf16": element 1 is NaN`,
		"ints": "",
	} {
		tn, _ := f.Tensor(name)
		err := tn.CheckFinite()
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("%s: %v, want %s: …%s…", name, err, path, want)
		}
	}
}
