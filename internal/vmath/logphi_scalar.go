//go:build !amd64 || purego

package vmath

// logPhiVector is false: this build has no vector kernel
// (logphi_amd64.s serves amd64 without purego) and LogPhiParts' scalar
// loop takes every argument. A variable so that the tests compile and skip
// alike in every build.
var logPhiVector = false

// logPhiCentralVec is where amd64 computes LogPhiParts' first pass on the
// first arguments in AVX-512 registers; here it does nothing.
func logPhiCentralVec([]float64, []float64, []float64, []float64, []int32) (lo, cnt int) {
	return 0, 0
}
