//go:build !goexperiment.simd && !purego

#include "go_asm.h"
#include "textflag.h"

// The AVX-512 kernels of qeStep (hestonqe_amd64.go), eight paths a ZMM
// register, lane for lane the operations of qeStep's scalar loops and of
// hestonqe_simd.go in the same order. Go's operand order: VSUBPD B, A, D
// is D = A − B, VDIVPD B, A, D is D = A / B, and VMAXPD B, A, D returns B
// (the computed value) when either is NaN, as Go's max does.

// The int32 lane numbers 0…7 (and 8…15, unused), added to i for idx.
DATA qeLanes<>+0(SB)/4, $0
DATA qeLanes<>+4(SB)/4, $1
DATA qeLanes<>+8(SB)/4, $2
DATA qeLanes<>+12(SB)/4, $3
DATA qeLanes<>+16(SB)/4, $4
DATA qeLanes<>+20(SB)/4, $5
DATA qeLanes<>+24(SB)/4, $6
DATA qeLanes<>+28(SB)/4, $7
DATA qeLanes<>+32(SB)/4, $8
DATA qeLanes<>+36(SB)/4, $9
DATA qeLanes<>+40(SB)/4, $10
DATA qeLanes<>+44(SB)/4, $11
DATA qeLanes<>+48(SB)/4, $12
DATA qeLanes<>+52(SB)/4, $13
DATA qeLanes<>+56(SB)/4, $14
DATA qeLanes<>+60(SB)/4, $15
GLOBL qeLanes<>(SB), RODATA|NOPTR, $64

// func qeQuadAVX512(qe *qeConsts, zv, v, v1, lm, dl, mq, ps *float64, idx *int32, n8 int) (cnt int)
TEXT ·qeQuadAVX512(SB), NOSPLIT, $0-88
	MOVQ qe+0(FP), DI
	MOVQ zv+8(FP), R8
	MOVQ v+16(FP), R9
	MOVQ v1+24(FP), R10
	MOVQ lm+32(FP), R11
	MOVQ dl+40(FP), R12
	MOVQ mq+48(FP), R13
	MOVQ ps+56(FP), BX
	MOVQ idx+64(FP), DX
	MOVQ n8+72(FP), CX

	VBROADCASTSD qeConsts_e(DI), Z16
	VBROADCASTSD qeConsts_th1(DI), Z17
	VBROADCASTSD qeConsts_s1(DI), Z18
	VBROADCASTSD qeConsts_s0(DI), Z19
	VBROADCASTSD qeConsts_iqlo(DI), Z20
	VBROADCASTSD qeConsts_psic(DI), Z21
	VBROADCASTSD qeConsts_a(DI), Z22
	VADDPD       Z22, Z22, Z23 // 2A, exact
	MOVQ         $0x3ff0000000000000, AX // 1
	VPBROADCASTQ AX, Z24
	MOVQ         $0x4000000000000000, AX // 2
	VPBROADCASTQ AX, Z25
	MOVQ         $0x3d719799812dea11, AX // 1e-12
	VPBROADCASTQ AX, Z26
	VMOVDQU32    qeLanes<>(SB), Z27 // int32 lanes: i + l
	MOVL         $8, AX
	VPBROADCASTD AX, Z28

	XORQ SI, SI // i
	XORQ AX, AX // cnt

quadloop:
	VMOVUPD (R9)(SI*8), Z0   // v_k
	VMULPD  Z16, Z0, Z1      // v_k·e
	VADDPD  Z17, Z1, Z1      // m = v_k·e + th1
	VMULPD  Z18, Z0, Z2      // v_k·s1
	VADDPD  Z19, Z2, Z2      // s² = v_k·s1 + s0
	VMULPD  Z1, Z1, Z3       // m²
	VMULPD  Z3, Z25, Z4      // 2m²
	VDIVPD  Z2, Z4, Z4       // 2m²/s²
	VMAXPD  Z4, Z20, Z4      // iq = max(2m²/s², iqlo)
	VSUBPD  Z24, Z4, Z5      // iq − 1
	VMULPD  Z5, Z4, Z6       // iq(iq − 1)
	VSQRTPD Z6, Z6
	VADDPD  Z6, Z5, Z5       // b² = iq − 1 + √(iq(iq − 1))
	VSQRTPD Z5, Z6           // b
	VADDPD  Z5, Z24, Z7      // den = 1 + b²
	VMULPD  Z1, Z23, Z8      // 2A·m
	VSUBPD  Z8, Z7, Z8       // den − 2A·m
	VMULPD  Z7, Z26, Z9      // 1e-12·den
	VMAXPD  Z8, Z9, Z8       // den₂ = max(den − 2A·m, 1e-12·den)
	VMULPD  Z8, Z7, Z9       // den·den₂
	VDIVPD  Z9, Z24, Z9      // q = 1/(den·den₂)
	VMULPD  Z8, Z1, Z10      // m·den₂
	VMULPD  Z9, Z10, Z10     // a = m·den₂·q
	VADDPD  (R8)(SI*8), Z6, Z11 // zb = b + Z_v
	VMULPD  Z11, Z10, Z10    // a·zb
	VMULPD  Z11, Z10, Z10    // v_{k+1} = a·zb·zb
	VMOVUPD Z10, (R10)(SI*8)
	VMULPD  Z5, Z22, Z12     // A·b²
	VMULPD  Z1, Z12, Z12     // ·m
	VMULPD  Z7, Z12, Z12     // ·den
	VMULPD  Z9, Z12, Z12     // ·q
	VMOVUPD Z12, (R11)(SI*8) // linear part of ln M
	VMULPD  Z8, Z8, Z13      // den₂²
	VMULPD  Z9, Z13, Z13     // den₂²·q = 1 − 2Aa
	VMOVUPD Z13, (R12)(SI*8)
	VMOVUPD Z1, (R13)(SI*8)
	VMOVUPD Z2, (BX)(SI*8)

	// The paths past ψ_c: s² > ψ_c·m² (ordered, quiet: false on NaN as
	// Go's >), packed in lane order and stored at idx[cnt:cnt+8].
	VMULPD      Z3, Z21, Z14      // ψ_c·m²
	VCMPPD      $0x1e, Z14, Z2, K1 // GT_OQ: s² > ψ_c·m²
	VPCOMPRESSD Z27, K1, Z15
	VMOVDQU     Y15, (DX)(AX*4)
	KMOVW       K1, DI
	POPCNTL     DI, DI
	ADDQ        DI, AX
	VPADDD      Z28, Z27, Z27

	ADDQ $8, SI
	CMPQ SI, CX
	JLT  quadloop

	VZEROUPPER
	MOVQ AX, cnt+80(FP)
	RET

// func qeSpotAVX512(qe *qeConsts, first bool, zp, v, v1, lm, dl, pe, ie, x, y, c, w *float64, n8 int)
TEXT ·qeSpotAVX512(SB), NOSPLIT, $0-112
	MOVQ    qe+0(FP), DI
	MOVBLZX first+8(FP), R15
	MOVQ    zp+16(FP), R8
	MOVQ    v+24(FP), R9
	MOVQ    v1+32(FP), R10
	MOVQ    lm+40(FP), R11
	MOVQ    dl+48(FP), R12
	MOVQ    pe+56(FP), R13
	MOVQ    ie+64(FP), AX
	MOVQ    x+72(FP), BX
	MOVQ    y+80(FP), CX
	MOVQ    c+88(FP), DX
	MOVQ    w+96(FP), DI
	MOVQ    n8+104(FP), R14

	MOVQ         qe+0(FP), SI
	VBROADCASTSD qeConsts_k3(SI), Z16
	VBROADCASTSD qeConsts_hk3(SI), Z17
	VBROADCASTSD qeConsts_k2(SI), Z18
	VBROADCASTSD qeConsts_drift(SI), Z19
	VBROADCASTSD qeConsts_sq(SI), Z20
	MOVQ         $0x000fffffffffffff, SI // the mantissa's bits
	VPBROADCASTQ SI, Z21
	MOVQ         $0x3ff0000000000000, SI // the exponent of 1
	VPBROADCASTQ SI, Z22
	MOVQ         $1023, SI
	VPBROADCASTQ SI, Z23

	XORQ SI, SI // i

spotloop:
	VMOVUPD (R8)(SI*8), Z0   // Z⊥
	VMOVUPD (R9)(SI*8), Z1   // v_k
	VMOVUPD (R10)(SI*8), Z2  // v_{k+1}
	VADDPD  Z2, Z1, Z3       // v_k + v_{k+1}
	VMULPD  Z3, Z16, Z3      // c_k = K₃(v_k + v_{k+1})
	VSQRTPD Z3, Z4           // √c_k
	VMULPD  Z0, Z4, Z4       // √c_k Z⊥
	TESTB   R15, R15
	JZ      notfirst
	VADDPD  (CX)(SI*8), Z4, Z5 // y += √c_k Z⊥
	VMOVUPD Z5, (CX)(SI*8)
	VADDPD  (DX)(SI*8), Z3, Z5 // c += c_k
	VMOVUPD Z5, (DX)(SI*8)

notfirst:
	VSUBPD  (R11)(SI*8), Z19, Z5 // drift − lm
	VMULPD  Z1, Z17, Z6          // ½K₃ v_k
	VSUBPD  Z6, Z5, Z5
	VMULPD  Z2, Z18, Z6          // K₂ v_{k+1}
	VADDPD  Z6, Z5, Z5
	VADDPD  Z4, Z5, Z5           // + √c_k Z⊥
	VADDPD  (BX)(SI*8), Z5, Z5   // x += step
	VMOVUPD Z5, (BX)(SI*8)
	VMOVUPD Z2, (R9)(SI*8)       // v = v_{k+1}
	VMULPD  Z0, Z20, Z6          // √Δt Z⊥
	VADDPD  (DI)(SI*8), Z6, Z6   // w += √Δt Z⊥
	VMOVUPD Z6, (DI)(SI*8)

	// splitExp(pe·dl): mantissa bits | the exponent of 1, and the
	// biased exponent less 1023 as a float64.
	VMOVUPD   (R13)(SI*8), Z7
	VMULPD    (R12)(SI*8), Z7, Z7
	VPANDQ    Z21, Z7, Z8
	VPORQ     Z22, Z8, Z8
	VMOVUPD   Z8, (R13)(SI*8)
	VPSRLQ    $52, Z7, Z9
	VPSUBQ    Z23, Z9, Z9
	VCVTQQ2PD Z9, Z9
	VADDPD    (AX)(SI*8), Z9, Z9 // ie += exp
	VMOVUPD   Z9, (AX)(SI*8)

	ADDQ $8, SI
	CMPQ SI, R14
	JLT  spotloop

	VZEROUPPER
	RET
