//go:build amd64 && !purego

#include "textflag.h"

// Micro-kernels for the packed GEMM (gemm_block.go). Each computes one
// register tile of C:
//
//	for i < MR, j < NR:
//		s := 0, or c[i*ldc+j] if load
//		for p := 0; p < k; p++ { s = fma(a[i*lda+p], b[p*ldb+j], s) }
//		c[i*ldc+j] = s
//
// A is read in place (MR rows, stride lda); B is an NR-wide panel whose row p
// starts at b[p*ldb] (ldb = NR for PackT panels). Every element is one FMA
// chain in increasing p, whatever the blocking around the call.
// Strides are in floats; the kernels turn them into bytes.

// The arguments of the 6-row kernels (AVX-512 6×64 and 6×48, AVX2 6×16):
// k in CX, A rows 0 and 3 in DI and SI with lda bytes in DX, B in BX with
// ldb and 3·ldb bytes in R10 and R11, C in R13 with ldc bytes in R14.
#define ARGS6 \
	MOVQ k+0(FP), CX;       \
	MOVQ a+8(FP), DI;       \
	MOVQ lda+16(FP), DX;    \
	MOVQ b+24(FP), BX;      \
	MOVQ ldb+32(FP), R10;   \
	MOVQ c+40(FP), R13;     \
	MOVQ ldc+48(FP), R14;   \
	SHLQ $2, DX;            \
	SHLQ $2, R10;           \
	SHLQ $2, R14;           \
	LEAQ (DX)(DX*2), SI;    \
	ADDQ DI, SI;            \
	LEAQ (R10)(R10*2), R11

// NEXT6 moves the A rows on by abytes and B to bnext.
#define NEXT6(abytes, bnext) \
	ADDQ $abytes, DI; \
	ADDQ $abytes, SI; \
	LEAQ bnext, BX

// ---------------------------------------------------------------------------
// AVX-512: 6×64 tile. Z0–Z23 accumulate (row r in Z(4r)…Z(4r+3)), Z24–Z27
// hold the B row, Z28–Z30 the broadcast A values. A rows 0–2 and 3–5 are
// addressed from DI and SI with lda (DX) as index.
//
// Why 6×64 and not 12×32 (same 24 accumulators): a step loads 4 B vectors
// and broadcasts 6 A values for 24 FMAs, where 12×32 needs 2 + 12 loads.
// On Intel cores with two 512-bit FMA ports the loads, not the FMAs, held
// 12×32 to about 80 % of the FMA peak with L1-resident operands
// (BenchmarkMicroKernels); 6×64 was 5–8 % faster on the TRM products.

#define A64_ROWS(ao, base, z0, z1, z2, z3, z4, z5, z6, z7, z8, z9, z10, z11) \
	VBROADCASTSS ao(base), Z28;       \
	VBROADCASTSS ao(base)(DX*1), Z29; \
	VBROADCASTSS ao(base)(DX*2), Z30; \
	VFMADD231PS  Z24, Z28, z0;        \
	VFMADD231PS  Z25, Z28, z1;        \
	VFMADD231PS  Z26, Z28, z2;        \
	VFMADD231PS  Z27, Z28, z3;        \
	VFMADD231PS  Z24, Z29, z4;        \
	VFMADD231PS  Z25, Z29, z5;        \
	VFMADD231PS  Z26, Z29, z6;        \
	VFMADD231PS  Z27, Z29, z7;        \
	VFMADD231PS  Z24, Z30, z8;        \
	VFMADD231PS  Z25, Z30, z9;        \
	VFMADD231PS  Z26, Z30, z10;       \
	VFMADD231PS  Z27, Z30, z11

// One step p: the B row's four 16-float quarters from b0…b3, the A column
// at byte offset ao from the row bases.
#define K64(ao, b0, b1, b2, b3) \
	VMOVUPS b0, Z24; \
	VMOVUPS b1, Z25; \
	VMOVUPS b2, Z26; \
	VMOVUPS b3, Z27; \
	A64_ROWS(ao, DI, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11); \
	A64_ROWS(ao, SI, Z12, Z13, Z14, Z15, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)

// C row at base to or from z0…z3.
#define C64_LOAD(base, z0, z1, z2, z3) \
	VMOVUPS (base), z0;    \
	VMOVUPS 64(base), z1;  \
	VMOVUPS 128(base), z2; \
	VMOVUPS 192(base), z3

#define C64_STORE(base, z0, z1, z2, z3) \
	VMOVUPS z0, (base);    \
	VMOVUPS z1, 64(base);  \
	VMOVUPS z2, 128(base); \
	VMOVUPS z3, 192(base)

// func sgemmKernelAVX512(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load bool)
TEXT ·sgemmKernelAVX512(SB), NOSPLIT, $0-57
	ARGS6

	MOVBQZX load+56(FP), AX
	TESTQ   AX, AX
	JZ      zero64
	MOVQ    R13, AX
	C64_LOAD(AX, Z0, Z1, Z2, Z3)
	ADDQ    R14, AX
	C64_LOAD(AX, Z4, Z5, Z6, Z7)
	ADDQ    R14, AX
	C64_LOAD(AX, Z8, Z9, Z10, Z11)
	ADDQ    R14, AX
	C64_LOAD(AX, Z12, Z13, Z14, Z15)
	ADDQ    R14, AX
	C64_LOAD(AX, Z16, Z17, Z18, Z19)
	ADDQ    R14, AX
	C64_LOAD(AX, Z20, Z21, Z22, Z23)
	JMP     start64

zero64:
	VPXORD  Z0, Z0, Z0
	VMOVAPS Z0, Z1
	VMOVAPS Z0, Z2
	VMOVAPS Z0, Z3
	VMOVAPS Z0, Z4
	VMOVAPS Z0, Z5
	VMOVAPS Z0, Z6
	VMOVAPS Z0, Z7
	VMOVAPS Z0, Z8
	VMOVAPS Z0, Z9
	VMOVAPS Z0, Z10
	VMOVAPS Z0, Z11
	VMOVAPS Z0, Z12
	VMOVAPS Z0, Z13
	VMOVAPS Z0, Z14
	VMOVAPS Z0, Z15
	VMOVAPS Z0, Z16
	VMOVAPS Z0, Z17
	VMOVAPS Z0, Z18
	VMOVAPS Z0, Z19
	VMOVAPS Z0, Z20
	VMOVAPS Z0, Z21
	VMOVAPS Z0, Z22
	VMOVAPS Z0, Z23

start64:
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   tail64

loop64:
	K64(0, (BX), 64(BX), 128(BX), 192(BX))
	K64(4, (BX)(R10*1), 64(BX)(R10*1), 128(BX)(R10*1), 192(BX)(R10*1))
	K64(8, (BX)(R10*2), 64(BX)(R10*2), 128(BX)(R10*2), 192(BX)(R10*2))
	K64(12, (BX)(R11*1), 64(BX)(R11*1), 128(BX)(R11*1), 192(BX)(R11*1))
	NEXT6(16, (BX)(R10*4))
	DECQ AX
	JNZ  loop64

tail64:
	ANDQ $3, CX
	JZ   store64

tail64loop:
	K64(0, (BX), 64(BX), 128(BX), 192(BX))
	NEXT6(4, (BX)(R10*1))
	DECQ CX
	JNZ  tail64loop

store64:
	C64_STORE(R13, Z0, Z1, Z2, Z3)
	ADDQ R14, R13
	C64_STORE(R13, Z4, Z5, Z6, Z7)
	ADDQ R14, R13
	C64_STORE(R13, Z8, Z9, Z10, Z11)
	ADDQ R14, R13
	C64_STORE(R13, Z12, Z13, Z14, Z15)
	ADDQ R14, R13
	C64_STORE(R13, Z16, Z17, Z18, Z19)
	ADDQ R14, R13
	C64_STORE(R13, Z20, Z21, Z22, Z23)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// AVX-512, narrow: 6×48 tile for a last B panel of at most 48 columns (n = 97
// is one 64-wide panel and a 48-wide one: 112 columns computed, not 128).
// Z0–Z17 accumulate (row r in Z(3r)…Z(3r+2)), Z24–Z26 hold the B row.

#define A48_ROWS(ao, base, z0, z1, z2, z3, z4, z5, z6, z7, z8) \
	VBROADCASTSS ao(base), Z28;       \
	VBROADCASTSS ao(base)(DX*1), Z29; \
	VBROADCASTSS ao(base)(DX*2), Z30; \
	VFMADD231PS  Z24, Z28, z0;        \
	VFMADD231PS  Z25, Z28, z1;        \
	VFMADD231PS  Z26, Z28, z2;        \
	VFMADD231PS  Z24, Z29, z3;        \
	VFMADD231PS  Z25, Z29, z4;        \
	VFMADD231PS  Z26, Z29, z5;        \
	VFMADD231PS  Z24, Z30, z6;        \
	VFMADD231PS  Z25, Z30, z7;        \
	VFMADD231PS  Z26, Z30, z8

#define K48(ao, b0, b1, b2) \
	VMOVUPS b0, Z24; \
	VMOVUPS b1, Z25; \
	VMOVUPS b2, Z26; \
	A48_ROWS(ao, DI, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8); \
	A48_ROWS(ao, SI, Z9, Z10, Z11, Z12, Z13, Z14, Z15, Z16, Z17)

#define C48_LOAD(base, z0, z1, z2) \
	VMOVUPS (base), z0;   \
	VMOVUPS 64(base), z1; \
	VMOVUPS 128(base), z2

#define C48_STORE(base, z0, z1, z2) \
	VMOVUPS z0, (base);   \
	VMOVUPS z1, 64(base); \
	VMOVUPS z2, 128(base)

// func sgemmKernelAVX512x48(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load bool)
TEXT ·sgemmKernelAVX512x48(SB), NOSPLIT, $0-57
	ARGS6

	MOVBQZX load+56(FP), AX
	TESTQ   AX, AX
	JZ      zero48
	MOVQ    R13, AX
	C48_LOAD(AX, Z0, Z1, Z2)
	ADDQ    R14, AX
	C48_LOAD(AX, Z3, Z4, Z5)
	ADDQ    R14, AX
	C48_LOAD(AX, Z6, Z7, Z8)
	ADDQ    R14, AX
	C48_LOAD(AX, Z9, Z10, Z11)
	ADDQ    R14, AX
	C48_LOAD(AX, Z12, Z13, Z14)
	ADDQ    R14, AX
	C48_LOAD(AX, Z15, Z16, Z17)
	JMP     start48

zero48:
	VPXORD  Z0, Z0, Z0
	VMOVAPS Z0, Z1
	VMOVAPS Z0, Z2
	VMOVAPS Z0, Z3
	VMOVAPS Z0, Z4
	VMOVAPS Z0, Z5
	VMOVAPS Z0, Z6
	VMOVAPS Z0, Z7
	VMOVAPS Z0, Z8
	VMOVAPS Z0, Z9
	VMOVAPS Z0, Z10
	VMOVAPS Z0, Z11
	VMOVAPS Z0, Z12
	VMOVAPS Z0, Z13
	VMOVAPS Z0, Z14
	VMOVAPS Z0, Z15
	VMOVAPS Z0, Z16
	VMOVAPS Z0, Z17

start48:
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   tail48

loop48:
	K48(0, (BX), 64(BX), 128(BX))
	K48(4, (BX)(R10*1), 64(BX)(R10*1), 128(BX)(R10*1))
	K48(8, (BX)(R10*2), 64(BX)(R10*2), 128(BX)(R10*2))
	K48(12, (BX)(R11*1), 64(BX)(R11*1), 128(BX)(R11*1))
	NEXT6(16, (BX)(R10*4))
	DECQ AX
	JNZ  loop48

tail48:
	ANDQ $3, CX
	JZ   store48

tail48loop:
	K48(0, (BX), 64(BX), 128(BX))
	NEXT6(4, (BX)(R10*1))
	DECQ CX
	JNZ  tail48loop

store48:
	C48_STORE(R13, Z0, Z1, Z2)
	ADDQ R14, R13
	C48_STORE(R13, Z3, Z4, Z5)
	ADDQ R14, R13
	C48_STORE(R13, Z6, Z7, Z8)
	ADDQ R14, R13
	C48_STORE(R13, Z9, Z10, Z11)
	ADDQ R14, R13
	C48_STORE(R13, Z12, Z13, Z14)
	ADDQ R14, R13
	C48_STORE(R13, Z15, Z16, Z17)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// AVX2+FMA: 6×16 tile. Y0–Y11 accumulate (row r in Y(2r), Y(2r+1)), Y12/Y13
// hold the B row, Y14/Y15 the broadcast A values. A rows 0–2 and 3–5 are
// addressed from DI and SI with lda (DX) as index.

#define K256(ao, bsrc0, bsrc1) \
	VMOVUPS      bsrc0, Y12;             \
	VMOVUPS      bsrc1, Y13;             \
	VBROADCASTSS ao(DI), Y14;            \
	VFMADD231PS  Y12, Y14, Y0;           \
	VFMADD231PS  Y13, Y14, Y1;           \
	VBROADCASTSS ao(DI)(DX*1), Y15;      \
	VFMADD231PS  Y12, Y15, Y2;           \
	VFMADD231PS  Y13, Y15, Y3;           \
	VBROADCASTSS ao(DI)(DX*2), Y14;      \
	VFMADD231PS  Y12, Y14, Y4;           \
	VFMADD231PS  Y13, Y14, Y5;           \
	VBROADCASTSS ao(SI), Y15;            \
	VFMADD231PS  Y12, Y15, Y6;           \
	VFMADD231PS  Y13, Y15, Y7;           \
	VBROADCASTSS ao(SI)(DX*1), Y14;      \
	VFMADD231PS  Y12, Y14, Y8;           \
	VFMADD231PS  Y13, Y14, Y9;           \
	VBROADCASTSS ao(SI)(DX*2), Y15;      \
	VFMADD231PS  Y12, Y15, Y10;          \
	VFMADD231PS  Y13, Y15, Y11

#define C256_LOAD3(base, y0, y1, y2, y3, y4, y5) \
	VMOVUPS (base), y0;            \
	VMOVUPS 32(base), y1;          \
	VMOVUPS (base)(R14*1), y2;     \
	VMOVUPS 32(base)(R14*1), y3;   \
	VMOVUPS (base)(R14*2), y4;     \
	VMOVUPS 32(base)(R14*2), y5

#define C256_STORE3(base, y0, y1, y2, y3, y4, y5) \
	VMOVUPS y0, (base);            \
	VMOVUPS y1, 32(base);          \
	VMOVUPS y2, (base)(R14*1);     \
	VMOVUPS y3, 32(base)(R14*1);   \
	VMOVUPS y4, (base)(R14*2);     \
	VMOVUPS y5, 32(base)(R14*2)

// func sgemmKernelAVX2(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load bool)
TEXT ·sgemmKernelAVX2(SB), NOSPLIT, $0-57
	ARGS6
	LEAQ (R14)(R14*2), R12 // 3·ldc

	MOVBQZX load+56(FP), AX
	TESTQ   AX, AX
	JZ      zero256
	MOVQ    R13, AX
	C256_LOAD3(AX, Y0, Y1, Y2, Y3, Y4, Y5)
	ADDQ    R12, AX
	C256_LOAD3(AX, Y6, Y7, Y8, Y9, Y10, Y11)
	JMP     start256

zero256:
	VXORPS  Y0, Y0, Y0
	VMOVAPS Y0, Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y0, Y3
	VMOVAPS Y0, Y4
	VMOVAPS Y0, Y5
	VMOVAPS Y0, Y6
	VMOVAPS Y0, Y7
	VMOVAPS Y0, Y8
	VMOVAPS Y0, Y9
	VMOVAPS Y0, Y10
	VMOVAPS Y0, Y11

start256:
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   tail256

loop256:
	K256(0, (BX), 32(BX))
	K256(4, (BX)(R10*1), 32(BX)(R10*1))
	K256(8, (BX)(R10*2), 32(BX)(R10*2))
	K256(12, (BX)(R11*1), 32(BX)(R11*1))
	NEXT6(16, (BX)(R10*4))
	DECQ AX
	JNZ  loop256

tail256:
	ANDQ $3, CX
	JZ   store256

tail256loop:
	K256(0, (BX), 32(BX))
	NEXT6(4, (BX)(R10*1))
	DECQ CX
	JNZ  tail256loop

store256:
	C256_STORE3(R13, Y0, Y1, Y2, Y3, Y4, Y5)
	ADDQ R12, R13
	C256_STORE3(R13, Y6, Y7, Y8, Y9, Y10, Y11)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// FMA peak loops (cpu.go): n iterations of independent multiply-adds (16
// on ZMM registers, 14 on YMM), no memory traffic: enough chains to cover
// FMA latency × FMA ports of current x86 cores.

// func fmaPeakZMM(n int)
TEXT ·fmaPeakZMM(SB), NOSPLIT, $0-8
	MOVQ    n+0(FP), CX
	VPXORD  Z0, Z0, Z0
	VMOVAPS Z0, Z1
	VMOVAPS Z0, Z2
	VMOVAPS Z0, Z3
	VMOVAPS Z0, Z4
	VMOVAPS Z0, Z5
	VMOVAPS Z0, Z6
	VMOVAPS Z0, Z7
	VMOVAPS Z0, Z8
	VMOVAPS Z0, Z9
	VMOVAPS Z0, Z10
	VMOVAPS Z0, Z11
	VMOVAPS Z0, Z12
	VMOVAPS Z0, Z13
	VMOVAPS Z0, Z14
	VMOVAPS Z0, Z15
	VMOVAPS Z0, Z16
	VMOVAPS Z0, Z17
	TESTQ   CX, CX
	JLE     zmmdone

zmmloop:
	VFMADD231PS Z16, Z17, Z0
	VFMADD231PS Z16, Z17, Z1
	VFMADD231PS Z16, Z17, Z2
	VFMADD231PS Z16, Z17, Z3
	VFMADD231PS Z16, Z17, Z4
	VFMADD231PS Z16, Z17, Z5
	VFMADD231PS Z16, Z17, Z6
	VFMADD231PS Z16, Z17, Z7
	VFMADD231PS Z16, Z17, Z8
	VFMADD231PS Z16, Z17, Z9
	VFMADD231PS Z16, Z17, Z10
	VFMADD231PS Z16, Z17, Z11
	VFMADD231PS Z16, Z17, Z12
	VFMADD231PS Z16, Z17, Z13
	VFMADD231PS Z16, Z17, Z14
	VFMADD231PS Z16, Z17, Z15
	DECQ        CX
	JNZ         zmmloop

zmmdone:
	VZEROUPPER
	RET

// func fmaPeakYMM(n int)
TEXT ·fmaPeakYMM(SB), NOSPLIT, $0-8
	MOVQ    n+0(FP), CX
	VXORPS  Y0, Y0, Y0
	VMOVAPS Y0, Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y0, Y3
	VMOVAPS Y0, Y4
	VMOVAPS Y0, Y5
	VMOVAPS Y0, Y6
	VMOVAPS Y0, Y7
	VMOVAPS Y0, Y8
	VMOVAPS Y0, Y9
	VMOVAPS Y0, Y10
	VMOVAPS Y0, Y11
	VMOVAPS Y0, Y12
	VMOVAPS Y0, Y13
	VMOVAPS Y0, Y14
	VMOVAPS Y0, Y15
	TESTQ   CX, CX
	JLE     ymmdone

ymmloop:
	VFMADD231PS Y14, Y15, Y0
	VFMADD231PS Y14, Y15, Y1
	VFMADD231PS Y14, Y15, Y2
	VFMADD231PS Y14, Y15, Y3
	VFMADD231PS Y14, Y15, Y4
	VFMADD231PS Y14, Y15, Y5
	VFMADD231PS Y14, Y15, Y6
	VFMADD231PS Y14, Y15, Y7
	VFMADD231PS Y14, Y15, Y8
	VFMADD231PS Y14, Y15, Y9
	VFMADD231PS Y14, Y15, Y10
	VFMADD231PS Y14, Y15, Y11
	VFMADD231PS Y14, Y15, Y12
	VFMADD231PS Y14, Y15, Y13
	DECQ        CX
	JNZ         ymmloop

ymmdone:
	VZEROUPPER
	RET
