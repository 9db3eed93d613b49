//go:build mujoco

package mujoco_test

import (
	"testing"

	"github.com/hybridgreeks/hybridgreeks/rl"
)

// BenchmarkStep and BenchmarkLinearize time one environment step and one
// linearization along a seeded trajectory (cycled), one goroutine.
func BenchmarkStep(b *testing.B) {
	for _, g := range gym {
		b.Run("env="+g.name, func(b *testing.B) {
			e := mustMake(b, g.name)
			states, actions := rollout(e, 21, 100)
			next := make([]float64, g.n)
			b.ResetTimer()
			for i := range b.N {
				k := i % len(states)
				e.Step(states[k], actions[k], next)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// BenchmarkLinearize's clipped=half runs at actions scaled 2×, so that
// about half the action coordinates lie outside [-1, 1] (a wide Gaussian
// policy early in training): the RK4 tasks skip their perturbations.
func BenchmarkLinearize(b *testing.B) {
	for _, g := range gym {
		for _, scale := range []float64{1, 2} {
			name := "env=" + g.name
			if scale != 1 {
				name += "/clipped=half"
			}
			b.Run(name, func(b *testing.B) {
				e := mustMake(b, g.name)
				states, actions := rollout(e, 21, 100)
				for _, a := range actions {
					for i := range a {
						a[i] *= scale
					}
				}
				lin := rl.NewLinearization(e.Spec())
				b.ResetTimer()
				for i := range b.N {
					k := i % len(states)
					e.Linearize(states[k], actions[k], lin)
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "linearizations/s")
			})
		}
	}
}

func BenchmarkMake(b *testing.B) {
	for range b.N {
		e := mustMake(b, "hopper")
		e.Step(make([]float64, 12), make([]float64, 3), make([]float64, 12))
	}
}
