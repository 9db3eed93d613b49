package vae

import (
	"fmt"
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestUpconvMatchesUpsampleConv: upconvOp's output and gradients equal
// those of upsample2x followed by convOp (itself Conv2d bit for bit, see
// TestConvMatchesGorgonia) up to rounding. Both sum the same products in
// another order (the sub-pixel form adds the 3×3 weights that meet one
// input pixel before multiplying); with n ≤ 9C terms, each sum's error is
// at most about n·ε·Σ|terms|, and the norm-wise relative difference of
// random-normal data stays near √n·ε: the bound is 10⁻¹² in float64 (ε =
// 1.1·10⁻¹⁶, 9C = 576 here) and 10⁻⁴ in float32 (ε = 6·10⁻⁸).
func TestUpconvMatchesUpsampleConv(t *testing.T) {
	for _, c := range []struct {
		x tensor.Shape
		o int
	}{
		{tensor.Shape{2, 3, 3, 2}, 2},
		{tensor.Shape{5, 64, 4, 4}, 70}, // several chunks, k = 256
		{tensor.Shape{3, 8, 16, 16}, 1},
	} {
		for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
			t.Run(fmt.Sprintf("%v/o=%d/%v", c.x, c.o, dt), func(t *testing.T) {
				tol := 1e-12
				if dt == tensor.Float32 {
					tol = 1e-4
				}
				want := upconvRun(t, dt, c.x, c.o, false)
				got := upconvRun(t, dt, c.x, c.o, true)
				for i, name := range []string{"output", "∂x", "∂w"} {
					if len(got[i]) != len(want[i]) {
						t.Fatalf("%s: %d values, want %d", name, len(got[i]), len(want[i]))
					}
					var num, den float64
					for j := range got[i] {
						num += (got[i][j] - want[i][j]) * (got[i][j] - want[i][j])
						den += want[i][j] * want[i][j]
					}
					rel := math.Sqrt(num / den)
					t.Logf("%s: relative difference %.2g", name, rel)
					if !(rel <= tol) {
						t.Errorf("%s: relative difference %g from upsample + convolution, want ≤ %g", name, rel, tol)
					}
				}
			})
		}
	}
}

// upconvRun returns upconvOp's output and gradients (own) or those of
// upsample2x followed by convOp.
func upconvRun(t *testing.T, dt tensor.Dtype, xs tensor.Shape, o int, own bool) [3][]float64 {
	t.Helper()
	return opGradients(t, dt, 13, xs, tensor.Shape{o, xs[1], 3, 3}, tensor.Shape{xs[0], o, 2 * xs[2], 2 * xs[3]},
		func(x, w *G.Node) (*G.Node, error) {
			if own {
				return upconvolve(x, w)
			}
			y, err := upsample(x)
			if err != nil {
				return nil, err
			}
			return convolve(y, w, 1, 1)
		})
}

// TestSubPixelGradient: the network's gradient of one batch (batchGradient:
// hybrid, encoder and decoder) with the decoder in the sub-pixel form
// equals the one through upsampling then convolution — the graph that
// wrote the golden trace before it was regenerated for the sub-pixel form,
// itself Conv2d's bit for bit — within float64 rounding: 10⁻¹² relative
// (TestUpconvMatchesUpsampleConv's bound for one layer; the dozen products
// on a gradient's path add rounding of the same size).
func TestSubPixelGradient(t *testing.T) {
	got := batchGradient(t, TrainConfig{})
	upsampleThenConvolve = true
	defer func() { upsampleThenConvolve = false }()
	want := batchGradient(t, TrainConfig{})
	rel := relDistance(got, want)
	t.Logf("‖g_subpixel − g_upsample+conv‖/‖g_upsample+conv‖ = %.3g", rel)
	if !(rel <= 1e-12) {
		t.Errorf("sub-pixel gradient differs by %.3g (relative), want ≤ 1e-12", rel)
	}
}
