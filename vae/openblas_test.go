//go:build openblas

package vae

import (
	"testing"

	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
)

// TestBLASGradient: with OpenBLAS (build tag openblas) the hybrid gradient
// of one batch equals the one computed with gonum's pure-Go BLAS up to
// float64 rounding. The two BLAS sum the matrix products' inner dimension
// in different orders; each product of inner size K then differs by at
// most about K·u·Σ|aᵢbᵢ| (u = 2⁻⁵³), and a gradient passes through about
// 3·4 + 6 products of K ≤ 2304 here (forward, backward data and weights of
// each layer), so the relative difference stays below 20·2304·u ≈ 5e-12
// where no cancellation amplifies it. The test allows 1e-9 for the
// cancellation in the batch sums of the weight gradients, and fails on
// any error of a wrong call (a transposed or misplaced product), which is
// of order one.
func TestBLASGradient(t *testing.T) {
	defer G.Use(netlib.Implementation{})
	G.Use(gonum.Implementation{})
	want := batchGradient(t, TrainConfig{})
	G.Use(netlib.Implementation{})
	got := batchGradient(t, TrainConfig{})
	rel := relDistance(got, want)
	t.Logf("‖g_openblas − g_gonum‖/‖g_gonum‖ = %.3g", rel)
	if !(rel < 1e-9) {
		t.Errorf("OpenBLAS gradient differs from gonum's by %.3g (relative), want < 1e-9", rel)
	}
}
