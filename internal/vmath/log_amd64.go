//go:build amd64 && !purego

package vmath

import "golang.org/x/sys/cpu"

// logVector is whether LogTo takes the AVX-512 kernel of log_amd64.s: the
// CPU (and the operating system) has AVX-512F and DQ (VCVTQQ2PD). A
// variable so that the tests can compare the two paths on one machine.
var logVector = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

// logVec computes LogTo on the leading blocks of eight values of x, up to
// len(x) − len(x) mod 8 and stopping before the first block that holds a
// value the scalar loop sends to math.Log (zero, subnormal, Inf, NaN,
// negative), and returns how many it did, a multiple of 8. dst may be x.
func logVec(dst, x []float64) int {
	n8 := len(x) &^ 7
	if !logVector || n8 == 0 {
		return 0
	}
	dst = dst[:n8]
	return logAVX512(&dst[0], &x[0], n8)
}

// logAVX512 is logVec's loop over n8 values, a positive multiple of 8.
//
//go:noescape
func logAVX512(dst, x *float64, n8 int) (done int)
