//go:build mujoco

package mujoco

import (
	"context"
	"math"
	"testing"

	"github.com/hybridgreeks/hybridgreeks/rl"
	"github.com/hybridgreeks/hybridgreeks/rl/rltest"
)

// TestPathwiseThroughMuJoCo checks the whole pathwise chain on MuJoCo
// tasks (chained transition Jacobians, the reward's derivatives, the
// adjoint recursion) against central differences of the episodes'
// returns. The returns are stiff in θ (HalfCheetah's soft contacts): at
// h = 1e-5 the differences' own error is 1e-3 relative, at h = 1e-7 it
// falls to 3e-5, so the step is small.
func TestPathwiseThroughMuJoCo(t *testing.T) {
	for _, name := range []string{"halfcheetah", "hopper"} {
		env, err := rl.Make(name)
		if err != nil {
			t.Fatal(err)
		}
		cfg := rl.Config{Episodes: 2, Horizon: 12, Hidden: []int{6}, Gamma: 0.9, Seed: 3}
		worst := rltest.PathwiseIsExact(t, env, cfg, 1e-7, 1e-4, 7)
		t.Logf("%s: largest relative difference %.2g", name, worst)
		env.(*Env).Close()
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
