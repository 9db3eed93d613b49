package vae

import (
	"errors"
	"os"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
	"github.com/hybridgreeks/hybridgreeks/vae/dataset"
)

// smallArch is the paper's layout with fewer channels, for quick tests.
func smallArch() Arch {
	return Arch{Channels: 1, Side: 32, Conv: []int{8, 16, 32, 64}, Hidden: 64, Latent: 16}
}

func fashion(t *testing.T, n int) *dataset.Images {
	t.Helper()
	im, err := dataset.LoadFashionMNIST("", "test")
	if errors.Is(err, dataset.ErrMissing) && os.Getenv("GREEKS_REQUIRE_DATA") == "" {
		t.Skip("Fashion-MNIST absent: install the Debian package dataset-fashion-mnist")
	}
	if err != nil {
		t.Fatal(err)
	}
	p, err := im.Subset(n).Pad(32, 32)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTrainingLowersLoss trains each estimator for a few epochs on 256
// Fashion-MNIST images (seeded) and checks that the pathwise and hybrid
// runs lower the loss of the first epoch by a wide margin, and that the
// score run at least stays finite (its gradient is far noisier).
func TestTrainingLowersLoss(t *testing.T) {
	im := fashion(t, 256)
	const batch = 32
	for _, e := range []Estimator{Pathwise, Hybrid, Score} {
		tr, err := NewTrainer(smallArch(), TrainConfig{Estimator: e, Batch: batch, Seed: 1,
			Mixer: mlbridge.Hybrid{VecMixer: mlbridge.VecMixer{Granularity: mlbridge.Coordinate}}})
		if err != nil {
			t.Fatal(err)
		}
		var first, last float64
		for epoch := range 4 {
			var sum float64
			for b := 0; b+batch <= im.N; b += batch {
				st, err := tr.TrainStep(im.Pixels[b*im.Size():(b+batch)*im.Size()], tr.LearningRate(epoch))
				if err != nil {
					t.Fatal(err)
				}
				sum += st.Loss
			}
			mean := sum / float64(im.N/batch)
			if epoch == 0 {
				first = mean
			}
			last = mean
		}
		tr.Net.Close()
		t.Logf("%s: mean loss %.1f in epoch 1, %.1f in epoch 4", e, first, last)
		if e != Score && !(last < 0.8*first) {
			t.Errorf("%s: loss %.1f → %.1f, want a drop of at least 20%%", e, first, last)
		}
		if !(last > 0 && last < 1e6) {
			t.Errorf("%s: loss %v", e, last)
		}
	}
}

// TestPaperArchShapes builds the paper's network for both data sets and
// runs one gradient.
func TestPaperArchShapes(t *testing.T) {
	for _, c := range []int{1, 3} {
		tr, err := NewTrainer(PaperArch(c), TrainConfig{Estimator: Hybrid, Batch: 4, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float64, 4*c*32*32)
		for i := range x {
			x[i] = float64(i%7) / 7
		}
		if _, err := tr.TrainStep(x, 1e-3); err != nil {
			t.Fatalf("channels %d: %v", c, err)
		}
		if got := tr.Net.Encoder.Dim(); got < 1_000_000 {
			t.Errorf("channels %d: encoder has %d parameters", c, got)
		}
		tr.Net.Close()
	}
}
