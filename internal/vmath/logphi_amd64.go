//go:build amd64 && !purego

package vmath

import "golang.org/x/sys/cpu"

// logPhiVector is whether LogPhiParts' first pass takes the AVX-512
// kernel of logphi_amd64.s: the CPU (and the operating system, which must
// save the ZMM registers) has AVX-512F and POPCNT. A variable so that the
// tests can compare the two paths on one machine.
var logPhiVector = cpu.X86.HasAVX512F && cpu.X86.HasPOPCNT

// logPhiCentralVec is logPhiParts' first pass on the first lo = n − n mod 8
// arguments, eight at a time in ZMM registers (lane l holds argument
// i + l); it returns lo and the number of those in the tail, listed in
// tail in lane order. The scalar loop's operations in the same order, no
// fused multiply-add (the scalar build on amd64 emits none), correctly
// rounded VDIVPD, VMINPD with w as the operand returned on a NaN, as Go's
// min; so each lane's results are the scalar loop's to the bit. The tail's
// indices are packed from the comparison's mask by VPCOMPRESSD (no
// branch): a full eight are stored at tail[cnt:], in bounds since
// cnt ≤ i, and cnt advances by the mask's population count.
func logPhiCentralVec(a, l, num, w []float64, tail []int32) (lo, cnt int) {
	n := len(w)
	if !logPhiVector || n < 8 {
		return 0, 0
	}
	n8 := n &^ 7
	a, l, tail = a[:n8], l[:n8], tail[:n8]
	var pn *float64 // nil: l = the central form's l; else l = num/l (VDIVPD)
	if num != nil {
		pn = &num[:n8][0]
	}
	return n8, logPhiCentralAVX512(&a[0], &l[0], pn, &w[0], &tail[0], n8)
}

// logPhiCentralAVX512 is logPhiCentralVec's loop over n8 arguments, a
// positive multiple of 8, each pointer the first of n8 elements; it
// returns cnt. num may be nil (LogPhiParts).
//
//go:noescape
func logPhiCentralAVX512(a, l, num, w *float64, tail *int32, n8 int) (cnt int)
