//go:build mujoco

package mujoco

import (
	"context"
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/rl"
)

// TestPathwiseThroughMuJoCo checks the whole pathwise chain on a MuJoCo
// task — the chained transition Jacobians, the reward's derivatives and
// the adjoint recursion: with the episodes' noise fixed, each episode's
// pathwise sample is the derivative of its discounted return, which
// central differences in a sample of the parameters reproduce.
func TestPathwiseThroughMuJoCo(t *testing.T) {
	for _, name := range []string{"halfcheetah", "hopper"} {
		t.Run(name, func(t *testing.T) {
			env, err := rl.Make(name)
			if err != nil {
				t.Fatal(err)
			}
			defer env.(*Env).Close()
			const E = 2
			tr, err := rl.NewTrainer(env, rl.Config{Estimator: rl.Pathwise, Episodes: E, Horizon: 12, Hidden: []int{6}, Gamma: 0.9, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			np, d := tr.Policy.Dim(), tr.Dim()
			theta := make([]float64, np)
			tr.Policy.Params.Values(theta)
			for i := range theta {
				theta[i] *= 20
			}
			set := func() {
				tr.Policy.Params.SetValues(theta)
				tr.Policy.Sync()
			}
			set()
			p, s := make([]float64, E*d), make([]float64, E*d)
			if _, _, err := tr.Gradients(0, p, s); err != nil {
				t.Fatal(err)
			}
			disc := func() []float64 {
				_, dr, err := tr.Gradients(0, nil, s)
				if err != nil {
					t.Fatal(err)
				}
				return dr
			}
			// The returns are stiff in θ (HalfCheetah's soft contacts): at
			// h = 1e-5 the differences' own error is 1e-3 relative, at
			// h = 1e-7 it falls to 3e-5, so the step is small.
			const h = 1e-7
			worst := 0.0
			for k := 0; k < d; k += 7 {
				var x *float64
				if k < np {
					x = &theta[k]
				} else {
					x = &tr.LogStd[k-np]
				}
				x0 := *x
				*x = x0 + h
				set()
				up := disc()
				*x = x0 - h
				set()
				dn := disc()
				*x = x0
				set()
				for e := range E {
					fd := (up[e] - dn[e]) / (2 * h)
					rel := math.Abs(p[e*d+k]-fd) / (1 + math.Abs(fd))
					worst = math.Max(worst, rel)
					if rel > 1e-4 {
						t.Errorf("episode %d: ∂J/∂θ[%d] = %.8g, finite differences %.8g", e, k, p[e*d+k], fd)
					}
				}
			}
			t.Logf("largest relative difference %.2g", worst)
		})
	}
}

// TestTrainRuns runs every estimator for a few short iterations on each
// task: the trainer, the termination handling and the logs end to end.
func TestTrainRuns(t *testing.T) {
	for _, name := range []string{"halfcheetah", "hopper", "walker2d"} {
		for _, est := range []rl.Estimator{rl.Pathwise, rl.Reinforce, rl.Hybrid} {
			env, err := rl.Make(name)
			if err != nil {
				t.Fatal(err)
			}
			logs, err := rl.Run(context.Background(), env, rl.Config{Estimator: est, Iterations: 2, Episodes: 2, Horizon: 30, Hidden: []int{16}, Seed: 1}, nil)
			env.(*Env).Close()
			if err != nil || len(logs) != 2 {
				t.Fatalf("%s/%s: %v, %d logs", name, est, err, len(logs))
			}
			for _, l := range logs {
				if math.IsNaN(l.Return) || !(l.ReinforceVariance > 0) || l.Steps < 2 || l.Steps > 60 {
					t.Errorf("%s/%s: %+v", name, est, l)
				}
			}
		}
	}
}
