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
	want, got := batchGradient(t, TrainConfig{}), batchGradient(t, TrainConfig{Float32: true})
	rel := relDistance(got, want)
	t.Logf("‖g_float32 − g_float64‖/‖g_float64‖ = %.3g", rel)
	if !(rel < 1e-3) {
		t.Errorf("float32 gradient differs from float64 by %.3g (relative), want < 1e-3", rel)
	}
}

// batchGradient returns the hybrid encoder and decoder gradient of one
// fixed batch of 8 images for smallArch, seed 3, with the other settings
// of cfg (Float32, say): the same inputs for every comparison of two
// ways to compute it.
func batchGradient(t *testing.T, cfg TrainConfig) []float64 {
	t.Helper()
	a := smallArch()
	cfg.Estimator, cfg.Batch, cfg.Seed = Hybrid, 8, 3
	x := make([]float64, cfg.Batch*a.Side*a.Side)
	for i := range x {
		x[i] = float64((i*7919)%13) / 12
	}
	tr, err := NewTrainer(a, cfg)
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

// relDistance returns ‖got − want‖/‖want‖.
func relDistance(got, want []float64) float64 {
	var d2, n2 float64
	for i := range got {
		d2 += (got[i] - want[i]) * (got[i] - want[i])
		n2 += want[i] * want[i]
	}
	return math.Sqrt(d2 / n2)
}
