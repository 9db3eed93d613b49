//go:build !amd64 || purego

package sde

// qeExpVector is false: this build has no vector kernel for the
// exponential branch (hestonqe_exp_amd64.s serves amd64 without purego).
var qeExpVector = false

// qeExpVec is where amd64 computes the first loop of qeStep's
// exponential branch in AVX-512 registers; here it does nothing.
func qeExpVec(float64, []int32, []float64, []float64, []float64, []float64, []float64, []float64, []float64) (lo int) {
	return 0
}
