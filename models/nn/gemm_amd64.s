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

// ---------------------------------------------------------------------------
// AVX-512: 12×32 tile. Z0–Z23 accumulate (row r in Z(2r), Z(2r+1)), Z24/Z25
// hold the B row, Z26–Z31 the broadcast A values. A rows 0–2, 3–5, 6–8, 9–11
// are addressed from DI, SI, R8, R9 with lda (DX) as index.

#define A512_ROWS(ao, B0, B1, base, z0, z1, z2, z3, z4, z5) \
	VBROADCASTSS ao(base), Z26;        \
	VBROADCASTSS ao(base)(DX*1), Z27;  \
	VBROADCASTSS ao(base)(DX*2), Z28;  \
	VFMADD231PS  B0, Z26, z0;          \
	VFMADD231PS  B1, Z26, z1;          \
	VFMADD231PS  B0, Z27, z2;          \
	VFMADD231PS  B1, Z27, z3;          \
	VFMADD231PS  B0, Z28, z4;          \
	VFMADD231PS  B1, Z28, z5

// One step p: B row from bsrc0/bsrc1 (its two 16-float halves), A column at
// byte offset ao from the row bases.
#define K512(ao, bsrc0, bsrc1) \
	VMOVUPS bsrc0, Z24; \
	VMOVUPS bsrc1, Z25; \
	A512_ROWS(ao, Z24, Z25, DI, Z0, Z1, Z2, Z3, Z4, Z5);       \
	A512_ROWS(ao, Z24, Z25, SI, Z6, Z7, Z8, Z9, Z10, Z11);     \
	A512_ROWS(ao, Z24, Z25, R8, Z12, Z13, Z14, Z15, Z16, Z17); \
	A512_ROWS(ao, Z24, Z25, R9, Z18, Z19, Z20, Z21, Z22, Z23)

// C rows r0..r0+2 at base (ldc in R14) to or from z0..z5.
#define C512_LOAD3(base, z0, z1, z2, z3, z4, z5) \
	VMOVUPS (base), z0;            \
	VMOVUPS 64(base), z1;          \
	VMOVUPS (base)(R14*1), z2;     \
	VMOVUPS 64(base)(R14*1), z3;   \
	VMOVUPS (base)(R14*2), z4;     \
	VMOVUPS 64(base)(R14*2), z5

#define C512_STORE3(base, z0, z1, z2, z3, z4, z5) \
	VMOVUPS z0, (base);            \
	VMOVUPS z1, 64(base);          \
	VMOVUPS z2, (base)(R14*1);     \
	VMOVUPS z3, 64(base)(R14*1);   \
	VMOVUPS z4, (base)(R14*2);     \
	VMOVUPS z5, 64(base)(R14*2)

// func sgemmKernelAVX512(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load bool)
TEXT ·sgemmKernelAVX512(SB), NOSPLIT, $0-57
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ lda+16(FP), DX
	MOVQ b+24(FP), BX
	MOVQ ldb+32(FP), R10
	MOVQ c+40(FP), R13
	MOVQ ldc+48(FP), R14
	SHLQ $2, DX
	SHLQ $2, R10
	SHLQ $2, R14
	LEAQ (DX)(DX*2), R12
	LEAQ (DI)(R12*1), SI
	LEAQ (SI)(R12*1), R8
	LEAQ (R8)(R12*1), R9
	LEAQ (R10)(R10*2), R11 // 3·ldb
	LEAQ (R14)(R14*2), R12 // 3·ldc

	MOVBQZX load+56(FP), AX
	TESTQ   AX, AX
	JZ      zero512
	MOVQ    R13, AX
	C512_LOAD3(AX, Z0, Z1, Z2, Z3, Z4, Z5)
	ADDQ    R12, AX
	C512_LOAD3(AX, Z6, Z7, Z8, Z9, Z10, Z11)
	ADDQ    R12, AX
	C512_LOAD3(AX, Z12, Z13, Z14, Z15, Z16, Z17)
	ADDQ    R12, AX
	C512_LOAD3(AX, Z18, Z19, Z20, Z21, Z22, Z23)
	JMP     start512

zero512:
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

start512:
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   tail512

loop512:
	K512(0, (BX), 64(BX))
	K512(4, (BX)(R10*1), 64(BX)(R10*1))
	K512(8, (BX)(R10*2), 64(BX)(R10*2))
	K512(12, (BX)(R11*1), 64(BX)(R11*1))
	ADDQ $16, DI
	ADDQ $16, SI
	ADDQ $16, R8
	ADDQ $16, R9
	LEAQ (BX)(R10*4), BX
	DECQ AX
	JNZ  loop512

tail512:
	ANDQ $3, CX
	JZ   store512

tail512loop:
	K512(0, (BX), 64(BX))
	ADDQ $4, DI
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ R10, BX
	DECQ CX
	JNZ  tail512loop

store512:
	C512_STORE3(R13, Z0, Z1, Z2, Z3, Z4, Z5)
	ADDQ R12, R13
	C512_STORE3(R13, Z6, Z7, Z8, Z9, Z10, Z11)
	ADDQ R12, R13
	C512_STORE3(R13, Z12, Z13, Z14, Z15, Z16, Z17)
	ADDQ R12, R13
	C512_STORE3(R13, Z18, Z19, Z20, Z21, Z22, Z23)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// AVX-512, narrow: 12×16 tile for a last B panel of at most 16 columns.
// Z0–Z11 accumulate row r in Z(r); Z24 holds the B row.

#define A512N_ROWS(ao, base, z0, z1, z2) \
	VBROADCASTSS ao(base), Z26;        \
	VBROADCASTSS ao(base)(DX*1), Z27;  \
	VBROADCASTSS ao(base)(DX*2), Z28;  \
	VFMADD231PS  Z24, Z26, z0;         \
	VFMADD231PS  Z24, Z27, z1;         \
	VFMADD231PS  Z24, Z28, z2

#define K512N(ao, bsrc) \
	VMOVUPS bsrc, Z24;                     \
	A512N_ROWS(ao, DI, Z0, Z1, Z2);        \
	A512N_ROWS(ao, SI, Z3, Z4, Z5);        \
	A512N_ROWS(ao, R8, Z6, Z7, Z8);        \
	A512N_ROWS(ao, R9, Z9, Z10, Z11)

#define C512N_LOAD3(base, z0, z1, z2) \
	VMOVUPS (base), z0;        \
	VMOVUPS (base)(R14*1), z1; \
	VMOVUPS (base)(R14*2), z2

#define C512N_STORE3(base, z0, z1, z2) \
	VMOVUPS z0, (base);        \
	VMOVUPS z1, (base)(R14*1); \
	VMOVUPS z2, (base)(R14*2)

// func sgemmKernelAVX512x16(k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, load bool)
TEXT ·sgemmKernelAVX512x16(SB), NOSPLIT, $0-57
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ lda+16(FP), DX
	MOVQ b+24(FP), BX
	MOVQ ldb+32(FP), R10
	MOVQ c+40(FP), R13
	MOVQ ldc+48(FP), R14
	SHLQ $2, DX
	SHLQ $2, R10
	SHLQ $2, R14
	LEAQ (DX)(DX*2), R12
	LEAQ (DI)(R12*1), SI
	LEAQ (SI)(R12*1), R8
	LEAQ (R8)(R12*1), R9
	LEAQ (R10)(R10*2), R11 // 3·ldb
	LEAQ (R14)(R14*2), R12 // 3·ldc

	MOVBQZX load+56(FP), AX
	TESTQ   AX, AX
	JZ      zero512n
	MOVQ    R13, AX
	C512N_LOAD3(AX, Z0, Z1, Z2)
	ADDQ    R12, AX
	C512N_LOAD3(AX, Z3, Z4, Z5)
	ADDQ    R12, AX
	C512N_LOAD3(AX, Z6, Z7, Z8)
	ADDQ    R12, AX
	C512N_LOAD3(AX, Z9, Z10, Z11)
	JMP     start512n

zero512n:
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

start512n:
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   tail512n

loop512n:
	K512N(0, (BX))
	K512N(4, (BX)(R10*1))
	K512N(8, (BX)(R10*2))
	K512N(12, (BX)(R11*1))
	ADDQ $16, DI
	ADDQ $16, SI
	ADDQ $16, R8
	ADDQ $16, R9
	LEAQ (BX)(R10*4), BX
	DECQ AX
	JNZ  loop512n

tail512n:
	ANDQ $3, CX
	JZ   store512n

tail512nloop:
	K512N(0, (BX))
	ADDQ $4, DI
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ R10, BX
	DECQ CX
	JNZ  tail512nloop

store512n:
	C512N_STORE3(R13, Z0, Z1, Z2)
	ADDQ R12, R13
	C512N_STORE3(R13, Z3, Z4, Z5)
	ADDQ R12, R13
	C512N_STORE3(R13, Z6, Z7, Z8)
	ADDQ R12, R13
	C512N_STORE3(R13, Z9, Z10, Z11)
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
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ lda+16(FP), DX
	MOVQ b+24(FP), BX
	MOVQ ldb+32(FP), R10
	MOVQ c+40(FP), R13
	MOVQ ldc+48(FP), R14
	SHLQ $2, DX
	SHLQ $2, R10
	SHLQ $2, R14
	LEAQ (DX)(DX*2), R12
	LEAQ (DI)(R12*1), SI
	LEAQ (R10)(R10*2), R11 // 3·ldb
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
	ADDQ $16, DI
	ADDQ $16, SI
	LEAQ (BX)(R10*4), BX
	DECQ AX
	JNZ  loop256

tail256:
	ANDQ $3, CX
	JZ   store256

tail256loop:
	K256(0, (BX), 32(BX))
	ADDQ $4, DI
	ADDQ $4, SI
	ADDQ R10, BX
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
