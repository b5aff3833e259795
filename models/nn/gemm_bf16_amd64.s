//go:build amd64 && !purego

#include "textflag.h"

// The bf16 GEMM micro-kernels (gemm_bf16.go) and the float32 → bf16
// rounding of activations, with AVX512-BF16.
//
// Each kernel computes one register tile of C over np K pairs:
//
//	for i < 12, j < NR:
//		s := 0, or c[i*ldc+j] if load
//		for p < np: s = VDPBF16PS lane (s, A pair (a[i][2p], a[i][2p+1]), B pair p of column j)
//		c[i*ldc+j] = s
//
// VDPBF16PS adds the odd product, then the even one, each as a float32 FMA
// that reads denormals as zero and flushes tiny results to zero; the pure-Go
// twin (microBF16Go, dpStep) does the same. A rows are bf16 (stride lda
// values, the pair p at byte 4p), broadcast one pair (a dword) at a time;
// the B panel holds, for each pair, NR dwords (B[2p][j], B[2p+1][j]).

// The Go assembler has no VDPBF16PS, so it is encoded here:
// VDPBF16PS zmm(dst), zmm(s1), zmm(s2) (Intel operand order) is
// EVEX.512.F3.0F38.W0 52 /r, register form. The arguments are register
// numbers 0–31; the EVEX bits R, X, B, R', vvvv and V' hold them inverted.
#define VDPBF16PS_Z(dst, s1, s2) \
	BYTE $0x62; \
	BYTE $(((((dst)>>3)&1)<<7) ^ ((((s2)>>4)&1)<<6) ^ ((((s2)>>3)&1)<<5) ^ ((((dst)>>4)&1)<<4) ^ 0xF2); \
	BYTE $(((((s1)&15)^15)<<3) | 0x06); \
	BYTE $(0x48 ^ ((((s1)>>4)&1)<<3)); \
	BYTE $0x52; \
	BYTE $(0xC0 | (((dst)&7)<<3) | ((s2)&7))

// ---------------------------------------------------------------------------
// 12×32 tile. Z0–Z23 accumulate (row r in Z(2r), Z(2r+1)), Z24/Z25 hold the
// B pair row, Z26–Z28 and Z29–Z31 the broadcast A pairs. A rows 0–2, 3–5,
// 6–8, 9–11 are addressed from DI, SI, R8, R9 with lda bytes (DX) as index.

#define BF3(ao, base, za, zb, zc, na, nb, nc, c0, c1, c2, c3, c4, c5) \
	VPBROADCASTD ao(base), za;       \
	VPBROADCASTD ao(base)(DX*1), zb; \
	VPBROADCASTD ao(base)(DX*2), zc; \
	VDPBF16PS_Z(c0, na, 24);         \
	VDPBF16PS_Z(c1, na, 25);         \
	VDPBF16PS_Z(c2, nb, 24);         \
	VDPBF16PS_Z(c3, nb, 25);         \
	VDPBF16PS_Z(c4, nc, 24);         \
	VDPBF16PS_Z(c5, nc, 25)

// One pair: B from byte offsets bo0, bo1 of BX, A pairs at byte offset ao.
#define KBF(ao, bo0, bo1) \
	VMOVDQU32 bo0(BX), Z24; \
	VMOVDQU32 bo1(BX), Z25; \
	BF3(ao, DI, Z26, Z27, Z28, 26, 27, 28, 0, 1, 2, 3, 4, 5);       \
	BF3(ao, SI, Z29, Z30, Z31, 29, 30, 31, 6, 7, 8, 9, 10, 11);     \
	BF3(ao, R8, Z26, Z27, Z28, 26, 27, 28, 12, 13, 14, 15, 16, 17); \
	BF3(ao, R9, Z29, Z30, Z31, 29, 30, 31, 18, 19, 20, 21, 22, 23)

// C rows r0..r0+2 at base (ldc bytes in R14) to or from z0..z5.
#define CBF_LOAD3(base, z0, z1, z2, z3, z4, z5) \
	VMOVUPS (base), z0;          \
	VMOVUPS 64(base), z1;        \
	VMOVUPS (base)(R14*1), z2;   \
	VMOVUPS 64(base)(R14*1), z3; \
	VMOVUPS (base)(R14*2), z4;   \
	VMOVUPS 64(base)(R14*2), z5

#define CBF_STORE3(base, z0, z1, z2, z3, z4, z5) \
	VMOVUPS z0, (base);          \
	VMOVUPS z1, 64(base);        \
	VMOVUPS z2, (base)(R14*1);   \
	VMOVUPS z3, 64(base)(R14*1); \
	VMOVUPS z4, (base)(R14*2);   \
	VMOVUPS z5, 64(base)(R14*2)

// func bf16GemmAVX512(np int, a *uint16, lda int, b *uint16, c *float32, ldc int, load bool)
TEXT ·bf16GemmAVX512(SB), NOSPLIT, $0-49
	MOVQ np+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ lda+16(FP), DX
	MOVQ b+24(FP), BX
	MOVQ c+32(FP), R13
	MOVQ ldc+40(FP), R14
	SHLQ $1, DX
	SHLQ $2, R14
	LEAQ (DX)(DX*2), R12
	LEAQ (DI)(R12*1), SI
	LEAQ (SI)(R12*1), R8
	LEAQ (R8)(R12*1), R9
	LEAQ (R14)(R14*2), R12 // 3·ldc

	MOVBQZX load+48(FP), AX
	TESTQ   AX, AX
	JZ      zerobf
	MOVQ    R13, AX
	CBF_LOAD3(AX, Z0, Z1, Z2, Z3, Z4, Z5)
	ADDQ    R12, AX
	CBF_LOAD3(AX, Z6, Z7, Z8, Z9, Z10, Z11)
	ADDQ    R12, AX
	CBF_LOAD3(AX, Z12, Z13, Z14, Z15, Z16, Z17)
	ADDQ    R12, AX
	CBF_LOAD3(AX, Z18, Z19, Z20, Z21, Z22, Z23)
	JMP     startbf

zerobf:
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

startbf:
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   tailbf

loopbf:
	KBF(0, 0, 64)
	KBF(4, 128, 192)
	KBF(8, 256, 320)
	KBF(12, 384, 448)
	ADDQ $16, DI
	ADDQ $16, SI
	ADDQ $16, R8
	ADDQ $16, R9
	ADDQ $512, BX
	DECQ AX
	JNZ  loopbf

tailbf:
	ANDQ $3, CX
	JZ   storebf

tailbfloop:
	KBF(0, 0, 64)
	ADDQ $4, DI
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ $128, BX
	DECQ CX
	JNZ  tailbfloop

storebf:
	CBF_STORE3(R13, Z0, Z1, Z2, Z3, Z4, Z5)
	ADDQ R12, R13
	CBF_STORE3(R13, Z6, Z7, Z8, Z9, Z10, Z11)
	ADDQ R12, R13
	CBF_STORE3(R13, Z12, Z13, Z14, Z15, Z16, Z17)
	ADDQ R12, R13
	CBF_STORE3(R13, Z18, Z19, Z20, Z21, Z22, Z23)
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// 12×16 tile for a last panel of at most 16 columns. Z0–Z11 accumulate row r
// in Z(r); Z24 holds the B pair row.

#define BF3N(ao, base, za, zb, zc, na, nb, nc, c0, c1, c2) \
	VPBROADCASTD ao(base), za;       \
	VPBROADCASTD ao(base)(DX*1), zb; \
	VPBROADCASTD ao(base)(DX*2), zc; \
	VDPBF16PS_Z(c0, na, 24);         \
	VDPBF16PS_Z(c1, nb, 24);         \
	VDPBF16PS_Z(c2, nc, 24)

#define KBFN(ao, bo) \
	VMOVDQU32 bo(BX), Z24; \
	BF3N(ao, DI, Z26, Z27, Z28, 26, 27, 28, 0, 1, 2);  \
	BF3N(ao, SI, Z29, Z30, Z31, 29, 30, 31, 3, 4, 5);  \
	BF3N(ao, R8, Z26, Z27, Z28, 26, 27, 28, 6, 7, 8);  \
	BF3N(ao, R9, Z29, Z30, Z31, 29, 30, 31, 9, 10, 11)

#define CBFN_LOAD3(base, z0, z1, z2) \
	VMOVUPS (base), z0;        \
	VMOVUPS (base)(R14*1), z1; \
	VMOVUPS (base)(R14*2), z2

#define CBFN_STORE3(base, z0, z1, z2) \
	VMOVUPS z0, (base);        \
	VMOVUPS z1, (base)(R14*1); \
	VMOVUPS z2, (base)(R14*2)

// func bf16GemmAVX512x16(np int, a *uint16, lda int, b *uint16, c *float32, ldc int, load bool)
TEXT ·bf16GemmAVX512x16(SB), NOSPLIT, $0-49
	MOVQ np+0(FP), CX
	MOVQ a+8(FP), DI
	MOVQ lda+16(FP), DX
	MOVQ b+24(FP), BX
	MOVQ c+32(FP), R13
	MOVQ ldc+40(FP), R14
	SHLQ $1, DX
	SHLQ $2, R14
	LEAQ (DX)(DX*2), R12
	LEAQ (DI)(R12*1), SI
	LEAQ (SI)(R12*1), R8
	LEAQ (R8)(R12*1), R9
	LEAQ (R14)(R14*2), R12 // 3·ldc

	MOVBQZX load+48(FP), AX
	TESTQ   AX, AX
	JZ      zerobfn
	MOVQ    R13, AX
	CBFN_LOAD3(AX, Z0, Z1, Z2)
	ADDQ    R12, AX
	CBFN_LOAD3(AX, Z3, Z4, Z5)
	ADDQ    R12, AX
	CBFN_LOAD3(AX, Z6, Z7, Z8)
	ADDQ    R12, AX
	CBFN_LOAD3(AX, Z9, Z10, Z11)
	JMP     startbfn

zerobfn:
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

startbfn:
	MOVQ CX, AX
	SHRQ $2, AX
	JZ   tailbfn

loopbfn:
	KBFN(0, 0)
	KBFN(4, 64)
	KBFN(8, 128)
	KBFN(12, 192)
	ADDQ $16, DI
	ADDQ $16, SI
	ADDQ $16, R8
	ADDQ $16, R9
	ADDQ $256, BX
	DECQ AX
	JNZ  loopbfn

tailbfn:
	ANDQ $3, CX
	JZ   storebfn

tailbfnloop:
	KBFN(0, 0)
	ADDQ $4, DI
	ADDQ $4, SI
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ $64, BX
	DECQ CX
	JNZ  tailbfnloop

storebfn:
	CBFN_STORE3(R13, Z0, Z1, Z2)
	ADDQ R12, R13
	CBFN_STORE3(R13, Z3, Z4, Z5)
	ADDQ R12, R13
	CBFN_STORE3(R13, Z6, Z7, Z8)
	ADDQ R12, R13
	CBFN_STORE3(R13, Z9, Z10, Z11)
	VZEROUPPER
	RET

// ROUND_BF16 sets dst's top half to ToBF16(src) per lane (the bottom half
// is left over): u + 0x7FFF + (u>>16 & 1), or u | 0x00400000 for a NaN
// (made quiet). Z29 holds 0x7FFF, Z30 1 and Z31 0x00400000; k is clobbered.
#define ROUND_BF16(src, dst, k) \
	VPSRLD $16, src, dst;     \
	VPANDD Z30, dst, dst;     \
	VPADDD Z29, dst, dst;     \
	VPADDD src, dst, dst;     \
	VCMPPS $3, src, src, k;   \
	VPORD  Z31, src, k, dst

// ---------------------------------------------------------------------------
// func toBF16AVX512(dst *uint16, src *float32, n int)
//
// n (a multiple of 16) floats to bf16 as ToBF16: u + 0x7FFF + (u>>16 & 1),
// top half; a NaN gives the top half of u | 0x00400000 (made quiet).
TEXT ·toBF16AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVL $0x7FFF, AX
	VPBROADCASTD AX, Z29
	MOVL $1, AX
	VPBROADCASTD AX, Z30
	MOVL $0x00400000, AX
	VPBROADCASTD AX, Z31
	SHRQ $4, CX
	JZ   donecvt

loopcvt:
	VMOVUPS (SI), Z0
	ROUND_BF16(Z0, Z1, K1)
	VPSRLD  $16, Z1, Z1
	VPMOVDW Z1, (DI)
	ADDQ    $64, SI
	ADDQ    $32, DI
	DECQ    CX
	JNZ     loopcvt

donecvt:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// func dpbf16PeakZMM(n int)
//
// n iterations of 16 independent VDPBF16PS on ZMM registers (no memory
// traffic): the bf16 multiply-add peak, 16·16·2 products an iteration.
TEXT ·dpbf16PeakZMM(SB), NOSPLIT, $0-8
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
	JLE     dppeakdone

dppeakloop:
	VDPBF16PS_Z(0, 16, 17)
	VDPBF16PS_Z(1, 16, 17)
	VDPBF16PS_Z(2, 16, 17)
	VDPBF16PS_Z(3, 16, 17)
	VDPBF16PS_Z(4, 16, 17)
	VDPBF16PS_Z(5, 16, 17)
	VDPBF16PS_Z(6, 16, 17)
	VDPBF16PS_Z(7, 16, 17)
	VDPBF16PS_Z(8, 16, 17)
	VDPBF16PS_Z(9, 16, 17)
	VDPBF16PS_Z(10, 16, 17)
	VDPBF16PS_Z(11, 16, 17)
	VDPBF16PS_Z(12, 16, 17)
	VDPBF16PS_Z(13, 16, 17)
	VDPBF16PS_Z(14, 16, 17)
	VDPBF16PS_Z(15, 16, 17)
	DECQ    CX
	JNZ     dppeakloop

dppeakdone:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// func pairBF16AVX512(dst *uint16, r0, r1 *float32, n int)
//
// n (a multiple of 16) pairs: dst[2j] = ToBF16(r0[j]), dst[2j+1] =
// ToBF16(r1[j]), rounded as toBF16AVX512 does. A rounded r0 value shifted
// down and a rounded r1 value masked to its top half make one dword: the
// pair in VDPBF16PS order.
TEXT ·pairBF16AVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ r0+8(FP), SI
	MOVQ r1+16(FP), DX
	MOVQ n+24(FP), CX
	MOVL $0x7FFF, AX
	VPBROADCASTD AX, Z29
	MOVL $1, AX
	VPBROADCASTD AX, Z30
	MOVL $0x00400000, AX
	VPBROADCASTD AX, Z31
	MOVL $0xFFFF0000, AX
	VPBROADCASTD AX, Z28
	SHRQ $4, CX
	JZ   donepair

looppair:
	VMOVUPS (SI), Z0
	ROUND_BF16(Z0, Z1, K1)
	VPSRLD  $16, Z1, Z1
	VMOVUPS (DX), Z2
	ROUND_BF16(Z2, Z3, K2)
	VPANDD  Z28, Z3, Z3
	VPORD   Z1, Z3, Z3
	VMOVDQU32 Z3, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	DECQ    CX
	JNZ     looppair

donepair:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// func widenBF16AVX512(dst *float32, src *uint16, n int)
//
// n (a multiple of 16) bf16 values widened to float32: dst[i] =
// FromBF16(src[i]), the bits shifted into the top half.
TEXT ·widenBF16AVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHRQ $4, CX
	JZ   donewiden

loopwiden:
	VPMOVZXWD (SI), Z0
	VPSLLD    $16, Z0, Z0
	VMOVUPS   Z0, (DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	DECQ      CX
	JNZ       loopwiden

donewiden:
	VZEROUPPER
	RET
