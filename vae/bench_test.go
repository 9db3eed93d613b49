package vae

import (
	"fmt"
	"syscall"
	"testing"
)

// cpuSeconds is the process's user + system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkStep: seconds per training step of each estimator on the paper's
// architecture (1×32×32 images) at batch 32 (the paper's Table 4 overhead)
// and at batch 128 (the training default, measured beside the PyTorch peer
// in ../shared/peers/torch_vae.py). cpu-s/step is user + system CPU time,
// the figure to compare on a shared machine.
func BenchmarkStep(b *testing.B) {
	for _, batch := range []int{32, 128} {
		x := make([]float64, batch*32*32)
		for i := range x {
			x[i] = float64(i%11) / 11
		}
		for _, e := range []Estimator{Pathwise, Score, Hybrid} {
			b.Run(fmt.Sprintf("batch=%d/%s", batch, e), func(b *testing.B) {
				tr, err := NewTrainer(PaperArch(1), TrainConfig{Estimator: e, Batch: batch, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				defer tr.Net.Close()
				b.ReportAllocs()
				b.ResetTimer()
				c0 := cpuSeconds()
				for range b.N {
					if _, err := tr.TrainStep(x, 1e-3); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/step")
				b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/step")
			})
		}
	}
}

// BenchmarkStepFloat32: BenchmarkStep's batch-128 steps with the networks
// in float32 (TrainConfig.Float32).
func BenchmarkStepFloat32(b *testing.B) {
	const batch = 128
	x := make([]float64, batch*32*32)
	for i := range x {
		x[i] = float64(i%11) / 11
	}
	for _, e := range []Estimator{Pathwise, Hybrid} {
		b.Run(fmt.Sprintf("batch=%d/%s", batch, e), func(b *testing.B) {
			tr, err := NewTrainer(PaperArch(1), TrainConfig{Estimator: e, Batch: batch, Seed: 1, Float32: true})
			if err != nil {
				b.Fatal(err)
			}
			defer tr.Net.Close()
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuSeconds()
			for range b.N {
				if _, err := tr.TrainStep(x, 1e-3); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric((cpuSeconds()-c0)/float64(b.N), "cpu-s/step")
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/step")
		})
	}
}
