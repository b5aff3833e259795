package nn

import "fmt"

// Elementwise passes of the bf16 forward pass, rows in parallel (as
// epilogue.go): each rounds to bf16 exactly where PyTorch's bfloat16 forward
// stores a bf16 tensor, computing in float32 in between (PyTorch's "opmath"
// for bf16 elementwise ops). Rows are independent, so the bits depend on
// neither threads nor batch; every kernel (assembly or Go) gives the same
// bits.

// RoundBF16Rows rounds x (rows, dim) to bf16 values in place, rows in
// parallel: the bf16 output of a GEMM that accumulated in float32.
func RoundBF16Rows(x []float32, rows, dim int) {
	if rows <= 0 || dim <= 0 {
		return
	}
	j := newRowJob(roundRows, dim, x[:rows*dim], nil, nil, nil)
	parallelRows(rows, addRMSNormMinRows, j)
	j.free()
}

func roundRows(j *rowJob, lo, hi int) { roundBF16(j.a[lo*j.n : hi*j.n]) }

// AddRMSNormBF16 is the bf16 post-norm residual of the official block:
// h (rows, dim) = bf16(RMSNorm(bf16(h + x))), h and x holding bf16 values
// (the add is a bf16 tensor op; rms_norm computes in float32 and casts
// back).
//
// Shapes: Sudoku h (8·97, 512), Maze/ARC h (B·916, 512).
func AddRMSNormBF16(h, x []float32, rows, dim int, eps float32) {
	if rows <= 0 || dim <= 0 {
		return
	}
	j := newRowJob(addRMSNormBF16Rows, dim, h[:rows*dim], x[:rows*dim], nil, nil)
	j.eps = eps
	parallelRows(rows, addRMSNormMinRows, j)
	j.free()
}

func addRMSNormBF16Rows(j *rowJob, lo, hi int) {
	dim := j.n
	k := vecImpl
	row, x := j.a[lo*dim:hi*dim], j.b[lo*dim:hi*dim]
	k.addInto(row, x)
	roundBF16(row)
	k.rmsNorm(row, hi-lo, dim, j.eps)
	roundBF16(row)
}

// addNormTrainBF16 is AddRMSNormBF16 keeping the norm's factors:
// h (rows, dim) = x̂(RMSNorm(x̂(h + x))), r (rows) = 1/rms of x̂(h + x).
func addNormTrainBF16(h, x, r []float32, rows, dim int, eps float32) {
	AddBF16(h[:rows*dim], h, x)
	RMSNormTrain(h, r, rows, dim, eps)
	RoundBF16Rows(h, rows, dim)
}

// AddBF16 sets dst = bf16(a + b) for a and b holding bf16 values: the
// bf16 sums of the recursion (z_H + x, z_L + injection).
func AddBF16(dst, a, b []float32) {
	if len(dst) == 0 {
		return
	}
	vecImpl.add(dst, a[:len(dst)], b[:len(dst)])
	roundBF16(dst)
}

// SwiGLUGateBF16 writes h (rows, inter) = bf16(bf16(silu(g))·u) from the
// bf16 gate_up output gu (rows, 2·inter), each row [g | u]: F.silu on a bf16
// tensor rounds its float32 result, and the product of two bf16 tensors is
// rounded again.
//
// Shapes: Sudoku gu (8·97, 2·1536), mlp_t gu (8·512, 2·512), Maze/ARC gu
// (B·916, 2·1536).
func SwiGLUGateBF16(h, gu []float32, rows, inter int) {
	if rows <= 0 || inter <= 0 {
		return
	}
	j := newRowJob(gateBF16Rows, inter, h[:rows*inter], gu[:rows*2*inter], nil, nil)
	parallelRows(rows, 16, j)
	j.free()
}

func gateBF16Rows(j *rowJob, lo, hi int) {
	I := j.n
	k := roundImpl
	for r := lo; r < hi; r++ {
		k.gate(j.a[r*I:(r+1)*I], j.b[2*r*I:(2*r+1)*I], j.b[(2*r+1)*I:(2*r+2)*I])
	}
}

// MatMulAddRMSNormBF16 is the bf16 residual after a product, fused:
// h (rows, n) = x̂(RMSNorm(x̂(h + x̂(a·B)))) for a (rows, k), with the
// bits of MatMulPackedBF16Round into a temporary and AddRMSNormBF16. Each
// task spans all n columns of its rows, so a row's product, add and norm
// happen in cache without writing the product to memory.
//
// Shapes: o_proj and down: Sudoku (8·97, 512), Maze/ARC (B·916, 512);
// mlp_t down (512, 97) per sequence.
func MatMulAddRMSNormBF16(h, a []float32, rows int, b *PackedBF16, eps float32) {
	matMulAddRMSNormBF16(h, a, rows, b, eps, nil)
}

// matMulAddRMSNormBF16 is MatMulAddRMSNormBF16, with r (rows) non-nil also
// keeping each row's norm factor there (the bits of addNormTrainBF16).
func matMulAddRMSNormBF16(h, a []float32, rows int, b *PackedBF16, eps float32, r []float32) {
	if len(a) < rows*b.K || len(h) < rows*b.N || b.kern == nil || r != nil && len(r) < rows {
		panic(fmt.Sprintf("nn.MatMulAddRMSNormBF16: a %d / h %d / r %d values for rows=%d, k=%d, n=%d", len(a), len(h), len(r), rows, b.K, b.N))
	}
	if rows == 0 || b.N == 0 {
		return
	}
	if b.K == 0 {
		zero := make([]float32, rows*b.N)
		if r != nil {
			addNormTrainBF16(h, zero, r, rows, b.N, eps)
		} else {
			AddRMSNormBF16(h, zero, rows, b.N, eps)
		}
		return
	}
	matMulBF16Run(nil, a, rows, b.N, b.K, b.data, b.kern.nr*b.kp, 0, false, b.kern, false, swigluBF16Out{}, residBF16Out{h: h[:rows*b.N], r: r, eps: eps})
}

// residBF16Out is the residual + RMSNorm epilogue of a bf16 job; with r
// non-nil it keeps each row's norm factor there (training: RMSNormTrain,
// the same bits).
type residBF16Out struct {
	h, r []float32
	eps  float32
}

// epilogue adds the product rows [i0, i1) (blk, row stride n) into h and
// normalises them, rounding as AddRMSNormBF16 does.
func (o residBF16Out) epilogue(blk []float32, i0, i1, n int) {
	k := vecImpl
	for r := i0; r < i1; r++ {
		row, hr := blk[(r-i0)*n:(r-i0+1)*n], o.h[r*n:(r+1)*n]
		roundBF16(row)
		k.addInto(hr, row)
		roundBF16(hr)
		if o.r != nil {
			RMSNormTrain(hr, o.r[r:r+1], 1, n, o.eps)
		} else {
			k.rmsNorm(hr, 1, n, o.eps)
		}
		roundBF16(hr)
	}
}

// rowGrid is taskGrid for jobs whose tasks span every column: mc rows ×
// all panels, mc halved while there are fewer than 4 tasks per thread.
func rowGrid(m, n int, kn *bf16Kernel, threads int) (tm, tn, mc, ncq int) {
	mc = kn.mc
	for threads > 1 && (m+mc-1)/mc < 4*threads && mc >= 4*kn.mr && m > mc/2 {
		mc = (mc/2 + kn.mr - 1) / kn.mr * kn.mr
	}
	return (m + mc - 1) / mc, 1, mc, panelsOf(n, kn.nr)
}
