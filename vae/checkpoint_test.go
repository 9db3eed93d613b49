package vae

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
)

// TestResumeExactly trains three epochs straight, and one epoch, a
// checkpoint, a fresh trainer resumed from it and two more epochs: the
// parameters and the logs must be bit-identical. The hybrid runs in the
// running-λ mode so that state carries over between batches.
func TestResumeExactly(t *testing.T) {
	im := fashion(t, 64)
	cfg := TrainConfig{Estimator: Hybrid, Batch: 16, Seed: 9, Baseline: true,
		Mixer: mlbridge.Hybrid{Mode: mlbridge.Running, VecMixer: mlbridge.VecMixer{Granularity: mlbridge.Coordinate}}}
	ctx := context.Background()
	straight, err := NewTrainer(smallArch(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer straight.Net.Close()
	var want []EpochLog
	for e := range 3 {
		l, err := straight.Epoch(ctx, im, e, nil)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, l)
	}
	first, err := NewTrainer(smallArch(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	l0, err := first.Epoch(ctx, im, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	cp, err := first.Checkpoint(1, []EpochLog{l0})
	first.Net.Close()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vae.ckpt")
	if err := cp.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	resumed, err := Resume(back)
	if err != nil {
		t.Fatal(err)
	}
	defer resumed.Net.Close()
	for e := back.Epoch; e < 3; e++ {
		l, err := resumed.Epoch(ctx, im, e, nil)
		if err != nil {
			t.Fatal(err)
		}
		if l.TrainLoss != want[e].TrainLoss || l.Lambda != want[e].Lambda {
			t.Errorf("epoch %d resumed: loss %v λ %v, straight %v λ %v", e+1, l.TrainLoss, l.Lambda, want[e].TrainLoss, want[e].Lambda)
		}
	}
	a, b := make([]float64, straight.Net.Encoder.Dim()), make([]float64, resumed.Net.Encoder.Dim())
	straight.Net.Encoder.Values(a)
	resumed.Net.Encoder.Values(b)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("encoder parameter %d: straight %v, resumed %v", i, a[i], b[i])
		}
	}
}
