//go:build !amd64 || (purego && !goexperiment.simd)

package sde

// qeVector is false: this build has no vector kernel (hestonqe_amd64.s
// serves amd64 without purego, hestonqe_simd.go amd64 with
// GOEXPERIMENT=simd) and qeStep's scalar loops take every path. A variable
// so that the tests compile and skip alike in every build.
var qeVector = false

// qeQuadVec is where the amd64 builds compute qeStep's quadratic branch on
// the first paths of a block in AVX-512 registers; here it does nothing.
func qeQuadVec(*qeConsts, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []int32) (lo, cnt int) {
	return 0, 0
}

// qeSpotVec is qeQuadVec's counterpart for qeStep's spot step.
func qeSpotVec(*qeConsts, bool, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []float64) (lo int) {
	return 0
}
