package checkpoint

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"
)

// deflatedTable returns a torch.save-style archive whose data.pkl and one
// rows×cols float32 storage are deflated, and the values it holds.
func deflatedTable(rows, cols int64) ([]byte, []float32) {
	vals := make([]float32, rows*cols)
	raw := make([]byte, 4*len(vals))
	for i := range vals {
		// Varied enough that deflate cannot shrink it to nothing.
		vals[i] = float32(i%977) - float32(i%13)/8
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(vals[i]))
	}
	ts := []fakeTensor{{name: "w", storageType: "FloatStorage", key: "0", numel: rows * cols, shape: []int64{rows, cols}, stride: rowMajor(rows, cols)}}
	return torchZipBytes("archive", []zipRecord{
		{name: "data.pkl", raw: stateDictPickle(ts), deflate: true},
		{name: "data/0", raw: raw, deflate: true},
	}), vals
}

// BenchmarkDeflatedFloat32 reads a whole deflated float32 tensor, which is
// converted in 1 MiB chunks: the record must be inflated once, not once per
// chunk.
func BenchmarkDeflatedFloat32(b *testing.B) {
	for _, mib := range []int64{8, 32} {
		b.Run(fmt.Sprintf("%dMiB", mib), func(b *testing.B) {
			const cols = 256
			data, _ := deflatedTable(mib<<20/4/cols, cols)
			f, err := NewFile(bytesReaderAt(data), int64(len(data)), "bench.pt", Limits{})
			if err != nil {
				b.Fatal(err)
			}
			w, _ := f.Tensor("w")
			b.SetBytes(mib << 20)
			b.ResetTimer()
			for range b.N {
				if _, err := w.Float32(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
