package vae

import (
	"math"
	"testing"
)

// TestGradientVariance measures the three estimators' encoder-gradient
// variance on one batch at the initial parameters: the score estimator's
// must be far above the pathwise one's (the point of the paper), the
// hybrid's not above the pathwise one's by more than the draws' noise, and
// the per-layer variances must add up to the trace.
func TestGradientVariance(t *testing.T) {
	im := fashion(t, 16)
	got := map[Estimator]Variance{}
	for _, e := range []Estimator{Pathwise, Score, Hybrid} {
		tr, err := NewTrainer(smallArch(), TrainConfig{Estimator: e, Batch: 16, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		v, err := tr.GradientVariance(im.Pixels, 24)
		tr.Net.Close()
		if err != nil {
			t.Fatal(err)
		}
		sum := 0.0
		for _, l := range v.PerLayer {
			sum += l
		}
		if math.Abs(sum-v.VarianceTrace) > 1e-9*v.VarianceTrace || !(v.VarianceTrace > 0) {
			t.Errorf("%s: layers sum to %v, trace %v", e, sum, v.VarianceTrace)
		}
		got[e] = v
		t.Logf("%s: variance trace %.4g, λ %.3f, %.3f s a gradient", e, v.VarianceTrace, v.Lambda, v.SecondsPerStep)
	}
	if !(got[Score].VarianceTrace > 10*got[Pathwise].VarianceTrace) {
		t.Errorf("score variance %v not far above pathwise %v", got[Score].VarianceTrace, got[Pathwise].VarianceTrace)
	}
	// With 24 draws a variance estimate has a relative standard error of
	// about √(2/23) ≈ 0.3; allow twice the pathwise value.
	if !(got[Hybrid].VarianceTrace < 2*got[Pathwise].VarianceTrace) {
		t.Errorf("hybrid variance %v above twice pathwise %v", got[Hybrid].VarianceTrace, got[Pathwise].VarianceTrace)
	}
}
