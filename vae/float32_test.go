package vae

import (
	"math"
	"testing"
)

// TestFloat32Gradient: the float32 network's gradient of one batch equals
// the float64 network's up to float32 rounding. Both start from the same
// weights (float32's are float64's rounded) and the same draws. Each of
// the about 18 matrix products on a gradient's path (forward, and backward
// data and weights, of the layers) sums K ≤ 2304 terms for smallArch; in
// float32 a sum of K terms carries a relative error of about √K·u on
// random-signed data (u = 2⁻²⁴ ≈ 6e-8; K·u in the worst case), so the
// relative error of the whole gradient is about 18·√2304·u ≈ 5e-5, before
// the rounding of the weights and the images themselves (u each). The test
// allows 20 times that, 1e-3, for cancellation in the batch sums; an error
// in the float32 path (a wrong conversion, a buffer of the wrong dtype) is
// of order one.
func TestFloat32Gradient(t *testing.T) {
	a := smallArch()
	const batch = 8
	x := make([]float64, batch*a.Side*a.Side)
	for i := range x {
		x[i] = float64((i*7919)%13) / 12
	}
	grad := func(f32 bool) []float64 {
		tr, err := NewTrainer(a, TrainConfig{Estimator: Hybrid, Batch: batch, Seed: 3, Float32: f32})
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
	want, got := grad(false), grad(true)
	var d2, n2 float64
	for i := range got {
		d2 += (got[i] - want[i]) * (got[i] - want[i])
		n2 += want[i] * want[i]
	}
	rel := math.Sqrt(d2 / n2)
	t.Logf("‖g_float32 − g_float64‖/‖g_float64‖ = %.3g", rel)
	if !(rel < 1e-3) {
		t.Errorf("float32 gradient differs from float64 by %.3g (relative), want < 1e-3", rel)
	}
}
