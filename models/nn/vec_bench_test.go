package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The vec.go functions as they were before the vector kernels (float64
// math.Exp, float64 sums, scalar loops), for before/after benchmarks.

func legacySiLUMul(dst, g, u []float32) {
	g, u = g[:len(dst)], u[:len(dst)]
	for i := range dst {
		dst[i] = g[i] / (1 + float32(math.Exp(float64(-g[i])))) * u[i]
	}
}

func legacyExp(dst, x []float32) {
	x = x[:len(dst)]
	for i := range dst {
		dst[i] = float32(math.Exp(float64(x[i])))
	}
}

func legacySoftmax(x []float32, rows, n int) {
	for r := 0; r < rows; r++ {
		row := x[r*n : (r+1)*n]
		m := row[0]
		for _, v := range row[1:] {
			m = max(m, v)
		}
		var sum float32
		for i, v := range row {
			e := float32(math.Exp(float64(v - m)))
			row[i] = e
			sum += e
		}
		inv := 1 / sum
		for i := range row {
			row[i] *= inv
		}
	}
}

func legacyRMSNorm(x []float32, rows, dim int, eps float32) {
	for r := 0; r < rows; r++ {
		row := x[r*dim : (r+1)*dim]
		var ss float64
		for _, v := range row {
			ss += float64(v) * float64(v)
		}
		inv := float32(1 / math.Sqrt(ss/float64(dim)+float64(eps)))
		for i := range row {
			row[i] *= inv
		}
	}
}

func legacyAddInto(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

func legacyAdd(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] + b[i]
	}
}

func legacyScale(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}

func legacyTranspose(dst, src []float32, rows, cols int) {
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			dst[c*rows+r] = src[r*cols+c]
		}
	}
}

func legacyArgmax(dst []int32, x []float32, rows, n int) {
	for r := 0; r < rows; r++ {
		row := x[r*n : (r+1)*n]
		best := 0
		for i, v := range row {
			if v > row[best] {
				best = i
			}
		}
		dst[r] = int32(best)
	}
}

// vecBenchShapes are (rows, cols): one SwiGLU row, the Sudoku mlp_t
// transposed sequence (hidden 512 × T 97) and a large matrix.
var vecBenchShapes = [][2]int{{1, 1536}, {512, 97}, {4096, 512}}

// benchVec runs body for each shape, once with the legacy code and once per
// kernel, reporting ns per element.
func benchVec(b *testing.B, shapes [][2]int, legacy, body func(rows, cols int, x, y, z []float32)) {
	for _, sh := range shapes {
		rows, cols := sh[0], sh[1]
		n := rows * cols
		rng := rand.New(rand.NewPCG(1, uint64(n)))
		x, y, z := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], y[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		run := func(name string, f func(rows, cols int, x, y, z []float32)) {
			b.Run(fmt.Sprintf("%dx%d/%s", rows, cols, name), func(b *testing.B) {
				b.SetBytes(int64(4 * n))
				for b.Loop() {
					f(rows, cols, x, y, z)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
		run("legacy", legacy)
		saved := vecImpl
		for _, k := range vecKernels {
			vecImpl = k
			run(k.name, body)
		}
		vecImpl = saved
	}
}

func BenchmarkSiLUMul(b *testing.B) {
	benchVec(b, vecBenchShapes,
		func(rows, cols int, x, y, z []float32) { legacySiLUMul(z, x, y) },
		func(rows, cols int, x, y, z []float32) { SiLUMul(z, x, y) })
}

func BenchmarkExp(b *testing.B) {
	benchVec(b, vecBenchShapes,
		func(rows, cols int, x, y, z []float32) { legacyExp(z, x) },
		func(rows, cols int, x, y, z []float32) { Exp(z, x) })
}

// Softmax and RMSNorm work on z, refreshed from x each time (the copy is
// timed in both variants).
func BenchmarkSoftmax(b *testing.B) {
	benchVec(b, vecBenchShapes,
		func(rows, cols int, x, y, z []float32) { copy(z, x); legacySoftmax(z, rows, cols) },
		func(rows, cols int, x, y, z []float32) { copy(z, x); Softmax(z, rows, cols) })
}

func BenchmarkRMSNorm(b *testing.B) {
	benchVec(b, vecBenchShapes,
		func(rows, cols int, x, y, z []float32) { copy(z, x); legacyRMSNorm(z, rows, cols, 1e-5) },
		func(rows, cols int, x, y, z []float32) { copy(z, x); RMSNorm(z, rows, cols, 1e-5) })
}

func BenchmarkAddInto(b *testing.B) {
	benchVec(b, vecBenchShapes,
		func(rows, cols int, x, y, z []float32) { legacyAddInto(z, x) },
		func(rows, cols int, x, y, z []float32) { AddInto(z, x) })
}

func BenchmarkAdd(b *testing.B) {
	benchVec(b, vecBenchShapes,
		func(rows, cols int, x, y, z []float32) { legacyAdd(z, x, y) },
		func(rows, cols int, x, y, z []float32) { Add(z, x, y) })
}

func BenchmarkScale(b *testing.B) {
	benchVec(b, vecBenchShapes,
		func(rows, cols int, x, y, z []float32) { legacyScale(z, 0.999) },
		func(rows, cols int, x, y, z []float32) { Scale(z, 0.999) })
}

func BenchmarkTranspose(b *testing.B) {
	shapes := append([][2]int{{97, 512}}, vecBenchShapes...)
	benchVec(b, shapes,
		func(rows, cols int, x, y, z []float32) { legacyTranspose(z, x, rows, cols) },
		func(rows, cols int, x, y, z []float32) { Transpose(z, x, rows, cols) })
}

func BenchmarkArgmax(b *testing.B) {
	shapes := append([][2]int{{648, 11}}, vecBenchShapes...)
	idx := make([]int32, 4096)
	benchVec(b, shapes,
		func(rows, cols int, x, y, z []float32) { legacyArgmax(idx, x, rows, cols) },
		func(rows, cols int, x, y, z []float32) { Argmax(idx, x, rows, cols) })
}

// BenchmarkRoPEApplyQK rotates the Q and K heads of one Maze/ARC qkv
// projection (916 rows of 3·512, 8 heads of 64) with each vector kernel;
// ns/elem per rotated value.
//
//	go test -run '^$' -bench RoPEApplyQK ./models/nn
func BenchmarkRoPEApplyQK(b *testing.B) {
	const T, heads, hd = 916, 8, 64
	rope := NewRoPE(T, hd, 10000)
	rng := rand.New(rand.NewPCG(1, 2))
	qkv := make([]float32, T*3*heads*hd)
	for i := range qkv {
		qkv[i] = float32(rng.NormFloat64())
	}
	saved := vecImpl
	defer func() { vecImpl = saved }()
	for _, k := range vecKernels {
		b.Run(k.name, func(b *testing.B) {
			vecImpl = k
			for b.Loop() {
				rope.ApplyQK(qkv, 0, T, heads) // values grow slowly: |rotation| = 1
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(T*2*heads*hd), "ns/elem")
		})
	}
}
