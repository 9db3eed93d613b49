//go:build amd64 && !goexperiment.simd && !purego

package sde

import "golang.org/x/sys/cpu"

// qeVector is whether qeQuadVec and qeSpotVec take the AVX-512 assembly
// kernels of hestonqe_amd64.s: the CPU (and the operating system, which
// must save the ZMM registers) has AVX-512F and DQ (VCVTQQ2PD) and POPCNT.
// A variable so that the tests can compare the two paths on one machine.
var qeVector = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasPOPCNT

// qeQuadVec computes qeStep's quadratic branch on the first lo = n − n mod 8
// paths of the block, eight at a time in ZMM registers (lane l holds path
// i + l), and returns lo and the number of those paths past ψ_c, listed in
// idx in lane order; qeStep's scalar loop does the n mod 8 paths of the
// tail. It is hestonqe_simd.go's kernel (the build with GOEXPERIMENT=simd)
// written in assembly for the default build, lane for lane: the scalar
// loop's operations in the same order, no fused multiply-add (the scalar
// build on amd64 emits none), correctly rounded VSQRTPD and VDIVPD, and
// VMAXPD with the computed value as the operand returned on a NaN, as Go's
// max; so each lane's results are the scalar path's to the bit. The paths
// past ψ_c are packed from the comparison's mask by VPCOMPRESSD (no
// branch): a full eight indices are stored at idx[cnt:], in bounds since
// cnt ≤ i, and cnt advances by the mask's population count.
func qeQuadVec(qe *qeConsts, zv, v, v1, lm, dl, mq, ps []float64, idx []int32) (lo, cnt int) {
	n := len(zv)
	if !qeVector || n < 8 {
		return 0, 0
	}
	n8 := n &^ 7
	v, v1, lm, dl, mq, ps, idx = v[:n8], v1[:n8], lm[:n8], dl[:n8], mq[:n8], ps[:n8], idx[:n8]
	return n8, qeQuadAVX512(qe, &zv[0], &v[0], &v1[0], &lm[0], &dl[0], &mq[0], &ps[0], &idx[0], n8)
}

// qeSpotVec is qeStep's spot step on the first lo = n − n mod 8 paths,
// eight at a time, and returns lo; as in qeQuadVec, the same operations in
// the same order. splitExp's bit operations act on the lanes' bits as
// 64-bit integers (VPANDQ, VPORQ, VPSRLQ, VPSUBQ), the exponent converted
// by VCVTQQ2PD (exact, |exp| < 2¹¹).
func qeSpotVec(qe *qeConsts, first bool, zp, v, v1, lm, dl, pe, ie, x, y, c, w []float64) (lo int) {
	n := len(zp)
	if !qeVector || n < 8 {
		return 0
	}
	n8 := n &^ 7
	v, v1, lm, dl, pe, ie, x, y, c, w = v[:n8], v1[:n8], lm[:n8], dl[:n8], pe[:n8], ie[:n8], x[:n8], y[:n8], c[:n8], w[:n8]
	qeSpotAVX512(qe, first, &zp[0], &v[0], &v1[0], &lm[0], &dl[0], &pe[0], &ie[0], &x[0], &y[0], &c[0], &w[0], n8)
	return n8
}

// qeQuadAVX512 is qeQuadVec's loop over n8 paths, a positive multiple of
// 8, each pointer the first of n8 elements; it returns cnt.
//
//go:noescape
func qeQuadAVX512(qe *qeConsts, zv, v, v1, lm, dl, mq, ps *float64, idx *int32, n8 int) (cnt int)

// qeSpotAVX512 is qeSpotVec's loop over n8 paths, a positive multiple of
// 8, each pointer the first of n8 elements.
//
//go:noescape
func qeSpotAVX512(qe *qeConsts, first bool, zp, v, v1, lm, dl, pe, ie, x, y, c, w *float64, n8 int)
