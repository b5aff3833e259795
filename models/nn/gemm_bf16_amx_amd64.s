//go:build amd64 && !purego

#include "textflag.h"

// The bf16 GEMM micro-kernel on AMX (Intel Advanced Matrix Extensions): a
// 32×32 tile of C as four 16×16 float32 tiles, fed by TDPBF16PS.
//
// Tile registers (LDTILECFG takes the shapes from the 64-byte config at cfg,
// gemm_bf16_amx_amd64.go):
//
//	tmm0 C[0:16, 0:16]   tmm1 C[0:16, 16:32]    16 rows × 64 bytes
//	tmm2 C[16:32, 0:16]  tmm3 C[16:32, 16:32]
//	tmm4 A[0:16, pairs]  tmm5 A[16:32, pairs]   16 rows × 4r bytes (r pairs)
//	tmm6 B[pairs, 0:16]  tmm7 B[pairs, 16:32]   r rows × 64 bytes
//
// A rows are bf16 (stride lda bytes), the pair p at byte 4p; a B panel row is
// one pair of K rows, 32 columns × (B[2p][j], B[2p+1][j]) = 128 bytes, so
// tmm6 reads bytes 0–63 and tmm7 bytes 64–127 of each row.
//
// The Go assembler knows no AMX instruction, so they are encoded here (VEX,
// map 0F38, W0, L0). Memory operands are always [SI + DX·1]: ModRM rm = 100
// (SIB), SIB = index DX (010), base SI (110) = 0x16.
#define LDTILECFG_AX        BYTE $0xC4; BYTE $0xE2; BYTE $0x78; BYTE $0x49; BYTE $0x00
#define STTILECFG_DI        BYTE $0xC4; BYTE $0xE2; BYTE $0x79; BYTE $0x49; BYTE $0x07
#define TILERELEASE         BYTE $0xC4; BYTE $0xE2; BYTE $0x78; BYTE $0x49; BYTE $0xC0
#define TILEZERO(n)         BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x49; BYTE $(0xC0|(n)<<3)
#define TILELOADD_SI_DX(n)  BYTE $0xC4; BYTE $0xE2; BYTE $0x7B; BYTE $0x4B; BYTE $((n)<<3|4); BYTE $0x16
#define TILESTORED_SI_DX(n) BYTE $0xC4; BYTE $0xE2; BYTE $0x7A; BYTE $0x4B; BYTE $((n)<<3|4); BYTE $0x16

// TDPBF16PS tmm(d), tmm(a), tmm(b): C(d) += A(a)·B(b); ModRM reg = d, rm = a,
// VEX.vvvv = b inverted, pp = F3.
#define TDPBF16PS(d, a, b)  BYTE $0xC4; BYTE $0xE2; BYTE $((((~(b))&15)<<3)|2); BYTE $0x5C; BYTE $(0xC0|(d)<<3|(a))

// func amxBF16Block(cfg *byte, steps int, a *uint16, lda int, b *uint16, bstep int, c *float32, ldc int, load bool, rowTiles, panels, pstride int)
//
// For each of panels panels (B panel q at b + q·pstride bytes, C columns
// 32q…) and each of rowTiles row tiles (A rows 32i… at a + 32i·lda bytes,
// C rows 32i…): the 32×32 C tile (stride ldc bytes) = C (if load, else 0) +
// A·B over steps steps of r pairs (r from cfg), step s reading A at
// a + s·4r bytes and B rows at b + s·bstep bytes (128 bytes a row). Panels
// outermost, so that a B panel is reused from L1 by every row tile.
//
// The tile configuration stays loaded between calls (no TILERELEASE): a call
// reads the thread's configuration back (STTILECFG) and loads cfg only when
// it differs. Nothing else in the process uses AMX, and Go never moves a
// goroutine to another thread in the middle of an assembly function, so the
// check and the tile work always see the same thread's tiles.
//
// Registers: AX this panel's C (row tile 0), DI this panel's B, R8 the C
// tile, R9 16 rows of C, R10/R13 the A/B of a step, R11 lda, R12 16 rows of
// A, R14 bstep, R15 a step along A (4r); locals: 64(SP) panels left,
// 72(SP) this row tile's A.
TEXT ·amxBF16Block(SB), NOSPLIT, $80-96
	MOVQ cfg+0(FP), AX
	MOVQ SP, DI
	STTILECFG_DI
	MOVQ $8, CX

cfgcmp:
	MOVQ -8(AX)(CX*8), BX
	CMPQ BX, -8(DI)(CX*8)
	JNE  cfgload
	DECQ CX
	JNZ  cfgcmp
	JMP  cfgdone

cfgload:
	LDTILECFG_AX

cfgdone:
	MOVBLZX 24(AX), R15 // tmm4's width in bytes (4r): the step along A
	MOVQ    ldc+56(FP), R9
	SHLQ    $4, R9
	MOVQ    lda+24(FP), R11
	MOVQ    R11, R12
	SHLQ    $4, R12
	MOVQ    bstep+40(FP), R14
	MOVQ    panels+80(FP), BX
	MOVQ    BX, 64(SP)
	MOVQ    c+48(FP), AX
	MOVQ    b+32(FP), DI

panel:
	MOVQ a+16(FP), BX
	MOVQ BX, 72(SP)
	MOVQ AX, R8
	MOVQ rowTiles+72(FP), BX

tile:
	CMPB load+64(FP), $0
	JEQ  zero
	MOVQ ldc+56(FP), DX
	MOVQ R8, SI
	TILELOADD_SI_DX(0)
	ADDQ $64, SI
	TILELOADD_SI_DX(1)
	LEAQ (R8)(R9*1), SI
	TILELOADD_SI_DX(2)
	ADDQ $64, SI
	TILELOADD_SI_DX(3)
	JMP  run

zero:
	TILEZERO(0)
	TILEZERO(1)
	TILEZERO(2)
	TILEZERO(3)

run:
	MOVQ steps+8(FP), CX
	MOVQ 72(SP), R10
	MOVQ DI, R13

step:
	MOVQ R11, DX
	MOVQ R10, SI
	TILELOADD_SI_DX(4)
	ADDQ R12, SI
	TILELOADD_SI_DX(5)
	MOVQ $128, DX
	MOVQ R13, SI
	TILELOADD_SI_DX(6)
	ADDQ $64, SI
	TILELOADD_SI_DX(7)
	TDPBF16PS(0, 4, 6)
	TDPBF16PS(1, 4, 7)
	TDPBF16PS(2, 5, 6)
	TDPBF16PS(3, 5, 7)
	ADDQ R15, R10
	ADDQ R14, R13
	DECQ CX
	JNZ  step

	MOVQ ldc+56(FP), DX
	MOVQ R8, SI
	TILESTORED_SI_DX(0)
	ADDQ $64, SI
	TILESTORED_SI_DX(1)
	LEAQ (R8)(R9*1), SI
	TILESTORED_SI_DX(2)
	ADDQ $64, SI
	TILESTORED_SI_DX(3)

	// Next row tile: 32 rows down in A and C.
	MOVQ 72(SP), R10
	LEAQ (R10)(R12*2), R10
	MOVQ R10, 72(SP)
	LEAQ (R8)(R9*2), R8
	DECQ BX
	JNZ  tile

	// Next panel: 32 columns right in C, pstride bytes on in B.
	ADDQ $128, AX
	ADDQ pstride+88(FP), DI
	DECQ 64(SP)
	JNZ  panel
	RET

// func amxBF16Peak(cfg *byte, src *uint16, n int)
//
// n iterations of four independent TDPBF16PS on full tiles (16×16×32
// multiply-adds each) with no memory traffic; A and B tiles are loaded once
// from src (1 KiB, stride 64).
TEXT ·amxBF16Peak(SB), NOSPLIT, $0-24
	MOVQ cfg+0(FP), AX
	LDTILECFG_AX
	MOVQ src+8(FP), SI
	MOVQ $64, DX
	TILELOADD_SI_DX(4)
	TILELOADD_SI_DX(5)
	TILELOADD_SI_DX(6)
	TILELOADD_SI_DX(7)
	TILEZERO(0)
	TILEZERO(1)
	TILEZERO(2)
	TILEZERO(3)
	MOVQ n+16(FP), CX
	TESTQ CX, CX
	JZ   done

peak:
	TDPBF16PS(0, 4, 6)
	TDPBF16PS(1, 4, 7)
	TDPBF16PS(2, 5, 6)
	TDPBF16PS(3, 5, 7)
	DECQ CX
	JNZ  peak

done:
	TILERELEASE
	RET
