package rl_test

import (
	"testing"

	"github.com/hybridgreeks/hybridgreeks/rl"
	"github.com/hybridgreeks/hybridgreeks/rl/rltest"
)

// TestPathwiseIsExactDerivative checks the adjoint recursion on the Go
// tasks: each episode's pathwise sample equals the central difference of
// its discounted return with the noise fixed, in every parameter.
func TestPathwiseIsExactDerivative(t *testing.T) {
	for _, env := range []rl.Env{rl.Pendulum{}, rl.CartPole{}} {
		cfg := rl.Config{Episodes: 2, Horizon: 15, Hidden: []int{6}, Gamma: 0.9, Seed: 1}
		worst := rltest.PathwiseIsExact(t, env, cfg, 1e-6, 1e-5, 1)
		t.Logf("%s: largest relative difference %.2g", env.Spec().Name, worst)
	}
}
