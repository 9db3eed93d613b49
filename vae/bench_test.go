package vae

import (
	"testing"
)

// BenchmarkStep: seconds per training step of each estimator on the paper's
// architecture (1×32×32 images, batch 32): the paper's Table 4 overhead.
func BenchmarkStep(b *testing.B) {
	x := make([]float64, 32*32*32)
	for i := range x {
		x[i] = float64(i%11) / 11
	}
	for _, e := range []Estimator{Pathwise, Score, Hybrid} {
		b.Run(e.String(), func(b *testing.B) {
			tr, err := NewTrainer(PaperArch(1), TrainConfig{Estimator: e, Batch: 32, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Net.Close()
			b.ResetTimer()
			for range b.N {
				if _, err := tr.TrainStep(x, 1e-3); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/step")
		})
	}
}
