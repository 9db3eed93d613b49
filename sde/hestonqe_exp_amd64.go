//go:build amd64 && !purego

package sde

import "golang.org/x/sys/cpu"

// qeExpVector is whether qeExpVec takes the AVX-512 kernel of
// hestonqe_exp_amd64.s: the CPU (and the operating system) has AVX-512F.
// A variable so that the tests can compare the two paths on one machine.
var qeExpVector = cpu.X86.HasAVX512F

// qeExpVec computes the first loop of qeStep's exponential branch on the
// first lo = cnt − cnt mod 8 compacted paths, eight at a time (lane l
// holds compacted path c + l, path idx[c + l]), and returns lo; qeStep's
// scalar loop does the rest. The paths' m, s² and Z_v are gathered
// (VGATHERDPD) from mq, ps and zv, and 1 − p, −Z_v, β and 1/M² stored at
// ea, ew, eb and er[c…c+7]: ea and ew are mq and ps themselves (qeStep's
// compaction in place), safe because idx[c] ≥ c, so a block's gathers
// read only entries that no earlier block has overwritten, and each block
// gathers before it stores. The scalar loop's operations in the same
// order, so each lane's results are the scalar path's to the bit.
func qeExpVec(a float64, idx []int32, mq, ps, zv, ea, ew, eb, er []float64) (lo int) {
	cnt := len(idx)
	if !qeExpVector || cnt < 8 {
		return 0
	}
	n8 := cnt &^ 7
	ea, ew, eb, er = ea[:n8], ew[:n8], eb[:n8], er[:n8]
	qeExpAVX512(a, &idx[0], &mq[0], &ps[0], &zv[0], &ea[0], &ew[0], &eb[0], &er[0], n8)
	return n8
}

// qeExpAVX512 is qeExpVec's loop over n8 compacted paths, a positive
// multiple of 8; idx, ea, ew, eb and er point at n8 elements, mq, ps and
// zv at the block's first path.
//
//go:noescape
func qeExpAVX512(a float64, idx *int32, mq, ps, zv, ea, ew, eb, er *float64, n8 int)
