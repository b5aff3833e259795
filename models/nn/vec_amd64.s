//go:build amd64 && !purego

#include "textflag.h"

// Vector kernels (see vec.go) for AVX-512F (16 lanes, ZMM) and AVX2 (8 lanes,
// YMM). They perform exactly the float32 operations of their pure-Go twins
// in vec_go.go (no FMA; reductions in the canonical 64-lane order), so every
// implementation gives the same bits.
//
// exp (exp32 in vec_go.go has the derivation): clamp x to [−104, 89];
// n = (x·log2e + 1.5·2^23) − 1.5·2^23 (round to nearest); range reduction
// x = n·ln2 + r with r = (x − n·ln2Hi) − n·ln2Lo; e^r ≈ (P(r)·r² + r) + 1 with
// P of degree 5 by Horner's rule; result p·2^n. AVX-512 scales with
// VSCALEFPS; AVX2 multiplies by 2^(n>>1) and 2^(n − n>>1) built in the
// exponent field. Both round p·2^n once, so they agree, subnormals included.
//
// Tails: AVX-512 uses masked loads and stores (K registers), AVX2 VMASKMOVPS;
// masked lanes are never read from or written to memory.

#define C8(name, v) \
	DATA name<>+0(SB)/4, v;  \
	DATA name<>+4(SB)/4, v;  \
	DATA name<>+8(SB)/4, v;  \
	DATA name<>+12(SB)/4, v; \
	DATA name<>+16(SB)/4, v; \
	DATA name<>+20(SB)/4, v; \
	DATA name<>+24(SB)/4, v; \
	DATA name<>+28(SB)/4, v; \
	GLOBL name<>(SB), RODATA|NOPTR, $32

C8(expLo, $0xc2d00000)    // −104
C8(expHi, $0x42b20000)    // 89
C8(expLog2e, $0x3fb8aa3b) // log2(e)
C8(expMagic, $0x4b400000) // 1.5·2^23
C8(expLn2Hi, $0x3f318000) // 0.693359375
C8(expLn2Lo, $0xb95e8083) // −2.12194440e-4
C8(expP0, $0x39506967)
C8(expP1, $0x3ab743ce)
C8(expP2, $0x3c088908)
C8(expP3, $0x3d2aa9c1)
C8(expP4, $0x3e2aaaaa)
C8(expP5, $0x3f000000)
C8(expOne, $0x3f800000)
C8(expBias, $0x0000007f)  // 127 (int32)
C8(signBit, $0x80000000)
C8(negInf, $0xff800000)
C8(bf16Quiet, $0x00400000) // a NaN's quiet bit
C8(bf16High, $0xffff0000)  // a float32's bf16 half

// idx64 holds the int32 values 0…63: AVX2 tail masks are idx < remaining.
#define I4(o, a, b, c, d) \
	DATA idx64<>+o(SB)/4, $a;    \
	DATA idx64<>+o+4(SB)/4, $b;  \
	DATA idx64<>+o+8(SB)/4, $c;  \
	DATA idx64<>+o+12(SB)/4, $d

I4(0, 0, 1, 2, 3)
I4(16, 4, 5, 6, 7)
I4(32, 8, 9, 10, 11)
I4(48, 12, 13, 14, 15)
I4(64, 16, 17, 18, 19)
I4(80, 20, 21, 22, 23)
I4(96, 24, 25, 26, 27)
I4(112, 28, 29, 30, 31)
I4(128, 32, 33, 34, 35)
I4(144, 36, 37, 38, 39)
I4(160, 40, 41, 42, 43)
I4(176, 44, 45, 46, 47)
I4(192, 48, 49, 50, 51)
I4(208, 52, 53, 54, 55)
I4(224, 56, 57, 58, 59)
I4(240, 60, 61, 62, 63)
GLOBL idx64<>(SB), RODATA|NOPTR, $256

// ===========================================================================
// AVX-512F. Constants live in Z16–Z29 (EXP512_CONSTS).

#define EXP512_CONSTS \
	VBROADCASTSS expLo<>(SB), Z16;    \
	VBROADCASTSS expHi<>(SB), Z17;    \
	VBROADCASTSS expLog2e<>(SB), Z18; \
	VBROADCASTSS expMagic<>(SB), Z19; \
	VBROADCASTSS expLn2Hi<>(SB), Z20; \
	VBROADCASTSS expLn2Lo<>(SB), Z21; \
	VBROADCASTSS expP0<>(SB), Z22;    \
	VBROADCASTSS expP1<>(SB), Z23;    \
	VBROADCASTSS expP2<>(SB), Z24;    \
	VBROADCASTSS expP3<>(SB), Z25;    \
	VBROADCASTSS expP4<>(SB), Z26;    \
	VBROADCASTSS expP5<>(SB), Z27;    \
	VBROADCASTSS expOne<>(SB), Z28;   \
	VBROADCASTSS signBit<>(SB), Z29

// EXP512 sets x = e^x; n, t, p are clobbered. VMAXPS/VMINPS return their
// last (Go order: first) operand when either is NaN, so NaN x stays NaN.
#define EXP512(x, n, t, p) \
	VMAXPS    x, Z16, x; \
	VMINPS    x, Z17, x; \
	VMULPS    Z18, x, n; \
	VADDPS    Z19, n, n; \
	VSUBPS    Z19, n, n; \
	VMULPS    Z20, n, t; \
	VSUBPS    t, x, x;   \
	VMULPS    Z21, n, t; \
	VSUBPS    t, x, x;   \
	VMULPS    x, x, t;   \
	VMULPS    Z22, x, p; \
	VADDPS    Z23, p, p; \
	VMULPS    x, p, p;   \
	VADDPS    Z24, p, p; \
	VMULPS    x, p, p;   \
	VADDPS    Z25, p, p; \
	VMULPS    x, p, p;   \
	VADDPS    Z26, p, p; \
	VMULPS    x, p, p;   \
	VADDPS    Z27, p, p; \
	VMULPS    t, p, p;   \
	VADDPS    x, p, p;   \
	VADDPS    Z28, p, p; \
	VSCALEFPS n, p, x

// MASK16 sets K1 to the low CX (< 16) bits.
#define MASK16 \
	MOVL $1, AX;  \
	SHLL CX, AX;  \
	DECL AX;      \
	KMOVW AX, K1

// MASK64 sets K1–K4 to the bits 0–15, 16–31, 32–47, 48–63 of the low CX
// (< 64) bits.
#define MASK64 \
	MOVQ  $1, AX;  \
	SHLQ  CX, AX;  \
	DECQ  AX;      \
	KMOVW AX, K1;  \
	SHRQ  $16, AX; \
	KMOVW AX, K2;  \
	SHRQ  $16, AX; \
	KMOVW AX, K3;  \
	SHRQ  $16, AX; \
	KMOVW AX, K4

// FOLD512 folds the 64 lanes of Z0–Z3 into X0 lane 0 (fold64 in vec_go.go).
#define FOLD512 \
	VADDPS        Z2, Z0, Z0; \
	VADDPS        Z3, Z1, Z1; \
	VADDPS        Z1, Z0, Z0; \
	VEXTRACTF64X4 $1, Z0, Y1; \
	VADDPS        Y1, Y0, Y0; \
	VEXTRACTF128  $1, Y0, X1; \
	VADDPS        X1, X0, X0; \
	VMOVHLPS      X0, X0, X1; \
	VADDPS        X1, X0, X0; \
	VMOVSHDUP     X0, X1;     \
	VADDSS        X1, X0, X0

// func expAVX512(dst, x *float32, n int)
TEXT ·expAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	EXP512_CONSTS

exp512_64:
	CMPQ    CX, $64
	JL      exp512_16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	EXP512(Z0, Z4, Z5, Z6)
	EXP512(Z1, Z7, Z8, Z9)
	EXP512(Z2, Z10, Z11, Z12)
	EXP512(Z3, Z13, Z14, Z15)
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DI
	SUBQ    $64, CX
	JMP     exp512_64

exp512_16:
	CMPQ    CX, $16
	JL      exp512_tail
	VMOVUPS (SI), Z0
	EXP512(Z0, Z4, Z5, Z6)
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     exp512_16

exp512_tail:
	TESTQ     CX, CX
	JZ        exp512_done
	MASK16
	VMOVUPS.Z (SI), K1, Z0
	EXP512(Z0, Z4, Z5, Z6)
	VMOVUPS   Z0, K1, (DI)

exp512_done:
	VZEROUPPER
	RET

// SILU512 computes one vector of silu(g)·u: g at off(SI), u at off(DX),
// result in p: p = g/(1 + e^−g)·u.
#define SILU512(off, x, n, t, p) \
	VMOVUPS off(SI), x;      \
	VXORPS  Z29, x, x;       \
	EXP512(x, n, t, p);      \
	VADDPS  Z28, x, x;       \
	VMOVUPS off(SI), p;      \
	VDIVPS  x, p, p;         \
	VMULPS  off(DX), p, p

// ESS512_MASKED does one vector of expSubSum: x = e^(x − m) (m in Z30),
// stored back, added to the accumulator acc under mask k.
#define ESS512_MASKED(off, acc, k) \
	VMOVUPS.Z off(SI), k, Z4;  \
	VSUBPS    Z30, Z4, Z4;     \
	EXP512(Z4, Z5, Z6, Z7);    \
	VMOVUPS   Z4, k, off(SI);  \
	VADDPS    Z4, acc, k, acc

// EXP512X4 is EXP512 on Z4, Z8, Z12 and Z29 at once, the four chains
// interleaved op by op: every lane sees the same operations in the same
// order (the same bits), but the out-of-order core gets four independent
// 24-op chains side by side instead of one after the other (15–20 % faster
// softmax on Zen 5). Temporaries Z5–Z7, Z9–Z11, Z13–Z15 and Z22–Z24 (P0–P2
// come from memory by EVEX broadcast), so RELOAD_P012 must restore Z22–Z24
// before EXP512 runs again; Z29 (signBit in EXP512_CONSTS) is clobbered.
#define EXP512X4 \
	VMAXPS    Z4, Z16, Z4;             \
	VMAXPS    Z8, Z16, Z8;             \
	VMAXPS    Z12, Z16, Z12;           \
	VMAXPS    Z29, Z16, Z29;           \
	VMINPS    Z4, Z17, Z4;             \
	VMINPS    Z8, Z17, Z8;             \
	VMINPS    Z12, Z17, Z12;           \
	VMINPS    Z29, Z17, Z29;           \
	VMULPS    Z18, Z4, Z5;             \
	VMULPS    Z18, Z8, Z9;             \
	VMULPS    Z18, Z12, Z13;           \
	VMULPS    Z18, Z29, Z22;           \
	VADDPS    Z19, Z5, Z5;             \
	VADDPS    Z19, Z9, Z9;             \
	VADDPS    Z19, Z13, Z13;           \
	VADDPS    Z19, Z22, Z22;           \
	VSUBPS    Z19, Z5, Z5;             \
	VSUBPS    Z19, Z9, Z9;             \
	VSUBPS    Z19, Z13, Z13;           \
	VSUBPS    Z19, Z22, Z22;           \
	VMULPS    Z20, Z5, Z6;             \
	VMULPS    Z20, Z9, Z10;            \
	VMULPS    Z20, Z13, Z14;           \
	VMULPS    Z20, Z22, Z23;           \
	VSUBPS    Z6, Z4, Z4;              \
	VSUBPS    Z10, Z8, Z8;             \
	VSUBPS    Z14, Z12, Z12;           \
	VSUBPS    Z23, Z29, Z29;           \
	VMULPS    Z21, Z5, Z6;             \
	VMULPS    Z21, Z9, Z10;            \
	VMULPS    Z21, Z13, Z14;           \
	VMULPS    Z21, Z22, Z23;           \
	VSUBPS    Z6, Z4, Z4;              \
	VSUBPS    Z10, Z8, Z8;             \
	VSUBPS    Z14, Z12, Z12;           \
	VSUBPS    Z23, Z29, Z29;           \
	VMULPS    Z4, Z4, Z6;              \
	VMULPS    Z8, Z8, Z10;             \
	VMULPS    Z12, Z12, Z14;           \
	VMULPS    Z29, Z29, Z23;           \
	VMULPS.BCST expP0<>(SB), Z4, Z7;   \
	VMULPS.BCST expP0<>(SB), Z8, Z11;  \
	VMULPS.BCST expP0<>(SB), Z12, Z15; \
	VMULPS.BCST expP0<>(SB), Z29, Z24; \
	VADDPS.BCST expP1<>(SB), Z7, Z7;   \
	VADDPS.BCST expP1<>(SB), Z11, Z11; \
	VADDPS.BCST expP1<>(SB), Z15, Z15; \
	VADDPS.BCST expP1<>(SB), Z24, Z24; \
	VMULPS    Z4, Z7, Z7;              \
	VMULPS    Z8, Z11, Z11;            \
	VMULPS    Z12, Z15, Z15;           \
	VMULPS    Z29, Z24, Z24;           \
	VADDPS.BCST expP2<>(SB), Z7, Z7;   \
	VADDPS.BCST expP2<>(SB), Z11, Z11; \
	VADDPS.BCST expP2<>(SB), Z15, Z15; \
	VADDPS.BCST expP2<>(SB), Z24, Z24; \
	VMULPS    Z4, Z7, Z7;              \
	VMULPS    Z8, Z11, Z11;            \
	VMULPS    Z12, Z15, Z15;           \
	VMULPS    Z29, Z24, Z24;           \
	VADDPS    Z25, Z7, Z7;             \
	VADDPS    Z25, Z11, Z11;           \
	VADDPS    Z25, Z15, Z15;           \
	VADDPS    Z25, Z24, Z24;           \
	VMULPS    Z4, Z7, Z7;              \
	VMULPS    Z8, Z11, Z11;            \
	VMULPS    Z12, Z15, Z15;           \
	VMULPS    Z29, Z24, Z24;           \
	VADDPS    Z26, Z7, Z7;             \
	VADDPS    Z26, Z11, Z11;           \
	VADDPS    Z26, Z15, Z15;           \
	VADDPS    Z26, Z24, Z24;           \
	VMULPS    Z4, Z7, Z7;              \
	VMULPS    Z8, Z11, Z11;            \
	VMULPS    Z12, Z15, Z15;           \
	VMULPS    Z29, Z24, Z24;           \
	VADDPS    Z27, Z7, Z7;             \
	VADDPS    Z27, Z11, Z11;           \
	VADDPS    Z27, Z15, Z15;           \
	VADDPS    Z27, Z24, Z24;           \
	VMULPS    Z6, Z7, Z7;              \
	VMULPS    Z10, Z11, Z11;           \
	VMULPS    Z14, Z15, Z15;           \
	VMULPS    Z23, Z24, Z24;           \
	VADDPS    Z4, Z7, Z7;              \
	VADDPS    Z8, Z11, Z11;            \
	VADDPS    Z12, Z15, Z15;           \
	VADDPS    Z29, Z24, Z24;           \
	VADDPS    Z28, Z7, Z7;             \
	VADDPS    Z28, Z11, Z11;           \
	VADDPS    Z28, Z15, Z15;           \
	VADDPS    Z28, Z24, Z24;           \
	VSCALEFPS Z5, Z7, Z4;              \
	VSCALEFPS Z9, Z11, Z8;             \
	VSCALEFPS Z13, Z15, Z12;           \
	VSCALEFPS Z22, Z24, Z29

// STORE_ADD4 stores Z4, Z8, Z12, Z29 to the 64 floats at SI and adds them
// to the accumulators Z0–Z3.
#define STORE_ADD4 \
	VMOVUPS   Z4, 0(SI);    \
	VMOVUPS   Z8, 64(SI);   \
	VMOVUPS   Z12, 128(SI); \
	VMOVUPS   Z29, 192(SI); \
	VADDPS    Z4, Z0, Z0;   \
	VADDPS    Z8, Z1, Z1;   \
	VADDPS    Z12, Z2, Z2;  \
	VADDPS    Z29, Z3, Z3

// ESS512X4 is ESS512_MASKED on the 64 floats at SI (vectors 0–3 into Z0–Z3,
// all lanes), the exps by EXP512X4.
#define ESS512X4 \
	VMOVUPS   0(SI), Z4;     \
	VMOVUPS   64(SI), Z8;    \
	VMOVUPS   128(SI), Z12;  \
	VMOVUPS   192(SI), Z29;  \
	VSUBPS    Z30, Z4, Z4;   \
	VSUBPS    Z30, Z8, Z8;   \
	VSUBPS    Z30, Z12, Z12; \
	VSUBPS    Z30, Z29, Z29; \
	EXP512X4;                \
	STORE_ADD4

#define RELOAD_P012 \
	VBROADCASTSS expP0<>(SB), Z22; \
	VBROADCASTSS expP1<>(SB), Z23; \
	VBROADCASTSS expP2<>(SB), Z24

// SILU512X4 is SILU512 on the 64 floats at off 0…192 (results stored at
// DI): the four exps interleaved op by op by EXP512X4, the rest four lanes
// of one op at a time, so that the out-of-order core has four independent
// chains to pick from (about 20 % faster than four SILU512 one after the
// other on Zen 5; the same operations per lane, so the same bits). The sign
// flip reads signBit from memory (EXP512X4 clobbers Z29).
#define SILU512X4 \
	VMOVUPS     0(SI), Z4;                  \
	VMOVUPS     64(SI), Z8;                 \
	VMOVUPS     128(SI), Z12;               \
	VMOVUPS     192(SI), Z29;               \
	VPXORD.BCST signBit<>(SB), Z4, Z4;      \
	VPXORD.BCST signBit<>(SB), Z8, Z8;      \
	VPXORD.BCST signBit<>(SB), Z12, Z12;    \
	VPXORD.BCST signBit<>(SB), Z29, Z29;    \
	EXP512X4;                               \
	VADDPS      Z28, Z4, Z4;                \
	VADDPS      Z28, Z8, Z8;                \
	VADDPS      Z28, Z12, Z12;              \
	VADDPS      Z28, Z29, Z29;              \
	VMOVUPS     0(SI), Z0;                  \
	VMOVUPS     64(SI), Z1;                 \
	VMOVUPS     128(SI), Z2;                \
	VMOVUPS     192(SI), Z3;                \
	VDIVPS      Z4, Z0, Z0;                 \
	VDIVPS      Z8, Z1, Z1;                 \
	VDIVPS      Z12, Z2, Z2;                \
	VDIVPS      Z29, Z3, Z3;                \
	VMULPS      0(DX), Z0, Z0;              \
	VMULPS      64(DX), Z1, Z1;             \
	VMULPS      128(DX), Z2, Z2;            \
	VMULPS      192(DX), Z3, Z3;            \
	VMOVUPS     Z0, 0(DI);                  \
	VMOVUPS     Z1, 64(DI);                 \
	VMOVUPS     Z2, 128(DI);                \
	VMOVUPS     Z3, 192(DI)

// func siluMulAVX512(dst, x, u *float32, n int)
TEXT ·siluMulAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ u+16(FP), DX
	MOVQ n+24(FP), CX
	EXP512_CONSTS

silu512_64:
	CMPQ    CX, $64
	JL      silu512_restore
	SILU512X4
	ADDQ    $256, SI
	ADDQ    $256, DX
	ADDQ    $256, DI
	SUBQ    $64, CX
	JMP     silu512_64

silu512_restore: // EXP512X4 clobbered signBit (Z29) and P0–P2 (Z22–Z24)
	VBROADCASTSS signBit<>(SB), Z29
	RELOAD_P012

silu512_16:
	CMPQ    CX, $16
	JL      silu512_tail
	SILU512(0, Z0, Z1, Z2, Z3)
	VMOVUPS Z3, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     silu512_16

silu512_tail:
	TESTQ     CX, CX
	JZ        silu512_done
	MASK16
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z8
	VMOVAPS   Z0, Z9
	VXORPS    Z29, Z0, Z0
	EXP512(Z0, Z1, Z2, Z3)
	VADDPS    Z28, Z0, Z0
	VDIVPS    Z0, Z9, Z9
	VMULPS    Z8, Z9, Z9
	VMOVUPS   Z9, K1, (DI)

silu512_done:
	VZEROUPPER
	RET

// func scaleAVX512(x *float32, n int, s float32)
TEXT ·scaleAVX512(SB), NOSPLIT, $0-20
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS s+16(FP), Z8

scale512_64:
	CMPQ    CX, $64
	JL      scale512_16
	VMULPS  (SI), Z8, Z0
	VMULPS  64(SI), Z8, Z1
	VMULPS  128(SI), Z8, Z2
	VMULPS  192(SI), Z8, Z3
	VMOVUPS Z0, (SI)
	VMOVUPS Z1, 64(SI)
	VMOVUPS Z2, 128(SI)
	VMOVUPS Z3, 192(SI)
	ADDQ    $256, SI
	SUBQ    $64, CX
	JMP     scale512_64

scale512_16:
	CMPQ    CX, $16
	JL      scale512_tail
	VMULPS  (SI), Z8, Z0
	VMOVUPS Z0, (SI)
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     scale512_16

scale512_tail:
	TESTQ     CX, CX
	JZ        scale512_done
	MASK16
	VMOVUPS.Z (SI), K1, Z0
	VMULPS    Z8, Z0, Z0
	VMOVUPS   Z0, K1, (SI)

scale512_done:
	VZEROUPPER
	RET

// func addAVX512(dst, a, b *float32, n int)
TEXT ·addAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX

add512_64:
	CMPQ    CX, $64
	JL      add512_16
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z1
	VMOVUPS 128(SI), Z2
	VMOVUPS 192(SI), Z3
	VADDPS  (DX), Z0, Z0
	VADDPS  64(DX), Z1, Z1
	VADDPS  128(DX), Z2, Z2
	VADDPS  192(DX), Z3, Z3
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	ADDQ    $256, SI
	ADDQ    $256, DX
	ADDQ    $256, DI
	SUBQ    $64, CX
	JMP     add512_64

add512_16:
	CMPQ    CX, $16
	JL      add512_tail
	VMOVUPS (SI), Z0
	VADDPS  (DX), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     add512_16

add512_tail:
	TESTQ     CX, CX
	JZ        add512_done
	MASK16
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z1
	VADDPS    Z1, Z0, Z0
	VMOVUPS   Z0, K1, (DI)

add512_done:
	VZEROUPPER
	RET

// ===========================================================================
// AVX2. Constants are memory operands; EXP256 needs four registers.

// EXP256 sets x = e^x; n, t, p are clobbered. The clamp bounds are loaded
// into n first so that x is the operand VMAXPS/VMINPS return on NaN.
#define EXP256(x, n, t, p) \
	VMOVUPS expLo<>(SB), n;       \
	VMAXPS  x, n, x;              \
	VMOVUPS expHi<>(SB), n;       \
	VMINPS  x, n, x;              \
	VMULPS  expLog2e<>(SB), x, t; \
	VADDPS  expMagic<>(SB), t, t; \
	VSUBPS  expMagic<>(SB), t, n; \
	VPSUBD  expMagic<>(SB), t, t; \
	VMULPS  expLn2Hi<>(SB), n, p; \
	VSUBPS  p, x, x;              \
	VMULPS  expLn2Lo<>(SB), n, p; \
	VSUBPS  p, x, x;              \
	VMULPS  x, x, n;              \
	VMULPS  expP0<>(SB), x, p;    \
	VADDPS  expP1<>(SB), p, p;    \
	VMULPS  x, p, p;              \
	VADDPS  expP2<>(SB), p, p;    \
	VMULPS  x, p, p;              \
	VADDPS  expP3<>(SB), p, p;    \
	VMULPS  x, p, p;              \
	VADDPS  expP4<>(SB), p, p;    \
	VMULPS  x, p, p;              \
	VADDPS  expP5<>(SB), p, p;    \
	VMULPS  n, p, p;              \
	VADDPS  x, p, p;              \
	VADDPS  expOne<>(SB), p, p;   \
	VPSRAD  $1, t, x;             \
	VPSUBD  x, t, t;              \
	VPADDD  expBias<>(SB), x, x;  \
	VPSLLD  $23, x, x;            \
	VPADDD  expBias<>(SB), t, t;  \
	VPSLLD  $23, t, t;            \
	VMULPS  x, p, p;              \
	VMULPS  t, p, x

// MASK8 sets mask to the first CX (< 8) lanes, all bits set.
#define MASK8(mask) \
	VMOVQ        CX, X15;                 \
	VPBROADCASTD X15, mask;               \
	VPCMPGTD     idx64<>(SB), mask, mask

// func expAVX2(dst, x *float32, n int)
TEXT ·expAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX

exp256_16:
	CMPQ    CX, $16
	JL      exp256_8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y4
	EXP256(Y0, Y1, Y2, Y3)
	EXP256(Y4, Y5, Y6, Y7)
	VMOVUPS Y0, (DI)
	VMOVUPS Y4, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     exp256_16

exp256_8:
	CMPQ    CX, $8
	JL      exp256_tail
	VMOVUPS (SI), Y0
	EXP256(Y0, Y1, Y2, Y3)
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	SUBQ    $8, CX

exp256_tail:
	TESTQ      CX, CX
	JZ         exp256_done
	MASK8(Y8)
	VMASKMOVPS (SI), Y8, Y0
	EXP256(Y0, Y1, Y2, Y3)
	VMASKMOVPS Y0, Y8, (DI)

exp256_done:
	VZEROUPPER
	RET

// SILU256 computes one vector of silu(g)·u into p (g at off(SI), u at
// off(DX)).
#define SILU256(off, x, n, t, p) \
	VMOVUPS off(SI), x;          \
	VXORPS  signBit<>(SB), x, x; \
	EXP256(x, n, t, p);          \
	VADDPS  expOne<>(SB), x, x;  \
	VMOVUPS off(SI), p;          \
	VDIVPS  x, p, p;             \
	VMULPS  off(DX), p, p

// func siluMulAVX2(dst, x, u *float32, n int)
TEXT ·siluMulAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ u+16(FP), DX
	MOVQ n+24(FP), CX

silu256_16:
	CMPQ    CX, $16
	JL      silu256_8
	SILU256(0, Y0, Y1, Y2, Y3)
	SILU256(32, Y4, Y5, Y6, Y7)
	VMOVUPS Y3, (DI)
	VMOVUPS Y7, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     silu256_16

silu256_8:
	CMPQ    CX, $8
	JL      silu256_tail
	SILU256(0, Y0, Y1, Y2, Y3)
	VMOVUPS Y3, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX

silu256_tail:
	TESTQ      CX, CX
	JZ         silu256_done
	MASK8(Y8)
	VMASKMOVPS (SI), Y8, Y0
	VMASKMOVPS (DX), Y8, Y9
	VMOVAPS    Y0, Y10
	VXORPS     signBit<>(SB), Y0, Y0
	EXP256(Y0, Y1, Y2, Y3)
	VADDPS     expOne<>(SB), Y0, Y0
	VDIVPS     Y0, Y10, Y10
	VMULPS     Y9, Y10, Y10
	VMASKMOVPS Y10, Y8, (DI)

silu256_done:
	VZEROUPPER
	RET

// FOLD256 folds the 64 lanes of Y8–Y15 into X8 lane 0 (fold64).
#define FOLD256 \
	VADDPS       Y12, Y8, Y8;   \
	VADDPS       Y13, Y9, Y9;   \
	VADDPS       Y14, Y10, Y10; \
	VADDPS       Y15, Y11, Y11; \
	VADDPS       Y10, Y8, Y8;   \
	VADDPS       Y11, Y9, Y9;   \
	VADDPS       Y9, Y8, Y8;    \
	VEXTRACTF128 $1, Y8, X1;    \
	VADDPS       X1, X8, X8;    \
	VMOVHLPS     X8, X8, X1;    \
	VADDPS       X1, X8, X8;    \
	VMOVSHDUP    X8, X1;        \
	VADDSS       X1, X8, X8

#define ZERO8ACC \
	VXORPS Y8, Y8, Y8;    \
	VXORPS Y9, Y9, Y9;    \
	VXORPS Y10, Y10, Y10; \
	VXORPS Y11, Y11, Y11; \
	VXORPS Y12, Y12, Y12; \
	VXORPS Y13, Y13, Y13; \
	VXORPS Y14, Y14, Y14; \
	VXORPS Y15, Y15, Y15

// ESS256 does one vector of expSubSum (m in Y7) into acc.
#define ESS256(off, acc) \
	VMOVUPS off(SI), Y0;    \
	VSUBPS  Y7, Y0, Y0;     \
	EXP256(Y0, Y1, Y2, Y3); \
	VMOVUPS Y0, off(SI);    \
	VADDPS  Y0, acc, acc

// ESS256_MASKED: the lanes of the vector at byte offset off (32·j, vector
// j = 0…7 of the tail) whose index is below CX (broadcast in Y6).
#define ESS256_MASKED(off, acc) \
	VPCMPGTD   idx64<>+off(SB), Y6, Y5; \
	VMASKMOVPS off(SI), Y5, Y0;         \
	VSUBPS     Y7, Y0, Y0;              \
	EXP256(Y0, Y1, Y2, Y3);             \
	VMASKMOVPS Y0, Y5, off(SI);         \
	VANDPS     Y5, Y0, Y0;                 \
	VADDPS     Y0, acc, acc

#define SSQ256(off, acc) \
	VMOVUPS off(SI), Y0; \
	VMULPS  Y0, Y0, Y0;  \
	VADDPS  Y0, acc, acc

#define SSQ256_MASKED(off, acc) \
	VPCMPGTD   idx64<>+off(SB), Y6, Y5; \
	VMASKMOVPS off(SI), Y5, Y0;         \
	VMULPS     Y0, Y0, Y0;                 \
	VADDPS     Y0, acc, acc

// func scaleAVX2(x *float32, n int, s float32)
TEXT ·scaleAVX2(SB), NOSPLIT, $0-20
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS s+16(FP), Y8

scale256_32:
	CMPQ    CX, $32
	JL      scale256_8
	VMULPS  (SI), Y8, Y0
	VMULPS  32(SI), Y8, Y1
	VMULPS  64(SI), Y8, Y2
	VMULPS  96(SI), Y8, Y3
	VMOVUPS Y0, (SI)
	VMOVUPS Y1, 32(SI)
	VMOVUPS Y2, 64(SI)
	VMOVUPS Y3, 96(SI)
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     scale256_32

scale256_8:
	CMPQ    CX, $8
	JL      scale256_tail
	VMULPS  (SI), Y8, Y0
	VMOVUPS Y0, (SI)
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     scale256_8

scale256_tail:
	TESTQ      CX, CX
	JZ         scale256_done
	MASK8(Y5)
	VMASKMOVPS (SI), Y5, Y0
	VMULPS     Y8, Y0, Y0
	VMASKMOVPS Y0, Y5, (SI)

scale256_done:
	VZEROUPPER
	RET

// func addAVX2(dst, a, b *float32, n int)
TEXT ·addAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX

add256_32:
	CMPQ    CX, $32
	JL      add256_8
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS 64(SI), Y2
	VMOVUPS 96(SI), Y3
	VADDPS  (DX), Y0, Y0
	VADDPS  32(DX), Y1, Y1
	VADDPS  64(DX), Y2, Y2
	VADDPS  96(DX), Y3, Y3
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	ADDQ    $128, SI
	ADDQ    $128, DX
	ADDQ    $128, DI
	SUBQ    $32, CX
	JMP     add256_32

add256_8:
	CMPQ    CX, $8
	JL      add256_tail
	VMOVUPS (SI), Y0
	VADDPS  (DX), Y0, Y0
	VMOVUPS Y0, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	SUBQ    $8, CX
	JMP     add256_8

add256_tail:
	TESTQ      CX, CX
	JZ         add256_done
	MASK8(Y5)
	VMASKMOVPS (SI), Y5, Y0
	VMASKMOVPS (DX), Y5, Y1
	VADDPS     Y1, Y0, Y0
	VMASKMOVPS Y0, Y5, (DI)

add256_done:
	VZEROUPPER
	RET

// ===========================================================================
// Transpose (AVX): dst (cols, rows; row stride ldd) = src (rows, cols; row
// stride lds)ᵀ for rows and cols multiples of 8, in 8×8 tiles. A tile is
// loaded as four YMM registers holding columns 0–3 of source rows i and i+4
// in their two halves (and four more for columns 4–7); TR4 transposes the
// 4×4 blocks inside each 128-bit lane, which leaves each register holding
// one full destination row.
//
// Tiles are done in pairs stacked vertically (16 source rows × 8 columns),
// sweeping a 16-row strip from left to right: each destination row gets 16
// consecutive floats (a whole cache line when aligned) at once, and the
// source lines of the strip are used up by two consecutive steps. This keeps
// the working set to about 32 lines whatever the strides, so power-of-two
// strides (which map all rows to a few L1 sets) do not thrash.

// TR4 transposes the 4×4 blocks of a, b, c, d lane-wise (t0–t3 clobbered).
#define TR4(a, b, c, d, t0, t1, t2, t3) \
	VUNPCKLPS b, a, t0;         \
	VUNPCKHPS b, a, t1;         \
	VUNPCKLPS d, c, t2;         \
	VUNPCKHPS d, c, t3;         \
	VSHUFPS   $0x44, t2, t0, a; \
	VSHUFPS   $0xee, t2, t0, b; \
	VSHUFPS   $0x44, t3, t1, c; \
	VSHUFPS   $0xee, t3, t1, d

// TILE8 transposes the 8×8 tile whose source rows 0–3 start at s (stride
// R9, R13 = 3·R9) and rows 4–7 at s4, into destination rows starting at
// doff(d) (rows 0–3, stride R8, R14 = 3·R8) and doff(d4) (rows 4–7).
#define TILE8(s, s4, d, d4, doff) \
	VMOVUPS     (s), X0;                       \
	VMOVUPS     (s)(R9*1), X1;                 \
	VMOVUPS     (s)(R9*2), X2;                 \
	VMOVUPS     (s)(R13*1), X3;                \
	VINSERTF128 $1, (s4), Y0, Y0;              \
	VINSERTF128 $1, (s4)(R9*1), Y1, Y1;        \
	VINSERTF128 $1, (s4)(R9*2), Y2, Y2;        \
	VINSERTF128 $1, (s4)(R13*1), Y3, Y3;       \
	VMOVUPS     16(s), X4;                     \
	VMOVUPS     16(s)(R9*1), X5;               \
	VMOVUPS     16(s)(R9*2), X6;               \
	VMOVUPS     16(s)(R13*1), X7;              \
	VINSERTF128 $1, 16(s4), Y4, Y4;            \
	VINSERTF128 $1, 16(s4)(R9*1), Y5, Y5;      \
	VINSERTF128 $1, 16(s4)(R9*2), Y6, Y6;      \
	VINSERTF128 $1, 16(s4)(R13*1), Y7, Y7;     \
	TR4(Y0, Y1, Y2, Y3, Y8, Y9, Y10, Y11);     \
	TR4(Y4, Y5, Y6, Y7, Y12, Y13, Y14, Y15);   \
	VMOVUPS     Y0, doff(d);                   \
	VMOVUPS     Y1, doff(d)(R8*1);             \
	VMOVUPS     Y2, doff(d)(R8*2);             \
	VMOVUPS     Y3, doff(d)(R14*1);            \
	VMOVUPS     Y4, doff(d4);                  \
	VMOVUPS     Y5, doff(d4)(R8*1);            \
	VMOVUPS     Y6, doff(d4)(R8*2);            \
	VMOVUPS     Y7, doff(d4)(R14*1)

// func transposeAVX(dst *float32, ldd int, src *float32, lds int, rows, cols int)
TEXT ·transposeAVX(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ ldd+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ lds+24(FP), R9
	MOVQ rows+32(FP), R10
	SHLQ $2, R8          // strides in bytes
	SHLQ $2, R9
	LEAQ (R8)(R8*2), R14 // 3·ldd
	LEAQ (R9)(R9*2), R13 // 3·lds

tr_strip16:
	CMPQ R10, $16
	JL   tr_strip8
	MOVQ SI, AX          // source (r, c)
	MOVQ DI, BX          // destination (c, r)
	MOVQ cols+40(FP), CX

tr_pair:
	LEAQ (AX)(R9*4), DX   // source row r+4
	LEAQ (BX)(R8*4), R12  // destination row c+4
	TILE8(AX, DX, BX, R12, 0)
	LEAQ (DX)(R9*4), R11  // source row r+8
	LEAQ (R11)(R9*4), DX  // source row r+12
	TILE8(R11, DX, BX, R12, 32)
	ADDQ $32, AX
	LEAQ (BX)(R8*8), BX
	SUBQ $8, CX
	JNZ  tr_pair

	LEAQ (SI)(R9*8), SI
	LEAQ (SI)(R9*8), SI
	ADDQ $64, DI
	SUBQ $16, R10
	JMP  tr_strip16

tr_strip8:
	TESTQ R10, R10
	JZ    tr_done
	MOVQ  SI, AX
	MOVQ  DI, BX
	MOVQ  cols+40(FP), CX

tr_single:
	LEAQ (AX)(R9*4), DX
	LEAQ (BX)(R8*4), R12
	TILE8(AX, DX, BX, R12, 0)
	ADDQ $32, AX
	LEAQ (BX)(R8*8), BX
	SUBQ $8, CX
	JNZ  tr_single

tr_done:
	VZEROUPPER
	RET

// ===========================================================================
// Whole-matrix RMSNorm and Softmax: the per-row kernels above fused, one call
// for all rows (the rows of the models are short: 97 to 1536 floats). Each
// does exactly the operations of the Go code in vec.go on top of the
// kernels: RMSNorm's factor is float32(1/sqrt(float64(ss)/float64(dim) +
// float64(eps))) in float64 scalar operations, Softmax's is 1/sum in float32.

DATA one64<>+0(SB)/8, $0x3ff0000000000000 // 1.0 (float64)
GLOBL one64<>(SB), RODATA|NOPTR, $8

// SCALE512(inv, tail) multiplies the row at DI (R9 floats) by inv; the last
// R9 % 16 floats under mask tail. Clobbers SI, CX, Z4–Z7.
#define SCALE512(inv, tail, l64, l16, ltail, ldone) \
	MOVQ      DI, SI;                \
	MOVQ      R9, CX;                \
l64:                                 \
	CMPQ      CX, $64;               \
	JL        l16;                   \
	VMULPS    (SI), inv, Z4;         \
	VMULPS    64(SI), inv, Z5;       \
	VMULPS    128(SI), inv, Z6;      \
	VMULPS    192(SI), inv, Z7;      \
	VMOVUPS   Z4, (SI);              \
	VMOVUPS   Z5, 64(SI);            \
	VMOVUPS   Z6, 128(SI);           \
	VMOVUPS   Z7, 192(SI);           \
	ADDQ      $256, SI;              \
	SUBQ      $64, CX;               \
	JMP       l64;                   \
l16:                                 \
	CMPQ      CX, $16;               \
	JL        ltail;                 \
	VMULPS    (SI), inv, Z4;         \
	VMOVUPS   Z4, (SI);              \
	ADDQ      $64, SI;               \
	SUBQ      $16, CX;               \
	JMP       l16;                   \
ltail:                               \
	TESTQ     CX, CX;                \
	JZ        ldone;                 \
	VMOVUPS.Z (SI), tail, Z4;        \
	VMULPS    inv, Z4, Z4;           \
	VMOVUPS   Z4, tail, (SI);        \
ldone:

// func rmsNormAVX512(x *float32, rows, dim int, eps float32)
TEXT ·rmsNormAVX512(SB), NOSPLIT, $0-28
	MOVQ       x+0(FP), DI
	MOVQ       rows+8(FP), R8
	MOVQ       dim+16(FP), R9
	MOVQ       R9, CX
	ANDQ       $63, CX
	MASK64                        // K1–K4: the sum-of-squares tail
	MOVQ       R9, CX
	ANDQ       $15, CX
	MOVL       $1, AX
	SHLL       CX, AX
	DECL       AX
	KMOVW      AX, K5             // the scaling tail
	VCVTSI2SDQ R9, X10, X10       // float64(dim)
	VMOVSS     eps+24(FP), X11
	VCVTSS2SD  X11, X11, X11      // float64(eps)
	VMOVSD     one64<>(SB), X12

rms512_row:
	TESTQ  R8, R8
	JZ     rms512_done
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
	MOVQ   DI, SI
	MOVQ   R9, CX

rms512_ss64:
	CMPQ    CX, $64
	JL      rms512_sstail
	VMOVUPS (SI), Z4
	VMOVUPS 64(SI), Z5
	VMOVUPS 128(SI), Z6
	VMOVUPS 192(SI), Z7
	VMULPS  Z4, Z4, Z4
	VMULPS  Z5, Z5, Z5
	VMULPS  Z6, Z6, Z6
	VMULPS  Z7, Z7, Z7
	VADDPS  Z4, Z0, Z0
	VADDPS  Z5, Z1, Z1
	VADDPS  Z6, Z2, Z2
	VADDPS  Z7, Z3, Z3
	ADDQ    $256, SI
	SUBQ    $64, CX
	JMP     rms512_ss64

rms512_sstail:
	TESTQ     CX, CX
	JZ        rms512_fold
	VMOVUPS.Z (SI), K1, Z4
	VMOVUPS.Z 64(SI), K2, Z5
	VMOVUPS.Z 128(SI), K3, Z6
	VMOVUPS.Z 192(SI), K4, Z7
	VMULPS    Z4, Z4, Z4
	VMULPS    Z5, Z5, Z5
	VMULPS    Z6, Z6, Z6
	VMULPS    Z7, Z7, Z7
	VADDPS    Z4, Z0, Z0
	VADDPS    Z5, Z1, Z1
	VADDPS    Z6, Z2, Z2
	VADDPS    Z7, Z3, Z3

rms512_fold:
	FOLD512
	VCVTSS2SD    X0, X0, X0
	VDIVSD       X10, X0, X0
	VADDSD       X11, X0, X0
	VSQRTSD      X0, X0, X0
	VDIVSD       X0, X12, X0
	VCVTSD2SS    X0, X0, X0
	VBROADCASTSS X0, Z9
	SCALE512(Z9, K5, rms512_sc64, rms512_sc16, rms512_sctail, rms512_scdone)
	LEAQ         (DI)(R9*4), DI
	DECQ         R8
	JMP          rms512_row

rms512_done:
	VZEROUPPER
	RET

// func softmaxAVX512(x *float32, rows, n int)
TEXT ·softmaxAVX512(SB), NOSPLIT, $0-24
	MOVQ  x+0(FP), DI
	MOVQ  rows+8(FP), R8
	MOVQ  n+16(FP), R9
	MOVQ  R9, CX
	ANDQ  $63, CX
	MASK64                        // K1–K4: the exp-sum tail
	MOVQ  R9, CX
	ANDQ  $15, CX
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K5                  // the max and scaling tail
	EXP512_CONSTS

sm512_row:
	TESTQ        R8, R8
	JZ           sm512_done
	VBROADCASTSS negInf<>(SB), Z0
	VMOVAPS      Z0, Z1
	VMOVAPS      Z0, Z2
	VMOVAPS      Z0, Z3
	MOVQ         DI, SI
	MOVQ         R9, CX

sm512_max64:
	CMPQ   CX, $64
	JL     sm512_max16
	VMAXPS (SI), Z0, Z0
	VMAXPS 64(SI), Z1, Z1
	VMAXPS 128(SI), Z2, Z2
	VMAXPS 192(SI), Z3, Z3
	ADDQ   $256, SI
	SUBQ   $64, CX
	JMP    sm512_max64

sm512_max16:
	CMPQ   CX, $16
	JL     sm512_maxtail
	VMAXPS (SI), Z0, Z0
	ADDQ   $64, SI
	SUBQ   $16, CX
	JMP    sm512_max16

sm512_maxtail:
	TESTQ     CX, CX
	JZ        sm512_maxfold
	VMOVUPS.Z (SI), K5, Z4
	VMAXPS    Z4, Z1, K5, Z1

sm512_maxfold:
	VMAXPS        Z2, Z0, Z0
	VMAXPS        Z3, Z1, Z1
	VMAXPS        Z1, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMAXPS        X1, X0, X0
	VMOVHLPS      X0, X0, X1
	VMAXPS        X1, X0, X0
	VMOVSHDUP     X0, X1
	VMAXSS        X1, X0, X0
	VBROADCASTSS  X0, Z30
	VXORPS        Z0, Z0, Z0
	VXORPS        Z1, Z1, Z1
	VXORPS        Z2, Z2, Z2
	VXORPS        Z3, Z3, Z3
	MOVQ          DI, SI
	MOVQ          R9, CX

sm512_ess64:
	CMPQ CX, $64
	JL   sm512_esstail
	ESS512X4
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  sm512_ess64

sm512_esstail:
	RELOAD_P012
	TESTQ CX, CX
	JZ    sm512_essfold
	ESS512_MASKED(0, Z0, K1)
	ESS512_MASKED(64, Z1, K2)
	ESS512_MASKED(128, Z2, K3)
	ESS512_MASKED(192, Z3, K4)

sm512_essfold:
	FOLD512
	VDIVSS       X0, X28, X0      // 1/sum (Z28 holds 1.0)
	VBROADCASTSS X0, Z31
	SCALE512(Z31, K5, sm512_sc64, sm512_sc16, sm512_sctail, sm512_scdone)
	LEAQ         (DI)(R9*4), DI
	DECQ         R8
	JMP          sm512_row

sm512_done:
	VZEROUPPER
	RET

// SCALE256(inv, l32, l8, ltail, ldone) multiplies the row at DI (R9 floats)
// by inv. Clobbers SI, CX, AX, Y0–Y3, Y5, X15.
#define SCALE256(inv, l32, l8, ltail, ldone) \
	MOVQ       DI, SI;             \
	MOVQ       R9, CX;             \
l32:                               \
	CMPQ       CX, $32;            \
	JL         l8;                 \
	VMULPS     (SI), inv, Y0;      \
	VMULPS     32(SI), inv, Y1;    \
	VMULPS     64(SI), inv, Y2;    \
	VMULPS     96(SI), inv, Y3;    \
	VMOVUPS    Y0, (SI);           \
	VMOVUPS    Y1, 32(SI);         \
	VMOVUPS    Y2, 64(SI);         \
	VMOVUPS    Y3, 96(SI);         \
	ADDQ       $128, SI;           \
	SUBQ       $32, CX;            \
	JMP        l32;                \
l8:                                \
	CMPQ       CX, $8;             \
	JL         ltail;              \
	VMULPS     (SI), inv, Y0;      \
	VMOVUPS    Y0, (SI);           \
	ADDQ       $32, SI;            \
	SUBQ       $8, CX;             \
	JMP        l8;                 \
ltail:                             \
	TESTQ      CX, CX;             \
	JZ         ldone;              \
	MASK8(Y5);                     \
	VMASKMOVPS (SI), Y5, Y0;       \
	VMULPS     inv, Y0, Y0;        \
	VMASKMOVPS Y0, Y5, (SI);       \
ldone:

// func rmsNormAVX2(x *float32, rows, dim int, eps float32)
TEXT ·rmsNormAVX2(SB), NOSPLIT, $0-28
	MOVQ x+0(FP), DI
	MOVQ rows+8(FP), R8
	MOVQ dim+16(FP), R9

rms256_row:
	TESTQ R8, R8
	JZ    rms256_done
	ZERO8ACC
	MOVQ  DI, SI
	MOVQ  R9, CX

rms256_ss64:
	CMPQ CX, $64
	JL   rms256_sstail
	SSQ256(0, Y8)
	SSQ256(32, Y9)
	SSQ256(64, Y10)
	SSQ256(96, Y11)
	SSQ256(128, Y12)
	SSQ256(160, Y13)
	SSQ256(192, Y14)
	SSQ256(224, Y15)
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  rms256_ss64

rms256_sstail:
	TESTQ        CX, CX
	JZ           rms256_fold
	VMOVQ        CX, X6
	VPBROADCASTD X6, Y6
	SSQ256_MASKED(0, Y8)
	SSQ256_MASKED(32, Y9)
	SSQ256_MASKED(64, Y10)
	SSQ256_MASKED(96, Y11)
	SSQ256_MASKED(128, Y12)
	SSQ256_MASKED(160, Y13)
	SSQ256_MASKED(192, Y14)
	SSQ256_MASKED(224, Y15)

rms256_fold:
	FOLD256
	VCVTSS2SD    X8, X8, X8
	VCVTSI2SDQ   R9, X2, X2       // float64(dim)
	VDIVSD       X2, X8, X8
	VMOVSS       eps+24(FP), X3
	VCVTSS2SD    X3, X3, X3       // float64(eps)
	VADDSD       X3, X8, X8
	VSQRTSD      X8, X8, X8
	VMOVSD       one64<>(SB), X4
	VDIVSD       X8, X4, X8
	VCVTSD2SS    X8, X8, X8
	VBROADCASTSS X8, Y7
	SCALE256(Y7, rms256_sc32, rms256_sc8, rms256_sctail, rms256_scdone)
	LEAQ         (DI)(R9*4), DI
	DECQ         R8
	JMP          rms256_row

rms256_done:
	VZEROUPPER
	RET

// func softmaxAVX2(x *float32, rows, n int)
TEXT ·softmaxAVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), DI
	MOVQ rows+8(FP), R8
	MOVQ n+16(FP), R9

sm256_row:
	TESTQ   R8, R8
	JZ      sm256_done
	VMOVUPS negInf<>(SB), Y0
	VMOVAPS Y0, Y1
	VMOVAPS Y0, Y2
	VMOVAPS Y0, Y3
	MOVQ    DI, SI
	MOVQ    R9, CX

sm256_max32:
	CMPQ   CX, $32
	JL     sm256_max8
	VMAXPS (SI), Y0, Y0
	VMAXPS 32(SI), Y1, Y1
	VMAXPS 64(SI), Y2, Y2
	VMAXPS 96(SI), Y3, Y3
	ADDQ   $128, SI
	SUBQ   $32, CX
	JMP    sm256_max32

sm256_max8:
	CMPQ   CX, $8
	JL     sm256_maxtail
	VMAXPS (SI), Y0, Y0
	ADDQ   $32, SI
	SUBQ   $8, CX
	JMP    sm256_max8

sm256_maxtail:
	TESTQ      CX, CX
	JZ         sm256_maxfold
	MASK8(Y5)
	VMASKMOVPS (SI), Y5, Y4
	VBLENDVPS  Y5, Y4, Y1, Y4
	VMAXPS     Y4, Y1, Y1

sm256_maxfold:
	VMAXPS       Y2, Y0, Y0
	VMAXPS       Y3, Y1, Y1
	VMAXPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VMOVHLPS     X0, X0, X1
	VMAXPS       X1, X0, X0
	VMOVSHDUP    X0, X1
	VMAXSS       X1, X0, X0
	VBROADCASTSS X0, Y7
	ZERO8ACC
	MOVQ         DI, SI
	MOVQ         R9, CX

sm256_ess64:
	CMPQ CX, $64
	JL   sm256_esstail
	ESS256(0, Y8)
	ESS256(32, Y9)
	ESS256(64, Y10)
	ESS256(96, Y11)
	ESS256(128, Y12)
	ESS256(160, Y13)
	ESS256(192, Y14)
	ESS256(224, Y15)
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  sm256_ess64

sm256_esstail:
	TESTQ        CX, CX
	JZ           sm256_essfold
	VMOVQ        CX, X6
	VPBROADCASTD X6, Y6
	ESS256_MASKED(0, Y8)
	ESS256_MASKED(32, Y9)
	ESS256_MASKED(64, Y10)
	ESS256_MASKED(96, Y11)
	ESS256_MASKED(128, Y12)
	ESS256_MASKED(160, Y13)
	ESS256_MASKED(192, Y14)
	ESS256_MASKED(224, Y15)

sm256_essfold:
	FOLD256
	VMOVSS       expOne<>(SB), X1
	VDIVSS       X8, X1, X1       // 1/sum
	VBROADCASTSS X1, Y7
	SCALE256(Y7, sm256_sc32, sm256_sc8, sm256_sctail, sm256_scdone)
	LEAQ         (DI)(R9*4), DI
	DECQ         R8
	JMP          sm256_row

sm256_done:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// func onlineSoftmaxAVX512(x *float32, rows, n int, scale float32, mprev, mnew, sum *float32)
//
// The rows of an online-softmax tile (attention_tiled.go), x (rows, n),
// n > 0 (tiles of 96 × 256 scores, the last ones 52 × 148 at T = 916): per row r, m = max(mprev[r], (max x)·scale), x = e^(x·scale − m),
// mnew[r] = m, sum[r] = Σ x in the canonical order. The same float32
// operations as onlineSoftmaxGo.

// ESSS512_MASKED is ESS512_MASKED with the input scaled by Z31 first.
#define ESSS512_MASKED(off, acc, k) \
	VMOVUPS.Z off(SI), k, Z4;  \
	VMULPS    Z31, Z4, Z4;     \
	VSUBPS    Z30, Z4, Z4;     \
	EXP512(Z4, Z5, Z6, Z7);    \
	VMOVUPS   Z4, k, off(SI);  \
	VADDPS    Z4, acc, k, acc

// ESSS512X4 is ESS512X4 with the inputs scaled by Z31 first (x·Z31 − Z30).
#define ESSS512X4 \
	VMOVUPS   0(SI), Z4;     \
	VMOVUPS   64(SI), Z8;    \
	VMOVUPS   128(SI), Z12;  \
	VMOVUPS   192(SI), Z29;  \
	VMULPS    Z31, Z4, Z4;   \
	VMULPS    Z31, Z8, Z8;   \
	VMULPS    Z31, Z12, Z12; \
	VMULPS    Z31, Z29, Z29; \
	VSUBPS    Z30, Z4, Z4;   \
	VSUBPS    Z30, Z8, Z8;   \
	VSUBPS    Z30, Z12, Z12; \
	VSUBPS    Z30, Z29, Z29; \
	EXP512X4;                \
	STORE_ADD4

TEXT ·onlineSoftmaxAVX512(SB), NOSPLIT, $0-56
	MOVQ  x+0(FP), DI
	MOVQ  rows+8(FP), R8
	MOVQ  n+16(FP), R9
	MOVQ  mprev+32(FP), R10
	MOVQ  mnew+40(FP), R11
	MOVQ  sum+48(FP), R12
	MOVQ  R9, CX
	ANDQ  $63, CX
	MASK64                        // K1–K4: the exp-sum tail
	MOVQ  R9, CX
	ANDQ  $15, CX
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K5                  // the max tail
	EXP512_CONSTS
	VBROADCASTSS scale+24(FP), Z31

osm_row:
	TESTQ        R8, R8
	JZ           osm_done
	VBROADCASTSS negInf<>(SB), Z0
	VMOVAPS      Z0, Z1
	VMOVAPS      Z0, Z2
	VMOVAPS      Z0, Z3
	MOVQ         DI, SI
	MOVQ         R9, CX

osm_max64:
	CMPQ   CX, $64
	JL     osm_max16
	VMAXPS (SI), Z0, Z0
	VMAXPS 64(SI), Z1, Z1
	VMAXPS 128(SI), Z2, Z2
	VMAXPS 192(SI), Z3, Z3
	ADDQ   $256, SI
	SUBQ   $64, CX
	JMP    osm_max64

osm_max16:
	CMPQ   CX, $16
	JL     osm_maxtail
	VMAXPS (SI), Z0, Z0
	ADDQ   $64, SI
	SUBQ   $16, CX
	JMP    osm_max16

osm_maxtail:
	TESTQ     CX, CX
	JZ        osm_maxfold
	VMOVUPS.Z (SI), K5, Z4
	VMAXPS    Z4, Z1, K5, Z1

osm_maxfold:
	VMAXPS        Z2, Z0, Z0
	VMAXPS        Z3, Z1, Z1
	VMAXPS        Z1, Z0, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMAXPS        X1, X0, X0
	VMOVHLPS      X0, X0, X1
	VMAXPS        X1, X0, X0
	VMOVSHDUP     X0, X1
	VMAXSS        X1, X0, X0
	VMULSS        scale+24(FP), X0, X0
	VMAXSS        (R10), X0, X0
	VMOVSS        X0, (R11)
	VBROADCASTSS  X0, Z30
	VXORPS        Z0, Z0, Z0
	VXORPS        Z1, Z1, Z1
	VXORPS        Z2, Z2, Z2
	VXORPS        Z3, Z3, Z3
	MOVQ          DI, SI
	MOVQ          R9, CX

osm_ess64:
	CMPQ CX, $64
	JL   osm_esstail
	ESSS512X4
	ADDQ $256, SI
	SUBQ $64, CX
	JMP  osm_ess64

osm_esstail:
	RELOAD_P012
	TESTQ CX, CX
	JZ    osm_essfold
	ESSS512_MASKED(0, Z0, K1)
	ESSS512_MASKED(64, Z1, K2)
	ESSS512_MASKED(128, Z2, K3)
	ESSS512_MASKED(192, Z3, K4)

osm_essfold:
	FOLD512
	VMOVSS X0, (R12)
	LEAQ   (DI)(R9*4), DI
	ADDQ   $4, R10
	ADDQ   $4, R11
	ADDQ   $4, R12
	DECQ   R8
	JMP    osm_row

osm_done:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------
// The bf16 SwiGLU gate (round_bf16.go): dst = x̂(x̂(silu(g))·u), x̂ = the
// integer round to bf16 of ToBF16 kept in float32 storage; silu(g) =
// g/(1+e^−g) as SILU512 computes it (the bits of siluMul32(g, 1)).
// Rounding constants in Z30, Z31, Z14, Z15; n is a multiple of 16.

// RND512_CONSTS loads RND512's constants (AX clobbered): 0x7FFF in Z30, 1
// in Z31, the NaN quiet bit in Z14, the bf16 half 0xFFFF0000 in Z15.
#define RND512_CONSTS \
	MOVL $0x7FFF, AX;         \
	VPBROADCASTD AX, Z30;     \
	MOVL $1, AX;              \
	VPBROADCASTD AX, Z31;     \
	MOVL $0x00400000, AX;     \
	VPBROADCASTD AX, Z14;     \
	MOVL $0xFFFF0000, AX;     \
	VPBROADCASTD AX, Z15

#define RND512(x, t) \
	VPSRLD  $16, x, t;      \
	VPANDD  Z31, t, t;      \
	VPADDD  Z30, t, t;      \
	VPADDD  x, t, t;        \
	VCMPPS  $3, x, x, K1;   \
	VPORD   Z14, x, K1, t;  \
	VPANDD  Z15, t, t

// RND512X4 is RND512 on a0…a3 into r0…r3, four lanes of one op at a time
// (NaN masks K1–K4; the quiet bit and the bf16 half read from memory, as
// EXP512X4 clobbers Z14 and Z15).
#define RND512X4(a0, a1, a2, a3, r0, r1, r2, r3) \
	VPSRLD      $16, a0, r0;                  \
	VPSRLD      $16, a1, r1;                  \
	VPSRLD      $16, a2, r2;                  \
	VPSRLD      $16, a3, r3;                  \
	VPANDD      Z31, r0, r0;                  \
	VPANDD      Z31, r1, r1;                  \
	VPANDD      Z31, r2, r2;                  \
	VPANDD      Z31, r3, r3;                  \
	VPADDD      Z30, r0, r0;                  \
	VPADDD      Z30, r1, r1;                  \
	VPADDD      Z30, r2, r2;                  \
	VPADDD      Z30, r3, r3;                  \
	VPADDD      a0, r0, r0;                   \
	VPADDD      a1, r1, r1;                   \
	VPADDD      a2, r2, r2;                   \
	VPADDD      a3, r3, r3;                   \
	VCMPPS      $3, a0, a0, K1;               \
	VCMPPS      $3, a1, a1, K2;               \
	VCMPPS      $3, a2, a2, K3;               \
	VCMPPS      $3, a3, a3, K4;               \
	VPORD.BCST  bf16Quiet<>(SB), a0, K1, r0;  \
	VPORD.BCST  bf16Quiet<>(SB), a1, K2, r1;  \
	VPORD.BCST  bf16Quiet<>(SB), a2, K3, r2;  \
	VPORD.BCST  bf16Quiet<>(SB), a3, K4, r3;  \
	VPANDD.BCST bf16High<>(SB), r0, r0;       \
	VPANDD.BCST bf16High<>(SB), r1, r1;       \
	VPANDD.BCST bf16High<>(SB), r2, r2;       \
	VPANDD.BCST bf16High<>(SB), r3, r3

// GATEBF16X4 is the gate on the 64 floats at off 0…192 (stored at DI), the
// four chains interleaved like SILU512X4: silu(g) by SILU512X4's steps,
// then rounded, times u, rounded again (about 27 % faster than one vector
// at a time on Zen 5; the same operations per lane).
#define GATEBF16X4 \
	VMOVUPS     0(SI), Z4;                  \
	VMOVUPS     64(SI), Z8;                 \
	VMOVUPS     128(SI), Z12;               \
	VMOVUPS     192(SI), Z29;               \
	VPXORD.BCST signBit<>(SB), Z4, Z4;      \
	VPXORD.BCST signBit<>(SB), Z8, Z8;      \
	VPXORD.BCST signBit<>(SB), Z12, Z12;    \
	VPXORD.BCST signBit<>(SB), Z29, Z29;    \
	EXP512X4;                               \
	VADDPS      Z28, Z4, Z4;                \
	VADDPS      Z28, Z8, Z8;                \
	VADDPS      Z28, Z12, Z12;              \
	VADDPS      Z28, Z29, Z29;              \
	VMOVUPS     0(SI), Z0;                  \
	VMOVUPS     64(SI), Z1;                 \
	VMOVUPS     128(SI), Z2;                \
	VMOVUPS     192(SI), Z3;                \
	VDIVPS      Z4, Z0, Z0;                 \
	VDIVPS      Z8, Z1, Z1;                 \
	VDIVPS      Z12, Z2, Z2;                \
	VDIVPS      Z29, Z3, Z3;                \
	RND512X4(Z0, Z1, Z2, Z3, Z5, Z9, Z13, Z22); \
	VMULPS      0(DX), Z5, Z5;              \
	VMULPS      64(DX), Z9, Z9;             \
	VMULPS      128(DX), Z13, Z13;          \
	VMULPS      192(DX), Z22, Z22;          \
	RND512X4(Z5, Z9, Z13, Z22, Z6, Z10, Z14, Z23); \
	VMOVUPS     Z6, 0(DI);                  \
	VMOVUPS     Z10, 64(DI);                \
	VMOVUPS     Z14, 128(DI);               \
	VMOVUPS     Z23, 192(DI)

// func gateBF16AVX512(dst, x, u *float32, n int)
TEXT ·gateBF16AVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ u+16(FP), DX
	MOVQ n+24(FP), CX
	EXP512_CONSTS
	RND512_CONSTS
	SHRQ $4, CX
	JZ   gatebf16_done

gatebf16_64:
	CMPQ    CX, $4
	JL      gatebf16_restore
	GATEBF16X4
	ADDQ    $256, SI
	ADDQ    $256, DX
	ADDQ    $256, DI
	SUBQ    $4, CX
	JMP     gatebf16_64

gatebf16_restore: // GATEBF16X4 clobbered Z14, Z15, Z29 and Z22–Z24
	MOVL         $0x00400000, AX
	VPBROADCASTD AX, Z14
	MOVL         $0xFFFF0000, AX
	VPBROADCASTD AX, Z15
	VBROADCASTSS signBit<>(SB), Z29
	RELOAD_P012
	TESTQ        CX, CX
	JZ           gatebf16_done

gatebf16_loop:
	VMOVUPS (SI), Z0
	VXORPS  Z29, Z0, Z0
	EXP512(Z0, Z1, Z2, Z3)
	VADDPS  Z28, Z0, Z0
	VMOVUPS (SI), Z3
	VDIVPS  Z0, Z3, Z3
	RND512(Z3, Z4)
	VMULPS  (DX), Z4, Z4
	RND512(Z4, Z5)
	VMOVUPS Z5, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	DECQ    CX
	JNZ     gatebf16_loop

gatebf16_done:
	VZEROUPPER
	RET

// gateRndTabBF16AVX512 is the gate on unrounded inputs, for the SwiGLU
// epilogue of a bf16 GEMM: dst = round(round(silu(round(g)))·round(u)),
// round(silu(·)) looked up in tab by the 16 bits of round(g). n is a
// multiple of 16.
//
// func gateRndTabBF16AVX512(dst, x, u *float32, n int, tab *float32)
TEXT ·gateRndTabBF16AVX512(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ u+16(FP), DX
	MOVQ n+24(FP), CX
	RND512_CONSTS
	MOVQ tab+32(FP), AX
	SHRQ $4, CX
	JZ   gaternd_done

gaternd_loop:
	VMOVUPS    (SI), Z0
	RND512(Z0, Z1)
	VPSRLD     $16, Z1, Z1
	KXNORW     K0, K0, K3
	VPGATHERDD (AX)(Z1*4), K3, Z2
	VMOVUPS    (DX), Z3
	RND512(Z3, Z4)
	VMULPS     Z4, Z2, Z5
	RND512(Z5, Z6)
	VMOVUPS    Z6, (DI)
	ADDQ       $64, SI
	ADDQ       $64, DX
	ADDQ       $64, DI
	DECQ       CX
	JNZ        gaternd_loop

gaternd_done:
	VZEROUPPER
	RET
