//go:build !amd64 || purego

package vmath

// logVector is false: this build has no vector kernel for LogTo
// (log_amd64.s serves amd64 without purego).
var logVector = false

// logVec is where amd64 computes LogTo's leading blocks in AVX-512
// registers; here it does nothing.
func logVec(dst, x []float64) int { return 0 }
