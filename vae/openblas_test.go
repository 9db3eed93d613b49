//go:build openblas

package vae

import (
	"math"
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
	a := smallArch()
	const batch = 8
	x := make([]float64, batch*a.Side*a.Side)
	for i := range x {
		x[i] = float64((i*7919)%13) / 12
	}
	grad := func(b G.BLAS) []float64 {
		G.Use(b)
		tr, err := NewTrainer(a, TrainConfig{Estimator: Hybrid, Batch: batch, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Net.Close()
		enc, dec := make([]float64, tr.Net.Encoder.Dim()), make([]float64, tr.Net.Decoder.Dim())
		if _, err := tr.Gradient(x, 0, enc, dec); err != nil {
			t.Fatal(err)
		}
		return append(enc, dec...)
	}
	defer G.Use(netlib.Implementation{})
	want := grad(gonum.Implementation{})
	got := grad(netlib.Implementation{})
	var d2, n2 float64
	for i := range got {
		d2 += (got[i] - want[i]) * (got[i] - want[i])
		n2 += want[i] * want[i]
	}
	rel := math.Sqrt(d2 / n2)
	t.Logf("‖g_openblas − g_gonum‖/‖g_gonum‖ = %.3g", rel)
	if !(rel < 1e-9) {
		t.Errorf("OpenBLAS gradient differs from gonum's by %.3g (relative), want < 1e-9", rel)
	}
}
