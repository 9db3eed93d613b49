package rl

import (
	"testing"

	"github.com/hybridgreeks/hybridgreeks/mlbridge"
)

// BenchmarkIterate times one training iteration (5 episodes, rollouts,
// per-episode gradients, Adam step, baseline fit) per environment and
// estimator: the RL column of the paper's overhead Table 4.
func BenchmarkIterate(b *testing.B) {
	for _, env := range []Env{Pendulum{}, CartPole{}} {
		for _, est := range []Estimator{Pathwise, Reinforce, Hybrid} {
			b.Run(env.Spec().Name+"/"+est.String(), func(b *testing.B) {
				tr, err := NewTrainer(env, Config{Estimator: est, Seed: 1, Mixer: mlbridge.Hybrid{Mode: mlbridge.Window}})
				if err != nil {
					b.Fatal(err)
				}
				defer tr.Close()
				steps := 0
				b.ResetTimer()
				for range b.N {
					lg, err := tr.Iterate()
					if err != nil {
						b.Fatal(err)
					}
					steps += lg.Steps
				}
				b.ReportMetric(float64(steps)/b.Elapsed().Seconds(), "steps/s")
			})
		}
	}
}
