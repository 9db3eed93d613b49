//go:build !(goexperiment.simd && amd64)

package sde

// qeQuadVec is where the build with GOEXPERIMENT=simd on amd64 computes
// qeStep's quadratic branch on the first paths of a block in AVX-512
// registers (hestonqe_simd.go); here it does nothing and qeStep's scalar
// loop takes every path.
func qeQuadVec(*qeConsts, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []int32) (lo, cnt int) {
	return 0, 0
}

// qeSpotVec is qeQuadVec's counterpart for qeStep's spot step.
func qeSpotVec(*qeConsts, bool, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []float64, []float64) (lo int) {
	return 0
}
